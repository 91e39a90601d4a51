import { TestScheduler } from 'rxjs/testing';
import { expect } from 'vitest';
import type { Tick } from '../../src/core/events.js';

/** A TestScheduler that compares with vitest's deep equality. */
export function marbles(): TestScheduler {
  return new TestScheduler((actual, expected) => expect(actual).toEqual(expected));
}

export function tick(
  ts: number,
  price: number,
  size = 1,
  side: Tick['side'] = 'buy',
  symbol = 'ES 12-26',
): Tick {
  return { symbol, ts, price, size, bid: price - 0.25, ask: price, side };
}
