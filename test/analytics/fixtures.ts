import type { Fill, OrderIntent, Signal } from '../../src/core/events.js';
import type { Store } from '../../src/store/store.js';

/** 2026-11-23 00:00 UTC in epoch microseconds, and an hour. */
export const DAY1 = Date.UTC(2026, 10, 23) * 1000;
export const HOUR = 3_600_000_000;
export const DAY = 24 * HOUR;

function fill(
  n: number,
  ts: number,
  symbol: string,
  side: Fill['side'],
  quantity: number,
  price: number,
  commission: number,
  order = `o${n}`,
): Fill {
  return {
    fillId: `f${n}`,
    clientOrderId: order,
    account: 'A',
    symbol,
    ts,
    side,
    quantity,
    price,
    commission,
  };
}

/**
 * The hand-worked fill set (ES point value $50, NQ $20), with commission $2 per ES contract
 * and $2.50 per NQ contract:
 *
 * | # | day | fill                 | matched                                          | net   |
 * |---|-----|----------------------|--------------------------------------------------|-------|
 * | 1 | D1  | buy 2 ES @ 5000      | opens long 2                                     |       |
 * | 2 | D1  | sell 1 ES @ 5002     | long 1: +2 pt × $50 = 100 − 4 commission         | 96    |
 * | 3 | D2  | sell 3 ES @ 5004     | long 1: +4 pt = 200 − 4; then opens short 2      | 196   |
 * | 4 | D2  | buy 2 ES @ 5010      | short 2: −6 pt × 2 × $50 = −600 − 8              | −608  |
 * | 5 | D3  | sell 1 NQ @ 21000    | opens short 1                                    |       |
 * | 6 | D3  | buy 1 NQ @ 20990     | short 1: +10 pt × $20 = 200 − 5                  | 195   |
 * | 7 | D3  | buy 1 ES @ 5020      | opens long 1, never closed: no trade             |       |
 */
export const FILLS: readonly Fill[] = [
  fill(1, DAY1 + 14 * HOUR, 'ES 12-26', 'buy', 2, 5000, 4),
  fill(2, DAY1 + 15 * HOUR, 'ES 12-26', 'sell', 1, 5002, 2),
  fill(3, DAY1 + DAY + 14 * HOUR, 'ES 12-26', 'sell', 3, 5004, 6),
  fill(4, DAY1 + DAY + 15 * HOUR, 'ES 12-26', 'buy', 2, 5010, 4),
  fill(5, DAY1 + 2 * DAY + 14 * HOUR, 'NQ 12-26', 'sell', 1, 21000, 2.5),
  fill(6, DAY1 + 2 * DAY + 15 * HOUR, 'NQ 12-26', 'buy', 1, 20990, 2.5),
  fill(7, DAY1 + 2 * DAY + 16 * HOUR, 'ES 12-26', 'buy', 1, 5020, 2),
];

/** The first ES entry came from a signal of pipeline `trend`, step `cross`, 2 ms before the fill. */
export const SIGNAL: Signal = {
  source: 'trend.cross',
  symbol: 'ES 12-26',
  ts: DAY1 + 14 * HOUR - 2000,
  direction: 'long',
  strength: 'strong',
  power: 8,
  confluence: 3,
  price: 4999.75,
};

export const INTENT: OrderIntent = {
  id: 'o1',
  account: 'A',
  symbol: 'ES 12-26',
  ts: SIGNAL.ts + 500,
  side: 'buy',
  quantity: 2,
  type: 'market',
  timeInForce: 'day',
  signalTs: SIGNAL.ts,
  reason: 'trend long',
};

export function writeFixture(store: Store): void {
  store.writeSignal(SIGNAL);
  store.writeOrderIntent(INTENT);
  for (const f of FILLS) store.writeFill(f);
}
