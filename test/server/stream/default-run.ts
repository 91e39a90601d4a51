import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TOPICS } from '../../../src/bus/topics.js';
import type { Bar } from '../../../src/core/events.js';
import { createEngineClock, Engine, preparePipeline } from '../../../src/engine.js';
import { TokenRegistry } from '../../../src/server/auth/index.js';

const DEFAULT_PIPELINE = fileURLToPath(new URL('../../../pipelines/default.yaml', import.meta.url));

export interface DefaultRun {
  readonly engine: Engine;
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** A viewer token from the engine's own registry. */
  readonly viewerToken: string;
  /** Every bar the bus has carried, in order. */
  readonly bars: readonly Bar[];
  /** Resolves once the bus has carried `count` bars of `symbol`. */
  barsOf(symbol: string, count: number, timeoutMs?: number): Promise<Bar[]>;
  stop(): Promise<void>;
}

/**
 * `npm start -- --listen 127.0.0.1:0` in-process: pipelines/default.yaml as shipped (simulated
 * market at 20× after its backfill, on the session clock the CLI gives it), paper trading, a
 * DuckDB store and the engine listening on loopback. Only its console step is left out.
 */
export async function startDefaultRun(): Promise<DefaultRun> {
  const dataDir = mkdtempSync(join(tmpdir(), 'enigma-default-run-'));
  const viewerToken = TokenRegistry.open(dataDir).create('desk', 'viewer').token;
  // As shipped, less the step that prints every signal to the test's output.
  const file = join(dataDir, 'default.yaml');
  const text = readFileSync(DEFAULT_PIPELINE, 'utf8').replace(/^ {2}- \{ id: show, op: console.*\n/m, '');
  if (text.includes('op: console')) throw new Error('the default pipeline changed: update the rig');
  writeFileSync(file, text);
  const { compiled } = await preparePipeline(file);
  const engine = await Engine.create({
    mode: 'live',
    clock: createEngineClock('live', compiled),
    dataDir,
    wasm: true,
    trading: { watchHaltFile: false },
    storePath: join(dataDir, 'enigma.duckdb'),
    listen: { host: '127.0.0.1', port: 0, token: 'default-run-gateway-token-0123456789' },
  });
  const bars: Bar[] = [];
  const waiters = new Set<() => void>();
  engine.bus.observe(TOPICS.bars).subscribe((bar) => {
    bars.push(bar);
    for (const wake of waiters) wake();
  });
  engine.add(compiled);
  engine.start();
  const of = (symbol: string): Bar[] => bars.filter((bar) => bar.symbol === symbol);
  return {
    engine,
    url: engine.gateway?.http.url ?? '',
    viewerToken,
    bars,
    barsOf(symbol, count, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (of(symbol).length < count) return;
          done();
          resolve(of(symbol));
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(`${String(of(symbol).length)} bars of ${symbol} on the bus, not ${String(count)}`),
          );
        }, timeoutMs);
        const done = (): void => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async stop() {
      await engine.stop();
    },
  };
}
