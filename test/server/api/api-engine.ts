import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayClock } from '../../../src/core/clock.js';
import { Engine } from '../../../src/engine.js';
import { TOPICS } from '../../../src/bus/topics.js';
import type { AuditEntry } from '../../../src/core/events.js';
import { TokenRegistry } from '../../../src/server/auth/index.js';
import { ROLES, type Role } from '../../../src/server/auth/roles.js';
import type { TradingAccountConfig } from '../../../src/trading.js';
import { T0 } from '../../execution/execution-helpers.js';

/** A JSON body as a test reads it, field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiEngine {
  readonly engine: Engine;
  readonly clock: ReplayClock;
  readonly url: string;
  /** A real registry token per role, named `<role>-bot`. */
  readonly tokens: Readonly<Record<Role, string>>;
  /** What the engine recorded in its audit log (the `audit` topic), in order. */
  readonly audit: AuditEntry[];
  call(method: string, path: string, token?: string, body?: unknown): Promise<{ status: number; body: Json }>;
  close(): Promise<void>;
}

/**
 * A real engine for API tests: paper trading on a replay clock at T0, a DuckDB file in a fresh
 * data directory, listening on loopback with the API mounted.
 */
export async function startApiEngine(
  accounts: readonly TradingAccountConfig[] = [
    { id: 'SIM-50K', profile: 'apex-50k-evaluation', mode: 'auto' },
  ],
  options: { store?: boolean; trading?: boolean } = {},
): Promise<ApiEngine> {
  const dataDir = mkdtempSync(join(tmpdir(), 'enigma-api-'));
  const clock = new ReplayClock(T0);
  const registry = TokenRegistry.open(dataDir);
  const tokens = Object.fromEntries(
    ROLES.map((role) => [role, registry.create(`${role}-bot`, role).token]),
  ) as Record<Role, string>;
  const audit: AuditEntry[] = [];
  const engine = await Engine.create({
    mode: 'live',
    clock,
    dataDir,
    wasm: false,
    ...(options.trading !== false && {
      trading: { accounts, watchHaltFile: false, paper: { slippageTicks: 0, commissions: { ES: 2 } } },
    }),
    ...(options.store !== false && { storePath: join(dataDir, 'enigma.duckdb') }),
    listen: { host: '127.0.0.1', port: 0, token: 'a3f9c2e87b6d4015a3f9c2e87b6d4015' },
  });
  engine.bus.observe(TOPICS.audit).subscribe((entry) => audit.push(entry));
  const url = `${engine.gateway?.url ?? ''}/api/v1`;
  return {
    engine,
    clock,
    url,
    tokens,
    audit,
    async call(method, path, token, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: {
          ...(token !== undefined && { authorization: `Bearer ${token}` }),
          ...(body !== undefined && { 'content-type': 'application/json' }),
        },
        ...(body !== undefined && { body: typeof body === 'string' ? body : JSON.stringify(body) }),
      });
      const text = await response.text();
      return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
    },
    async close() {
      await engine.stop();
    },
  };
}
