import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type StoreRefusal } from '../../src/bus/topics.js';
import type { Bar, Tick } from '../../src/core/events.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { BASE_TS, queryFile, queryStore, tempDir } from './helpers.js';

const NQ = 'NQ 12-26';

function tick(ts: number, price: number, source?: string): Tick {
  return {
    symbol: NQ,
    ts,
    price,
    size: 1,
    bid: price - 0.25,
    ask: price,
    side: 'buy',
    ...(source !== undefined && { source }),
  };
}

function bar(ts: number, source?: string): Bar {
  return {
    symbol: NQ,
    ts,
    end: ts + 60_000_000,
    open: 21000,
    high: 21001,
    low: 20999,
    close: 21000.5,
    volume: 10,
    buyVolume: 6,
    sellVolume: 4,
    trades: 5,
    ...(source !== undefined && { source }),
  };
}

describe('market data from several sources', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.remove());

  it('judges time order per source and instrument, so two feeds of one symbol never refuse each other', async () => {
    const store = await Store.open(temp.file('sources.duckdb'));
    // The engine's simulated market runs an hour ahead of the client's feed, interleaved.
    for (let i = 0; i < 50; i++) {
      store.writeTick(tick(BASE_TS + 3_600_000_000 + i, 21000, 'pipeline:default'));
      store.writeTick(tick(BASE_TS + i, 21010, 'gateway:abc'));
      store.writeTick(tick(BASE_TS + 1_800_000_000 + i, 21020));
    }
    store.writeBar(bar(BASE_TS + 3_600_000_000, 'pipeline:default'));
    store.writeBar(bar(BASE_TS, 'gateway:abc'));
    await store.flush();
    expect(store.stats.rejects).toBe(0);
    expect(
      await queryStore(store, 'SELECT source, count(*) FROM ticks_v GROUP BY source ORDER BY source'),
    ).toEqual([
      ['engine', 50n],
      ['gateway:abc', 50n],
      ['pipeline:default', 50n],
    ]);
    expect(await queryStore(store, 'SELECT source FROM bars_v ORDER BY ts')).toEqual([
      ['gateway:abc'],
      ['pipeline:default'],
    ]);
    await store.close();
  });

  it('refuses a tick older than its own source’s previous one, naming the source, and keeps it', async () => {
    const store = await Store.open(temp.file('backwards.duckdb'));
    store.writeTick(tick(BASE_TS + 10, 21000, 'gateway:abc'));
    store.writeTick(tick(BASE_TS + 20, 21000, 'pipeline:default'));
    store.writeTick(tick(BASE_TS + 10, 21000, 'gateway:abc')); // equal time: accepted
    store.writeTick(tick(BASE_TS + 5, 21000, 'gateway:abc')); // older than its own source's last
    await store.flush();
    const rejects = await queryStore(store, 'SELECT code, reason FROM rejects');
    expect(rejects).toEqual([
      [
        'INPUT_TIME_BACKWARDS',
        `tick at ${BASE_TS + 5} is older than the previous ${BASE_TS + 10} of ${NQ} from gateway:abc`,
      ],
    ]);
    expect(await queryStore(store, 'SELECT count(*) FROM ticks')).toEqual([[3n]]);
    await store.close();
  });

  it('keeps source ids across a restart: a known source keeps its id, a new one gets the next', async () => {
    const path = temp.file('restart.duckdb');
    let store = await Store.open(path);
    store.writeTick(tick(BASE_TS, 21000, 'gateway:one'));
    store.writeTick(tick(BASE_TS, 21000, 'gateway:two'));
    await store.close();
    store = await Store.open(path);
    store.writeTick(tick(BASE_TS + 1, 21000, 'gateway:two'));
    store.writeTick(tick(BASE_TS + 1, 21000, 'gateway:three'));
    await store.close();
    expect(await queryFile(path, 'SELECT seq, source FROM sources ORDER BY seq')).toEqual([
      [0n, 'engine'],
      [1n, 'gateway:one'],
      [2n, 'gateway:two'],
      [3n, 'gateway:three'],
    ]);
    expect(
      await queryFile(path, 'SELECT source, count(*) FROM ticks_v GROUP BY source ORDER BY source'),
    ).toEqual([
      ['gateway:one', 1n],
      ['gateway:three', 1n],
      ['gateway:two', 2n],
    ]);
  });

  it('upgrades a database written before sources: its market data becomes the engine’s', async () => {
    const path = temp.file('v2.duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at BIGINT NOT NULL)',
    );
    for (const migration of MIGRATIONS.filter((m) => m.version <= 2)) {
      for (const statement of migration.statements) await connection.run(statement);
      await connection.run(`INSERT INTO schema_migrations VALUES (${migration.version}, 'old', 0)`);
    }
    await connection.run(`INSERT INTO symbols VALUES (1, '${NQ}')`);
    await connection.run(`INSERT INTO ticks VALUES (1, ${BASE_TS}, 1, 21000, 1, 20999.75, 21000, 1)`);
    connection.closeSync();
    instance.closeSync();

    const store = await Store.open(path);
    store.writeTick(tick(BASE_TS - 1, 21000, 'gateway:new')); // its own series: not behind the old row
    await store.close();
    expect(await queryFile(path, 'SELECT seq, ts, symbol, source FROM ticks_v ORDER BY seq')).toEqual([
      [1n, BigInt(BASE_TS), NQ, 'engine'],
      [2n, BigInt(BASE_TS - 1), NQ, 'gateway:new'],
    ]);
  });

  it('tells the sender when it refuses a message accepted at the edge, and records it as refused', async () => {
    const store = await Store.open(temp.file('refused.duckdb'));
    const bus = new MessageBus();
    store.attach(bus);
    const refusals: StoreRefusal[] = [];
    bus.observe(TOPICS.storeRefusals).subscribe((refusal) => refusals.push(refusal));
    const edge = (seq: number, message: Tick) => {
      bus.publish(TOPICS.ticks, message);
      bus.publish(TOPICS.received, { source: 'gateway:abc', seq, type: 'tick', message });
    };
    edge(1, tick(BASE_TS, 21000, 'gateway:abc'));
    // Finite each, but too large to sum: the store cannot keep it as a tick.
    edge(2, { ...tick(BASE_TS + 1, 1e308, 'gateway:abc'), bid: 1e308 });
    edge(3, tick(BASE_TS + 2, 21000, 'gateway:abc'));
    await store.flush();
    expect(refusals).toEqual([
      {
        source: 'gateway:abc',
        seq: 2,
        type: 'tick',
        code: 'INPUT_NOT_FINITE',
        reason: expect.stringContaining('tick has') as string,
      },
    ]);
    const received = await queryStore(
      store,
      'SELECT source_seq, type, stored_table, payload IS NOT NULL FROM received ORDER BY source_seq',
    );
    expect(received).toEqual([
      [1n, 'tick', 'ticks', false],
      [2n, 'refused', null, true],
      [3n, 'tick', 'ticks', false],
    ]);
    expect(store.watermark('gateway:abc')).toBe(3);
    await store.close();
  });
});
