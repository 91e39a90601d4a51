import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReplayClock } from '../../../src/core/clock.js';
import { Engine } from '../../../src/engine.js';
import type { ApiAuditEntry } from '../../../src/server/api/index.js';
import type { Principal } from '../../../src/server/auth/roles.js';
import type { TradingAccountConfig } from '../../../src/trading.js';
import { T0 } from '../../execution/execution-helpers.js';

/** One token per role; the integrator swaps this Map for the real token registry. */
export const TOKENS = {
  viewer: 'viewer-token-0123456789',
  trader: 'trader-token-0123456789',
  admin: 'admin-token-0123456789',
  addon: 'addon-token-0123456789',
} as const;
const HOLDERS = new Map<string, Principal>(
  Object.entries(TOKENS).map(([role, token]) => [
    token,
    { name: `${role}-bot`, role: role as Principal['role'] },
  ]),
);

/** A JSON body as a test reads it, field by field. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface ApiEngine {
  readonly engine: Engine;
  readonly clock: ReplayClock;
  readonly url: string;
  readonly audit: ApiAuditEntry[];
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
  const audit: ApiAuditEntry[] = [];
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
    api: { authenticate: (token) => HOLDERS.get(token), audit: (entry) => audit.push(entry) },
  });
  const url = `${engine.gateway?.url ?? ''}/api/v1`;
  return {
    engine,
    clock,
    url,
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
