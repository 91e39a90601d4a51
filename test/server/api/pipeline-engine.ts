import { Value } from '@sinclair/typebox/value';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import type { AuditEntry } from '../../../src/core/events.js';
import { Engine, preparePipeline } from '../../../src/engine.js';
import { TokenRegistry } from '../../../src/server/auth/index.js';
import type { Json } from './api-engine.js';

/** A short simulated market on the wall clock, its ticks written to `<id>.jsonl` in the data directory. */
export function pipelineYaml(id: string, options: { seed?: number; record?: string } = {}): string {
  return [
    `id: ${id}`,
    'steps:',
    '  - id: market',
    '    op: simulatedMarket',
    `    params: { seed: ${String(options.seed ?? 1)}, instruments: [ES 12-26], ticksPerSecond: 200, backfill: 0s }`,
    `  - { id: record, op: jsonl, from: market, params: { path: ${options.record ?? `${id}.jsonl`} } }`,
    '',
  ].join('\n');
}

export interface PipelineEngine {
  readonly engine: Engine;
  /** The engine's `pipelines/` folder (relative names are looked up here). */
  readonly home: string;
  /** The folder of the pipelines it started with (alpha.yaml, beta.yaml). */
  readonly started: string;
  /** A folder the engine was never told about. */
  readonly elsewhere: string;
  readonly dataDir: string;
  readonly admin: string;
  readonly viewer: string;
  readonly audit: AuditEntry[];
  /** Calls the API; the body is checked against the schema the route declares for that status. */
  call(method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: Json }>;
  /** Source messages of the current run of `id` (0 when it has none). */
  messages(id: string): number;
  close(): Promise<void>;
}

/**
 * A live engine listening on loopback (so it stays up when its pipelines stop), started with two
 * pipeline files, `alpha` and `beta`, from a folder of their own; its `pipelines/` folder is another.
 */
export async function startPipelineEngine(): Promise<PipelineEngine> {
  const root = mkdtempSync(join(tmpdir(), 'enigma-pipelines-api-'));
  const [home, started, elsewhere, dataDir] = ['pipelines', 'started', 'elsewhere', 'data'].map((name) => {
    const folder = join(root, name);
    mkdirSync(folder);
    return folder;
  }) as [string, string, string, string];
  writeFileSync(join(started, 'alpha.yaml'), pipelineYaml('alpha', { seed: 1 }));
  writeFileSync(join(started, 'beta.yaml'), pipelineYaml('beta', { seed: 2 }));
  const registry = TokenRegistry.open(dataDir);
  const admin = registry.create('ops', 'admin').token;
  const viewer = registry.create('screen', 'viewer').token;
  const engine = await Engine.create({
    mode: 'live',
    dataDir,
    wasm: false,
    listen: { host: '127.0.0.1', port: 0, token: 'b4e1d2c3a4f5061728394a5b6c7d8e9f' },
    pipelineFolder: home,
  });
  const audit: AuditEntry[] = [];
  engine.bus.observe(TOPICS.audit).subscribe((entry) => audit.push(entry));
  for (const id of ['alpha', 'beta'])
    engine.add((await preparePipeline(join(started, `${id}.yaml`))).compiled);
  engine.start();
  const url = `${engine.gateway?.url ?? ''}/api/v1`;
  const routes = engine.api?.routes ?? [];
  return {
    engine,
    home,
    started,
    elsewhere,
    dataDir,
    admin,
    viewer,
    audit,
    async call(method, path, token, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${token}`,
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: JSON.stringify(body) }),
      });
      const text = await response.text();
      const parsed = text === '' ? undefined : (JSON.parse(text) as Json);
      const route = routes.find(
        (candidate) =>
          candidate.method === method.toLowerCase() &&
          new RegExp(`^${candidate.path.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
      );
      const schema = route?.responses[response.status]?.schema;
      expect(schema, `${method} ${path} declares ${String(response.status)}`).toBeDefined();
      if (schema) expect([...Value.Errors(schema, parsed)], `${method} ${path} body`).toEqual([]);
      return { status: response.status, body: parsed };
    },
    messages(id) {
      return engine.metrics().find((pipeline) => pipeline.pipeline === id)?.sourceMessages ?? 0;
    },
    async close() {
      await engine.stop();
    },
  };
}
