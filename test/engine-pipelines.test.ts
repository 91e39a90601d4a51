import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { TOPICS } from '../src/bus/topics.js';
import type { Alert } from '../src/core/events.js';
import { Engine, preparePipeline } from '../src/engine.js';
import { pipelineYaml } from './server/api/pipeline-engine.js';

/** A folder with the pipeline files given, and the engine's data directory in it. */
async function compiledIn(files: Record<string, string>) {
  const folder = mkdtempSync(join(tmpdir(), 'enigma-engine-pipelines-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
  const compiled = await Promise.all(
    Object.keys(files).map(async (name) => (await preparePipeline(join(folder, name))).compiled),
  );
  return { folder, compiled };
}

const finite = (id: string, ticks: number): string =>
  pipelineYaml(id).replace('backfill: 0s', `backfill: 1m, maxTicks: ${String(ticks)}`);

describe('the engine and its pipelines', () => {
  it('ends, when it does not listen, once its pipelines have ended by themselves', async () => {
    const { folder, compiled } = await compiledIn({ 'a.yaml': finite('a', 40), 'b.yaml': finite('b', 60) });
    const engine = await Engine.create({ mode: 'live', dataDir: folder, wasm: false });
    for (const pipeline of compiled) engine.add(pipeline);
    engine.start();
    const final = await engine.finished();
    expect(final.map((run) => [run.pipeline, run.sourceMessages])).toEqual([
      ['a', 40],
      ['b', 60],
    ]);
  });

  it('ends, when it does not listen, once the last of its pipelines is stopped one by one', async () => {
    const { folder, compiled } = await compiledIn({
      'a.yaml': pipelineYaml('a'),
      'b.yaml': pipelineYaml('b'),
    });
    const engine = await Engine.create({ mode: 'live', dataDir: folder, wasm: false });
    for (const pipeline of compiled) engine.add(pipeline);
    engine.start();
    let ended = false;
    const finished = engine.finished().then((final) => {
      ended = true;
      return final;
    });
    expect(await engine.stopPipeline('a')).toMatchObject({ id: 'a', state: 'stopped' });
    await vi.waitFor(() => expect(engine.metrics()[1]?.sourceMessages).toBeGreaterThan(0));
    expect(ended).toBe(false);
    await engine.stopPipeline('b');
    expect((await finished).map((run) => run.pipeline)).toEqual(['a', 'b']);
  });

  it('keeps a listening live engine up when a pipeline fails: listed as stopped with its error, the others go on', async () => {
    const { folder, compiled } = await compiledIn({
      'good.yaml': pipelineYaml('good'),
      'bad.yaml': [
        'id: bad',
        'steps:',
        '  - { id: ticks, op: csvReplay, params: { file: no-such-file.csv } }',
        '  - { id: record, op: jsonl, from: ticks, params: { path: bad.jsonl } }',
        '',
      ].join('\n'),
    });
    const engine = await Engine.create({
      mode: 'live',
      dataDir: folder,
      wasm: false,
      listen: { host: '127.0.0.1', port: 0, token: 'c5f2e3d4b5a6071829304a5b6c7d8e9f' },
    });
    const alerts: Alert[] = [];
    engine.bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
    for (const pipeline of compiled) engine.add(pipeline);
    engine.start();
    await vi.waitFor(() =>
      expect(engine.listPipelines().find((pipeline) => pipeline.id === 'bad')).toMatchObject({
        state: 'stopped',
        error: { code: 'SOURCE_FAILED' },
      }),
    );
    const good = engine.metrics().find((run) => run.pipeline === 'good')?.sourceMessages ?? 0;
    await vi.waitFor(() =>
      expect(engine.metrics().find((run) => run.pipeline === 'good')?.sourceMessages).toBeGreaterThan(good),
    );
    expect(engine.listPipelines().find((pipeline) => pipeline.id === 'good')?.state).toBe('running');
    // The engine stayed up, so the failure must reach a person: a critical alert (rules, phone).
    expect(alerts).toEqual([
      expect.objectContaining({
        severity: 'critical',
        code: 'SOURCE_FAILED',
        message: expect.stringContaining('pipeline bad failed') as string,
      }),
    ]);
    const final = await engine.stop();
    expect(final.map((run) => run.pipeline)).toEqual(['good', 'bad']);
  });
});
