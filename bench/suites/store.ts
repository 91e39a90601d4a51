import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageBus } from '../../src/bus/bus.js';
import { ReplayClock } from '../../src/core/clock.js';
import { TOPICS } from '../../src/bus/topics.js';
import type { Fill, Signal, Tick } from '../../src/core/events.js';
import { periodOf } from '../../src/analytics/period.js';
import { openReadOnly } from '../../src/reports/open-database.js';
import { writeReport } from '../../src/reports/write-report.js';
import type { RunContext } from '../../src/pipeline/operator.js';
import { store as storeSink } from '../../src/store/operators/store.js';
import { Store, type StoreOptions } from '../../src/store/store.js';
import type { Suite } from '../suite.js';

const BASE_TS = 1_790_000_000_000_000;
const SYMBOLS = ['ES 12-26', 'NQ 12-26', 'CL 01-27', 'GC 02-27'];
const SIDES = ['buy', 'sell', 'unknown'] as const;

function tickAt(i: number): Tick {
  return {
    symbol: SYMBOLS[i % 4] as string,
    ts: BASE_TS + i * 1000,
    price: 5000 + (i % 400) * 0.25,
    size: 1 + (i % 7),
    bid: 4999.75,
    ask: 5000.25,
    side: SIDES[i % 3] as Tick['side'],
  };
}

function context(store: Store): RunContext {
  return {
    pipelineId: 'bench',
    stepId: 'store',
    baseDir: '.',
    inputs: [{ stepId: 'market', type: 'tick', numericFields: undefined, textFields: [] }],
    functions: new Map(),
    clock: new ReplayClock(),
    bus: new MessageBus(),
    mode: 'replay',
    dataDir: '.',
    store,
    deadLetter: () => undefined,
  };
}

