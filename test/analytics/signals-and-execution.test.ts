import type { DuckDBConnection } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { returnCorrelations } from '../../src/analytics/correlation.js';
import { signalToFillLatency, slippage } from '../../src/analytics/execution-quality.js';
import { signalEffectiveness } from '../../src/analytics/signal-effectiveness.js';
import type { Signal, Tick } from '../../src/core/events.js';
import { openReadOnly } from '../../src/reports/open-database.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../store/helpers.js';
import { DAY1, HOUR, writeFixture } from './fixtures.js';

const T0 = DAY1 + 14 * HOUR;
const SECOND = 1_000_000;
const tick = (symbol: string, ts: number, price: number): Tick => ({
  symbol,
  ts,
  price,
  size: 1,
  bid: price,
  ask: price,
  side: 'unknown',
});
const signal = (ts: number, direction: Signal['direction'], confidence: number, power: number): Signal => ({
  source: 'enigma',
  symbol: 'ES 12-26',
  ts,
  direction,
  strength: 'normal',
  power,
  confluence: 2,
  price: 5000,
  metadata: { confidence },
});

describe('signal, market and execution analytics', () => {
  let temp: ReturnType<typeof tempDir>;
  let store: Store;
  beforeEach(async () => {
    temp = tempDir('enigma-analytics-');
    store = await Store.open(temp.file('signals.duckdb'));
  });
  afterEach(async () => {
    await store.close();
    temp.remove();
  });

  /** Closes the store and runs an analysis on the file read-only, as `enigma report` does. */
  async function analyse<T>(analysis: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    await store.close();
    const database = await openReadOnly(temp.file('signals.duckdb'));
    try {
      return await analysis(database.connection);
    } finally {
      database.close();
    }
  }

  it('measures hit rate and forward move per bucket at each horizon the data covers', async () => {
    // ES: 5000 at T0, 5001 at +30 s, 5002 at +70 s (the last tick, so only the 60 s horizon is covered).
    for (const [offset, price] of [
      [0, 5000],
      [30, 5001],
      [70, 5002],
    ] as const)
      store.writeTick(tick('ES 12-26', T0 + offset * SECOND, price));
    // Long at T0 (60 s later: 5001, +1 pt = +4 ticks = $50); short at +10 s (60 s later: 5002, −2 pt = −8 ticks = −$100).
    store.writeSignal(signal(T0, 'long', 0.75, 1));
    store.writeSignal(signal(T0 + 10 * SECOND, 'short', 0.82, 9));
    store.writeSignal({ ...signal(T0 + 20 * SECOND, 'neutral', 0.5, 5) });
    const rows = await analyse((connection) =>
      signalEffectiveness(connection, { horizonsSeconds: [60, 300] }),
    );
    const pick = (dimension: string) =>
      rows
        .filter((r) => r.dimension === dimension)
        .map((r) => [r.bucket, r.horizonSeconds, r.signals, r.hitRate, r.averageTicks, r.averageDollars]);
    expect(pick('strength')).toEqual([['normal', 60, 2, 0.5, -2, -25]]);
    expect(pick('confidence')).toEqual([
      ['0.7–0.8', 60, 1, 1, 4, 50],
      ['0.8–0.9', 60, 1, 0, -8, -100],
    ]);
    expect(pick('power')).toEqual([
      ['Q1', 60, 1, 1, 4, 50],
      ['Q2', 60, 1, 0, -8, -100],
    ]);
    expect(pick('confluence')).toEqual([['2', 60, 2, 0.5, -2, -25]]);
  });

  it('correlates instruments by their one-minute log returns', async () => {
    const es = [100, 101, 100, 102, 101.5];
    es.forEach((price, minute) => {
      store.writeTick(tick('ES 12-26', T0 + minute * 60 * SECOND, price));
      store.writeTick(tick('NQ 12-26', T0 + minute * 60 * SECOND, 1_000_000 / price));
      store.writeTick(tick('CL 01-27', T0 + minute * 60 * SECOND, price * 3));
    });
    const rows = await analyse(returnCorrelations);
    expect(rows.map((r) => [r.a, r.b, r.observations])).toEqual([
      ['CL 01-27', 'ES 12-26', 4],
      ['CL 01-27', 'NQ 12-26', 4],
      ['ES 12-26', 'NQ 12-26', 4],
    ]);
    expect(rows[0]?.correlation).toBeCloseTo(1, 9);
    expect(rows[1]?.correlation).toBeCloseTo(-1, 9);
    expect(rows[2]?.correlation).toBeCloseTo(-1, 9);
  });

  it('prices slippage against the signal price and times signal to fill', async () => {
    writeFixture(store);
    // Market buy 2 ES at 5000 from a signal at 4999.75: 1 tick worse per contract, 2 × $12.50.
    const [slipped, latency] = await analyse((connection) =>
      Promise.all([slippage(connection), signalToFillLatency(connection)]),
    );
    expect(slipped).toEqual([
      { account: 'A', symbol: 'ES 12-26', fills: 1, contracts: 2, averageTicks: 1, totalDollars: 25 },
    ]);
    expect(latency).toEqual({
      fills: 1,
      meanMillis: 2,
      p50Millis: 2,
      p90Millis: 2,
      p99Millis: 2,
      maxMillis: 2,
    });
  });
});
