import { existsSync, statSync, writeFileSync } from 'node:fs';
import { firstValueFrom, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type StoredWatermark } from '../../src/bus/topics.js';
import type { Alert } from '../../src/core/events.js';
import { MIGRATIONS, SCHEMA_VERSION } from '../../src/store/migrations.js';
import {
  duckdbReplay,
  duckdbReplayBars,
  duckdbReplaySignals,
} from '../../src/store/operators/duckdb-replay.js';
import type { Bar, Signal, Tick } from '../../src/core/events.js';
import { Store } from '../../src/store/store.js';
import { BASE_TS, queryFile, queryStore, runContext, tempDir, tickAt } from './helpers.js';

/** Size of the database's write-ahead log (0 when there is none). */
function walBytes(path: string): number {
  const wal = `${path}.wal`;
  return existsSync(wal) ? statSync(wal).size : 0;
}

describe('Store', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.remove());

  it('creates the versioned schema once and reopens without migrating again', async () => {
    const path = temp.file('schema.duckdb');
    await (await Store.open(path)).close();
    await (await Store.open(path)).close();
    expect(await queryFile(path, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(
      MIGRATIONS.map((migration) => [migration.version]),
    );
    expect(MIGRATIONS.at(-1)?.version).toBe(SCHEMA_VERSION);
  });

  it('persists every topic of the bus into its table', async () => {
    const path = temp.file('bus.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    store.attach(bus);
    const ts = BASE_TS;
    bus.publish(TOPICS.ticks, tickAt(0));
    bus.publish(TOPICS.bars, {
      symbol: 'ES 12-26',
      ts,
      end: ts + 60_000_000,
      open: 1,
      high: 2,
      low: 0.5,
      close: 1.5,
      volume: 10,
      buyVolume: 6,
      sellVolume: 4,
      trades: 5,
    });
    bus.publish(TOPICS.features, { symbol: 'ES 12-26', ts, values: { ema21: 5000.5, 'bb.upper': 5010 } });
    bus.publish(TOPICS.signals, {
      source: 'enigma',
      symbol: 'ES 12-26',
      ts,
      direction: 'short',
      strength: 'normal',
      power: 3,
      confluence: 2,
      price: 5000,
      stop: 5004,
      targets: [4990, 4980],
    });
    bus.publish(TOPICS.orderIntents, {
      id: 'i1',
      account: 'SIM1',
      symbol: 'ES 12-26',
      ts,
      side: 'sell',
      quantity: 2,
      type: 'market',
      timeInForce: 'day',
      signalTs: ts,
      reason: 'enigma short',
    });
    bus.publish(TOPICS.orders, {
      clientOrderId: 'i1',
      account: 'SIM1',
      symbol: 'ES 12-26',
      ts,
      side: 'sell',
      quantity: 2,
      filledQuantity: 2,
      averageFillPrice: 4999.75,
      type: 'market',
      timeInForce: 'day',
      status: 'filled',
    });
    bus.publish(TOPICS.fills, {
      fillId: 'f1',
      clientOrderId: 'i1',
      account: 'SIM1',
      symbol: 'ES 12-26',
      ts,
      side: 'sell',
      quantity: 2,
      price: 4999.75,
      commission: 4.2,
    });
    bus.publish(TOPICS.positions, {
      account: 'SIM1',
      symbol: 'ES 12-26',
      ts,
      quantity: -2,
      averagePrice: 4999.75,
      unrealizedPnl: 0,
      realizedPnl: 0,
    });
    bus.publish(TOPICS.accounts, {
      account: 'SIM1',
      ts,
      currency: 'USD',
      balance: 50_000,
      equity: 50_000,
      realizedPnlToday: 0,
      unrealizedPnl: 0,
    });
    bus.publish(TOPICS.riskStates, {
      account: 'SIM1',
      ts,
      state: 'REDUCING',
      reasons: ['daily loss 80%'],
      health: 20,
    });
    bus.publish(TOPICS.alerts, {
      ts,
      severity: 'warning',
      code: 'RISK_REDUCING',
      message: 'reducing',
      account: 'SIM1',
    });
    await store.close();

    const counts = await queryFile(
      path,
      `SELECT (SELECT count(*) FROM ticks), (SELECT count(*) FROM bars), (SELECT count(*) FROM features),
              (SELECT count(*) FROM signals), (SELECT count(*) FROM order_intents), (SELECT count(*) FROM orders),
              (SELECT count(*) FROM fills), (SELECT count(*) FROM positions), (SELECT count(*) FROM accounts),
              (SELECT count(*) FROM risk_states), (SELECT count(*) FROM alerts), (SELECT count(*) FROM rejects)`,
    );
    expect(counts[0]?.map(Number)).toEqual([1, 1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 0]);
    expect(await queryFile(path, 'SELECT symbol, open, close, trades FROM bars_v')).toEqual([
      ['ES 12-26', 1, 1.5, 5],
    ]);
    expect(await queryFile(path, 'SELECT name, value FROM features ORDER BY seq')).toEqual([
      ['ema21', 5000.5],
      ['bb.upper', 5010],
    ]);
    expect(await queryFile(path, 'SELECT stop, targets, metadata FROM signals')).toEqual([
      [5004, '[4990,4980]', null],
    ]);
    expect(await queryFile(path, 'SELECT signal_ts, limit_price FROM order_intents')).toEqual([
      [BigInt(ts), null],
    ]);
    expect(await queryFile(path, 'SELECT reasons FROM risk_states')).toEqual([['["daily loss 80%"]']]);
  });

  it('keeps bad rows in rejects with the raw payload and the reason', async () => {
    const path = temp.file('rejects.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    store.attach(bus);
    bus.publish(TOPICS.ticks, { ...tickAt(0), price: Number.NaN });
    bus.publish(TOPICS.ticks, { ...tickAt(1), size: -3 });
    bus.publish(TOPICS.ticks, tickAt(10));
    bus.publish(TOPICS.ticks, { ...tickAt(2), symbol: tickAt(10).symbol });
    bus.publish(TOPICS.ticks, { ...tickAt(3), ts: 1.5 });
    bus.publish(TOPICS.fills, {
      fillId: 'f0',
      clientOrderId: 'o',
      account: 'A',
      symbol: 'ES 12-26',
      ts: BASE_TS,
      side: 'buy',
      quantity: 0,
      price: 1,
      commission: 0,
    });
    bus.publish(TOPICS.deadLetters, {
      ts: BASE_TS,
      origin: 'gateway',
      code: 'INPUT_BAD_ROW',
      reason: 'not JSON',
      message: '{"price": 5000,',
    });
    await store.close();
    expect(store.stats.rejects).toBe(6);

    const rows = await queryFile(path, 'SELECT origin, code, reason, payload FROM rejects ORDER BY seq');
    expect(rows.map((r) => r.slice(0, 2))).toEqual([
      ['store', 'INPUT_NOT_FINITE'],
      ['store', 'INPUT_NEGATIVE_SIZE'],
      ['store', 'INPUT_TIME_BACKWARDS'],
      ['store', 'STORE_INVALID_ROW'],
      ['store', 'STORE_INVALID_ROW'],
      ['gateway', 'INPUT_BAD_ROW'],
    ]);
    expect(rows[0]?.[3]).toContain('"price":"NaN"');
    expect(rows[2]?.[2]).toContain('older than the previous');
    expect(rows[5]?.slice(2)).toEqual(['not JSON', '{"price": 5000,']);
    expect(await queryFile(path, 'SELECT count(*) FROM ticks')).toEqual([[1n]]);
  });

  it('rejects a message that breaks its table schema without failing the batch around it', async () => {
    const path = temp.file('schema-rejects.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    store.attach(bus);
    const signal = {
      source: 'enigma',
      symbol: 'ES 12-26',
      ts: BASE_TS,
      direction: 'long',
      strength: 'normal',
      power: 1,
      confluence: 2,
      price: 5000,
    } as const;
    bus.publish(TOPICS.signals, signal);
    bus.publish(TOPICS.signals, { ...signal, symbol: undefined as unknown as string });
    bus.publish(TOPICS.signals, { ...signal, confluence: 2.5 as 2 });
    bus.publish(TOPICS.signals, { ...signal, metadata: { big: 10n as unknown as number } });
    bus.publish(TOPICS.features, { symbol: 'ES 12-26', ts: BASE_TS, values: { rsi: Number.NaN, ema: 5000 } });
    bus.publish(TOPICS.signals, { ...signal, power: 3 });
    await store.close();
    expect(await queryFile(path, 'SELECT power FROM signals ORDER BY seq')).toEqual([[1], [3]]);
    expect(await queryFile(path, 'SELECT reason FROM rejects ORDER BY seq')).toEqual([
      ['signals: symbol is missing'],
      ['signals: confluence is not an integer'],
      [expect.stringContaining('cannot store the message')],
    ]);
    expect(await queryFile(path, 'SELECT name, value FROM features ORDER BY seq')).toEqual([
      ['rsi', null],
      ['ema', 5000],
    ]);
  });

  it('publishes the highest contiguous committed seq per source, ignores resends and restores it on reopen', async () => {
    const path = temp.file('watermarks.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    const watermarks: StoredWatermark[] = [];
    bus.observe(TOPICS.stored).subscribe((w) => watermarks.push(w));
    store.attach(bus);
    const envelope = (source: string, seq: number) => ({ source, seq, type: 'tick', message: tickAt(seq) });
    for (const seq of [1, 2, 3]) bus.publish(TOPICS.received, envelope('gateway:a', seq));
    bus.publish(TOPICS.received, envelope('gateway:b', 1));
    await store.flush();
    expect(watermarks).toEqual([
      { source: 'gateway:a', seq: 3 },
      { source: 'gateway:b', seq: 1 },
    ]);
    bus.publish(TOPICS.received, envelope('gateway:a', 2));
    bus.publish(TOPICS.received, envelope('gateway:a', 4));
    await store.flush();
    expect(store.stats.duplicates).toBe(1);
    expect(watermarks.at(-1)).toEqual({ source: 'gateway:a', seq: 4 });
    await store.close();

    const reopened = await Store.open(path);
    expect(reopened.watermark('gateway:a')).toBe(4);
    expect(reopened.watermark('gateway:b')).toBe(1);
    expect(reopened.watermark('gateway:c')).toBe(0);
    await reopened.close();
    expect(
      await queryFile(path, "SELECT source_seq, type FROM received WHERE source = 'gateway:a' ORDER BY seq"),
    ).toEqual([
      [1n, 'tick'],
      [2n, 'tick'],
      [3n, 'tick'],
      [4n, 'tick'],
    ]);
  });

  it('counts backpressure past the high-water mark, raises an alert and drops nothing', async () => {
    const path = temp.file('backpressure.duckdb');
    const store = await Store.open(path, {
      highWaterMark: 1000,
      batchRows: 1_000_000,
      flushIntervalMs: 60_000,
    });
    const bus = new MessageBus();
    const alerts: Alert[] = [];
    bus.observe(TOPICS.alerts).subscribe((a) => alerts.push(a));
    store.attach(bus);
    for (let i = 0; i < 5000; i++) bus.publish(TOPICS.ticks, tickAt(i));
    expect(store.stats.backpressureEvents).toBe(1);
    expect(store.writable).toBe(false);
    expect(alerts.map((a) => a.code)).toEqual(['STORE_BACKPRESSURE']);
    await store.flush();
    await store.whenWritable();
    expect(store.writable).toBe(true);
    await store.close();
    expect(await queryFile(path, 'SELECT count(*) FROM ticks')).toEqual([[5000n]]);
    expect(await queryFile(path, "SELECT count(*) FROM alerts WHERE code = 'STORE_BACKPRESSURE'")).toEqual([
      [1n],
    ]);
  });

  it('commits on its timer again after a flush overtook it', { timeout: 10_000 }, async () => {
    const path = temp.file('timer.duckdb');
    const store = await Store.open(path, { flushIntervalMs: 20, batchRows: 10 });
    const bus = new MessageBus();
    store.attach(bus);
    for (let i = 0; i < 10; i++) store.writeTick(tickAt(i)); // a full batch: its commit starts at once
    store.writeTick(tickAt(10)); // the next batch starts its timer
    await store.flush(); // commits that batch too, before its timer fires
    // No flush now: only the commit timer can make this envelope's watermark appear.
    const stored = firstValueFrom(bus.observe(TOPICS.stored));
    store.writeTick(tickAt(11));
    bus.publish(TOPICS.received, { source: 'gateway:timer', seq: 1, type: 'tick', message: tickAt(11) });
    expect(await stored).toEqual({ source: 'gateway:timer', seq: 1 });
    expect(store.stats.rowsCommitted).toBe(13);
    await store.close();
    expect(await queryFile(path, 'SELECT count(*) FROM ticks')).toEqual([[12n]]);
  });

  it('checkpoints the WAL into the file once it is idle', async () => {
    const path = temp.file('idle.duckdb');
    const store = await Store.open(path, { idleCheckpointMs: 50 });
    for (let i = 0; i < 1000; i++) store.writeTick(tickAt(i));
    await store.flush();
    expect(store.stats.checkpoints).toBe(0);
    expect(walBytes(path)).toBeGreaterThan(0);
    // Waits for the checkpoint itself (no fixed sleep): its count, then the WAL folded in.
    await vi.waitFor(() => expect(store.stats.checkpoints).toBe(1), { timeout: 5000, interval: 10 });
    expect(walBytes(path)).toBe(0);
    store.writeTick(tickAt(1000));
    await store.flush();
    await store.close();
    expect(await queryFile(path, 'SELECT count(*) FROM ticks')).toEqual([[1001n]]);
  });

  it('continues sequence numbers and symbol ids across reopenings', async () => {
    const path = temp.file('continue.duckdb');
    for (const start of [0, 100]) {
      const store = await Store.open(path);
      for (let i = start; i < start + 100; i++) store.writeTick(tickAt(i));
      await store.close();
    }
    expect(await queryFile(path, 'SELECT count(*), count(DISTINCT seq), max(seq) FROM ticks')).toEqual([
      [200n, 200n, 200n],
    ]);
    expect(await queryFile(path, 'SELECT count(*) FROM symbols')).toEqual([[4n]]);
  });

  it('reads the live database through its writer thread: committed rows, in blocks, while writing goes on', async () => {
    const path = temp.file('read.duckdb');
    // No timed commits: the last 100 rows stay uncommitted until the test flushes, however slow the machine.
    const store = await Store.open(path, { flushIntervalMs: 3_600_000 });
    try {
      for (let i = 0; i < 5000; i++) store.writeTick(tickAt(i));
      await store.flush();
      for (let i = 5000; i < 5100; i++) store.writeTick(tickAt(i)); // accepted, not yet committed
      const blocks: { names: string[]; rowCount: number }[] = [];
      let sum = 0;
      for await (const block of store.read('SELECT seq, symbol FROM ticks_v ORDER BY seq')) {
        blocks.push({ names: block.names, rowCount: block.rowCount });
        for (const seq of block.columns[0] as bigint[]) sum += Number(seq);
      }
      expect(blocks.length).toBeGreaterThan(1); // DuckDB's 2,048-row vectors
      expect(blocks.every((block) => block.names.join() === 'seq,symbol')).toBe(true);
      expect(blocks.reduce((rows, block) => rows + block.rowCount, 0)).toBe(5000);
      expect(sum).toBe((5000 * 5001) / 2);

      // Leaving early ends the query; a query DuckDB refuses rejects with its reason; the store
      // goes on writing and committing after both.
      for await (const block of store.read('SELECT * FROM ticks')) {
        expect(block.rowCount).toBeGreaterThan(0);
        break;
      }
      await expect(queryStore(store, 'SELECT * FROM no_such_table')).rejects.toThrow(/no_such_table/);
      await store.flush();
      expect(await queryStore(store, 'SELECT count(*) FROM ticks')).toEqual([[5100n]]);
      expect(store.stats.commitErrors).toBe(0);
    } finally {
      await store.close();
    }
    expect(() => store.read('SELECT 1')).toThrow(/closed/);
  });

  it('refuses to open what is not a database, with the code and the file named', async () => {
    const path = temp.file('not-a-database.duckdb');
    writeFileSync(path, 'this is not a DuckDB file');
    await expect(Store.open(path)).rejects.toMatchObject({ code: 'STORE_OPEN_FAILED' });
    await expect(Store.open(path)).rejects.toThrow(/not-a-database\.duckdb/);
  });

  it('reports replay progress and ends with SOURCE_FAILED on a query it cannot run', async () => {
    const path = temp.file('replay-errors.duckdb');
    const store = await Store.open(path);
    for (let i = 0; i < 5000; i++) store.writeTick(tickAt(i));
    await store.flush();
    const progress: [number, number][] = [];
    const context = {
      ...runContext(store, []),
      progress: (done: number, total: number) => progress.push([done, total]),
    };
    await firstValueFrom(duckdbReplay.create({}, context).pipe(toArray()));
    expect(progress.at(-1)).toEqual([5000, 5000]);
    expect(progress.length).toBeGreaterThan(1);
    await expect(
      firstValueFrom(
        duckdbReplay.create({ query: 'SELECT ts FROM ticks_v' }, runContext(store, [])).pipe(toArray()),
      ),
    ).rejects.toMatchObject({
      code: 'SOURCE_FAILED',
      message: expect.stringContaining("no 'symbol' column"),
    });
    await expect(
      firstValueFrom(
        duckdbReplay.create({ query: 'SELECT * FROM nowhere' }, runContext(store, [])).pipe(toArray()),
      ),
    ).rejects.toMatchObject({ code: 'SOURCE_FAILED' });
    await store.close();
  });

  it('pauses a replay while the store it writes into is above its high-water mark', async () => {
    const path = temp.file('replay-backpressure.duckdb');
    const store = await Store.open(path, {
      highWaterMark: 1000,
      flushIntervalMs: 5,
      rejectTimeBackwards: false,
    });
    for (let i = 0; i < 10_000; i++) store.writeTick(tickAt(i));
    await store.flush();
    const replay = duckdbReplay.create({}, runContext(store, []));
    await new Promise<void>((resolve, reject) =>
      replay.subscribe({ next: (tick) => store.writeTick(tick as Tick), complete: resolve, error: reject }),
    );
    await store.flush();
    expect(store.stats.backpressureEvents).toBeGreaterThanOrEqual(1);
    await store.close();
    expect(await queryFile(path, 'SELECT count(*) FROM ticks')).toEqual([[20_000n]]);
  });

  it('replays stored bars and signals in recorded order, optional fields included', async () => {
    const path = temp.file('replay-bars.duckdb');
    const store = await Store.open(path);
    const bars: Bar[] = Array.from({ length: 50 }, (_, i) => ({
      symbol: i % 2 === 0 ? 'ES 12-26' : 'NQ 12-26',
      ts: BASE_TS + Math.floor(i / 2) * 60_000_000,
      end: BASE_TS + (Math.floor(i / 2) + 1) * 60_000_000,
      open: 100 + i,
      high: 101 + i,
      low: 99 + i,
      close: 100.5 + i,
      volume: 10 * i,
      buyVolume: 6 * i,
      sellVolume: 4 * i,
      trades: i,
    }));
    const signals: Signal[] = [
      {
        source: 'enigma',
        symbol: 'ES 12-26',
        ts: BASE_TS,
        direction: 'long',
        strength: 'strong',
        power: 7,
        confluence: 4,
        price: 100,
      },
      {
        source: 'p.rule',
        symbol: 'NQ 12-26',
        ts: BASE_TS + 1,
        direction: 'short',
        strength: 'normal',
        power: 2,
        confluence: 1,
        price: 200,
        stop: 204,
        targets: [190, 180],
        metadata: { confidence: 0.6, note: 'x', flag: true },
      },
    ];
    for (const bar of bars) store.writeBar(bar);
    for (const signal of signals) store.writeSignal(signal);
    await store.flush();
    const replayedBars = await firstValueFrom(
      duckdbReplayBars.create({}, runContext(store, [])).pipe(toArray()),
    );
    expect(replayedBars).toEqual(bars);
    const replayedSignals = await firstValueFrom(
      duckdbReplaySignals.create({}, runContext(store, [])).pipe(toArray()),
    );
    expect(replayedSignals).toEqual(signals);
    await store.close();
  });

  it('replays stored ticks in recorded order through the duckdbReplay source', async () => {
    const path = temp.file('replay.duckdb');
    const store = await Store.open(path);
    const ticks = Array.from({ length: 5000 }, (_, i) => tickAt(i));
    for (const tick of ticks) store.writeTick(tick);
    await store.flush();
    const source = duckdbReplay.create({}, runContext(store, []));
    expect(await firstValueFrom(source.pipe(toArray()))).toEqual(ticks);
    const filtered = duckdbReplay.create(
      { query: "SELECT * FROM ticks_v WHERE symbol = 'NQ 12-26' ORDER BY ts, seq" },
      runContext(store, []),
    );
    expect(await firstValueFrom(filtered.pipe(toArray()))).toEqual(
      ticks.filter((t) => t.symbol === 'NQ 12-26'),
    );
    await store.close();
    const fromFile = duckdbReplay.create({ path }, runContext(undefined, []));
    expect((await firstValueFrom(fromFile.pipe(toArray()))).length).toBe(5000);
  });
});