function percentile(sorted: Float64Array, q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

const round = (value: number, digits = 2): number => Number(value.toFixed(digits));

/** Ticks through the `store` sink into a file, until every row is committed. */
/**
 * Ticks through the `store` sink into a file, until every row is committed. `slice` 0 writes
 * them in one synchronous loop; otherwise in slices of that many with a turn of the event loop
 * between (as a replay source emits chunk by chunk), so commits overlap with writing.
 */
async function sinkThroughput(
  dir: string,
  rows: number,
  slice: number,
): Promise<Record<string, string | number>> {
  const ticks = Array.from({ length: rows }, (_, i) => tickAt(i));
  const store = await Store.open(join(dir, `sink-${slice}.duckdb`));
  const sink = storeSink.create({ table: 'auto' }, context(store));
  const started = performance.now();
  if (slice === 0) {
    for (const tick of ticks) sink.write(tick);
  } else {
    for (let base = 0; base < rows; base += slice) {
      const end = Math.min(rows, base + slice);
      for (let i = base; i < end; i++) sink.write(ticks[i] as Tick);
      await new Promise((resolve) => setImmediate(resolve));
    }
  }
  const written = performance.now();
  await sink.close();
  const committed = performance.now();
  const stats = store.stats;
  await store.close();
  return {
    case: `sink → ticks, ${rows.toLocaleString('en-US')} rows, file, ${slice === 0 ? 'one loop' : `slices of ${slice.toLocaleString('en-US')}`}`,
    'rows/s': Math.round(rows / ((committed - started) / 1000)),
    'write ms': round(written - started),
    'total ms': round(committed - started),
    batches: stats.batchesCommitted,
    'commit p50 ms': round(stats.commitMillis.p50),
    'commit p99 ms': round(stats.commitMillis.p99),
  };
}

/** Edge envelopes plus ticks at a steady rate; latency from publish to the watermark that covers it. */
export async function ackLatency(
  dir: string,
  rate: number,
  seconds: number,
  options: StoreOptions = {},
): Promise<Record<string, string | number>> {
  const store = await Store.open(join(dir, 'ack.duckdb'), options);
  const bus = new MessageBus();
  store.attach(bus);
  const total = rate * seconds;
  const publishedAt = new Float64Array(total + 1);
  const latencies = new Float64Array(total);
  let acked = 0;
  bus.observe(TOPICS.stored).subscribe(({ seq }) => {
    const now = performance.now();
    for (let s = acked + 1; s <= seq; s++) latencies[s - 1] = now - (publishedAt[s] as number);
    acked = seq;
  });
  const publishReceived = bus.publisher(TOPICS.received);
  const publishTick = bus.publisher(TOPICS.ticks);
  const started = performance.now();
  let seq = 0;
  await new Promise<void>((resolve) => {
    const pump = (): void => {
      const due = Math.min(total, Math.floor(((performance.now() - started) / 1000) * rate));
      while (seq < due) {
        seq++;
        const tick = tickAt(seq);
        publishedAt[seq] = performance.now();
        publishTick(tick);
        publishReceived({ source: 'bench', seq, type: 'tick', message: tick });
      }
      if (seq < total) setImmediate(pump);
      else resolve();
    };
    pump();
  });
  await store.flush();
  const stats = store.stats;
  await store.close();
  const sorted = latencies.slice(0, acked).sort();
  return {
    case: `ack at ${rate.toLocaleString('en-US')} msg/s × ${seconds} s (envelope + tick each)`,
    'rows/s': Math.round((2 * total) / ((performance.now() - started) / 1000)),
    'write ms': '',
    'total ms': round(performance.now() - started),
    batches: stats.batchesCommitted,
    'commit p50 ms': round(stats.commitMillis.p50),
    'commit p99 ms': round(stats.commitMillis.p99),
    'ack p50 ms': round(percentile(sorted, 0.5)),
    'ack p99 ms': round(percentile(sorted, 0.99)),
  };
}

/** One UTC day of ticks over four instruments, with signals and round-trip fills; then `writeReport` for that day. */
async function dailyReport(dir: string, ticks: number): Promise<Record<string, string | number>> {
  const day = Date.UTC(2026, 10, 24) * 1000;
  const step = Math.floor(86_400_000_000 / ticks);
  const store = await Store.open(join(dir, 'report.duckdb'));
  for (let i = 0; i < ticks; i++) {
    const price = 5000 + Math.round(40 * Math.sin(i / 5000) + (i % 13)) * 0.25;
    store.writeTick({ ...tickAt(i), ts: day + i * step, price, bid: price - 0.25, ask: price });
  }
  // The account's opening state, as a run stores it: the report's capital is its starting balance.
  store.writeAccount({
    account: 'SIM',
    ts: day,
    currency: 'USD',
    balance: 50_000,
    equity: 50_000,
    realizedPnlToday: 0,
    unrealizedPnl: 0,
  });
  const signals = 1000;
  for (let k = 0; k < signals; k++) {
    const ts = day + Math.floor((k * 86_000_000_000) / signals);
    const signal: Signal = {
      source: k % 2 === 0 ? 'trend.cross' : 'enigma',
      symbol: SYMBOLS[k % 4] as string,
      ts,
      direction: k % 3 === 0 ? 'short' : 'long',
      strength: k % 5 === 0 ? 'strong' : 'normal',
      power: k % 10,
      confluence: ((k % 4) + 1) as Signal['confluence'],
      price: 5000,
      metadata: { confidence: (k % 10) / 10 },
    };
    store.writeSignal(signal);
    store.writeOrderIntent({
      id: `o${k}`,
      account: 'SIM',
      symbol: signal.symbol,
      ts: ts + 100,
      side: signal.direction === 'long' ? 'buy' : 'sell',
      quantity: 1,
      type: 'market',
      timeInForce: 'day',
      signalTs: ts,
      reason: 'bench',
    });
    const fill = (n: number, side: Fill['side'], at: number, price: number): Fill => ({
      fillId: `f${k}-${n}`,
      clientOrderId: `o${k}`,
      account: 'SIM',
      symbol: signal.symbol,
      ts: at,
      side,
      quantity: 1,
      price,
      commission: 2,
    });
    const entrySide = signal.direction === 'long' ? 'buy' : 'sell';
    store.writeFill(fill(0, entrySide, ts + 2000, 5000.25));
    store.writeFill(
      fill(1, entrySide === 'buy' ? 'sell' : 'buy', ts + 60_000_000, 5000 + ((k % 7) - 3) * 0.25),
    );
  }
  await store.close();
  // As `enigma report` does: the file, read-only, once the engine has closed it.
  const database = await openReadOnly(join(dir, 'report.duckdb'));
  const started = performance.now();
  const written = await writeReport(database.connection, periodOf('day', '2026-11-24'), join(dir, 'reports'));
  const elapsed = performance.now() - started;
  database.close();
  return {
    case: `daily report over ${ticks.toLocaleString('en-US')} ticks, ${signals} signals, ${written.data.trades.length} trades`,
    'rows/s': '',
    'write ms': '',
    'total ms': round(elapsed),
    batches: '',
    'commit p50 ms': '',
    'commit p99 ms': '',
  };
}

const suite: Suite = async ({ quick }) => {
  const dir = mkdtempSync(join(tmpdir(), 'enigma-bench-store-'));
  try {
    const oneLoop = await sinkThroughput(dir, quick ? 200_000 : 1_000_000, 0);
    const sliced = await sinkThroughput(dir, quick ? 200_000 : 1_000_000, 16_384);
    const ack = await ackLatency(dir, 100_000, quick ? 1 : 3);
    const report = await dailyReport(dir, quick ? 200_000 : 1_000_000);
    const rows = [oneLoop, sliced, ack, report];
    const keys = [...new Set(rows.flatMap((row) => Object.keys(row)))];
    return {
      name: 'store (DuckDB)',
      rows: rows.map((row) => Object.fromEntries(keys.map((key) => [key, row[key] ?? '']))),
      figures: {
        'store.tickRowsPerSecond': Number(oneLoop['rows/s']),
        'store.tickRowsPerSecondSliced': Number(sliced['rows/s']),
        'store.commitP99Millis': Number(ack['commit p99 ms']),
        'store.ackP99Millis': Number(ack['ack p99 ms']),
        'store.dailyReportMillis': Number(report['total ms']),
      },
      notes: [
        'File-backed DuckDB in the OS temp dir; default store options: commit every 122,880 rows or 10 ms, idle checkpoint after 1 s, DuckDB threads 1, checkpoint_threshold 64MB, memory_limit 64MB; commits run in the store’s writer thread, pipelined (several in one transaction when they queue up).',
        'rows/s counts from the first write to the last COMMIT returning; ticks are generated before timing. `store.tickRowsPerSecond` is the one-loop case (no commit can overlap the writes); the sliced case feeds the sink as a replay source does.',
        'ack = time from publishing an edge envelope (after its tick) to the `store.watermarks` message that covers its seq; `store.commitP99Millis` is the commit p99 of that 100,000 msg/s run.',
        'Daily report = `writeReport` for one UTC day: round trips, stats by five dimensions, signal effectiveness (ASOF over the day of ticks), correlation, slippage, latency, market summary, HTML + 7 CSVs.',
      ],
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
};

export default suite;
