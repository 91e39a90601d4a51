import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import type { Tick } from '../../src/core/events.js';
import { Store } from '../../src/store/store.js';
import { BASE_TS, queryFile, tempDir } from './helpers.js';

/** A tick of `symbol` at `ts`, with no `source`: the store's time order is per instrument. */
function tick(symbol: string, ts: number, price: number): Tick {
  return { symbol, ts, price, size: 1, bid: price - 0.25, ask: price, side: 'buy' };
}

describe('store time order of ticks', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir('enigma-tick-time-');
  });
  afterEach(() => temp.remove());

  it('stores two ticks of one instrument with the same timestamp, and refuses one older than the last', async () => {
    const path = temp.file('ticks.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    store.attach(bus);
    // Two prints in the same microsecond are ordinary (one aggressor order sweeping two levels).
    bus.publish(TOPICS.ticks, tick('ES 12-26', BASE_TS + 10, 5000));
    bus.publish(TOPICS.ticks, tick('ES 12-26', BASE_TS + 10, 5000.25));
    bus.publish(TOPICS.ticks, tick('ES 12-26', BASE_TS + 9, 5000.5));
    await store.close();
    expect(await queryFile(path, 'SELECT ts, price FROM ticks ORDER BY seq')).toEqual([
      [BigInt(BASE_TS + 10), 5000],
      [BigInt(BASE_TS + 10), 5000.25],
    ]);
    expect(await queryFile(path, "SELECT code FROM rejects WHERE origin = 'store'")).toEqual([
      ['INPUT_TIME_BACKWARDS'],
    ]);
  });
});
