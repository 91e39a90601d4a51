import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { store as storeSink } from '../../src/store/operators/store.js';
import { Store } from '../../src/store/store.js';
import { BASE_TS, queryFile, runContext, tempDir, tickAt } from './helpers.js';

describe('store sink', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.remove());

  it('writes 1,000,000 ticks through the sink into a file that reopens with every row intact', async () => {
    const path = temp.file('ticks.duckdb');
    const store = await Store.open(path);
    const sink = storeSink.create({ table: 'auto' }, runContext(store, ['tick']));
    const n = 1_000_000;
    let sumTs = 0;
    let sumQuarterTicks = 0;
    let sumSize = 0;
    let sumSide = 0;
    for (let i = 0; i < n; i++) {
      const tick = tickAt(i);
      sumTs += tick.ts - BASE_TS;
      sumQuarterTicks += tick.price * 4;
      sumSize += tick.size;
      sumSide += tick.side === 'buy' ? 1 : tick.side === 'sell' ? 2 : 0;
      sink.write(tick);
    }
    await sink.close();
    expect(store.stats.rowsCommitted).toBe(n);
    expect(store.stats.queueDepth).toBe(0);
    await store.close();

    const [row] = await queryFile(
      path,
      `SELECT count(*), count(DISTINCT seq), min(seq), max(seq), sum(ts - ${BASE_TS}), sum(CAST(price * 4 AS BIGINT)),
              sum(size), sum(side) FROM ticks`,
    );
    expect(row?.map(Number)).toEqual([n, n, 1, n, sumTs, sumQuarterTicks, sumSize, sumSide]);
    const perSymbol = await queryFile(
      path,
      'SELECT symbol, count(*) FROM ticks_v GROUP BY symbol ORDER BY symbol',
    );
    expect(perSymbol.map(([symbol, count]) => [symbol, Number(count)])).toEqual([
      ['CL 01-27', n / 4],
      ['ES 12-26', n / 4],
      ['GC 02-27', n / 4],
      ['NQ 12-26', n / 4],
    ]);
    const [first] = await queryFile(
      path,
      'SELECT ts, symbol, price, size, bid, ask, side FROM ticks_v WHERE seq = 7',
    );
    const expected = tickAt(6);
    expect(first).toEqual([
      BigInt(expected.ts),
      expected.symbol,
      expected.price,
      expected.size,
      expected.bid,
      expected.ask,
      expected.side,
    ]);
  });

  it('chooses the table from each message when its inputs are of several kinds', async () => {
    const path = temp.file('mixed.duckdb');
    const store = await Store.open(path);
    const sink = storeSink.create({ table: 'auto' }, runContext(store, ['tick', 'signal']));
    sink.write(tickAt(0));
    sink.write({
      source: 'enigma',
      symbol: 'ES 12-26',
      ts: BASE_TS + 5,
      direction: 'long',
      strength: 'strong',
      power: 7.5,
      confluence: 3,
      price: 5000.25,
      metadata: { confidence: 0.8 },
    });
    sink.write({ what: 'not an event' });
    await sink.close();
    await store.close();
    expect(await queryFile(path, 'SELECT count(*) FROM ticks')).toEqual([[1n]]);
    expect(
      await queryFile(path, 'SELECT source, direction, power, confluence, metadata FROM signals'),
    ).toEqual([['enigma', 'long', 7.5, 3, '{"confidence":0.8}']]);
    expect(await queryFile(path, 'SELECT origin, code, payload FROM rejects')).toEqual([
      ['test.keep', 'STORE_INVALID_ROW', '{"what":"not an event"}'],
    ]);
  });

  it('refuses to start without a store in the run context', () => {
    expect(() => storeSink.create({ table: 'auto' }, runContext(undefined, ['tick']))).toThrow(
      expect.objectContaining({ code: 'STORE_NOT_CONFIGURED' }),
    );
  });

  it('reports a table that does not match the input kind when the pipeline is checked', () => {
    const context = runContext(undefined, ['tick']);
    const problems = storeSink.check?.({ table: 'fills' }, context) ?? [];
    expect(problems).toEqual([expect.objectContaining({ code: 'PIPELINE_TYPE_MISMATCH' })]);
  });
});
