import { describe, expect, it } from 'vitest';
import type { Fill } from '../../src/core/events.js';
import { PositionBook } from '../../src/execution/position-book.js';
import { T0 } from './execution-helpers.js';

let fills = 0;
function fill(
  account: string,
  side: 'buy' | 'sell',
  quantity: number,
  price: number,
  symbol = 'ES 12-26',
): Fill {
  fills++;
  return {
    fillId: `f${String(fills)}`,
    clientOrderId: `o${String(fills)}`,
    account,
    symbol,
    ts: T0 + fills,
    side,
    quantity,
    price,
    commission: 2.5,
  };
}

describe('the position book, account by account', () => {
  it('refuses a fill in an instrument it does not know, naming it', () => {
    expect(() => new PositionBook().applyFill(fill('A', 'buy', 1, 100, 'NOPE 12-26'))).toThrow(
      "unknown instrument 'NOPE 12-26'",
    );
  });

  it("answers each account's own quantity and totals, never another's in the same instrument", () => {
    const book = new PositionBook();
    book.applyFill(fill('A', 'buy', 2, 6000));
    book.applyFill(fill('B', 'sell', 3, 6000));
    expect(book.quantity('A', 'ES 12-26')).toBe(2);
    expect(book.quantity('B', 'ES 12-26')).toBe(-3);
    expect(book.quantity('C', 'ES 12-26')).toBe(0);
    // A closes 1 at +4 points: $200 on ES, $50 a point.
    expect(book.applyFill(fill('A', 'sell', 1, 6004))).toBe(200);
    book.mark('ES 12-26', 6002, T0 + 100);
    expect(book.totals('A')).toEqual({ realized: 200, commissions: 5, unrealized: 100 });
    expect(book.totals('B')).toEqual({ realized: 0, commissions: 2.5, unrealized: -300 });
  });

  it('reports as changed by a mark only the open positions whose mark moved', () => {
    const book = new PositionBook();
    book.applyFill(fill('A', 'buy', 1, 6000));
    book.applyFill(fill('B', 'buy', 1, 6000));
    book.applyFill(fill('B', 'sell', 1, 6001)); // B is flat
    const moved = book.mark('ES 12-26', 6002, T0 + 100);
    expect(moved.map((b) => b.account)).toEqual(['A']);
    expect(book.position('B', 'ES 12-26')).toMatchObject({ quantity: 0, averagePrice: 0, unrealizedPnl: 0 });
    expect(book.mark('ES 12-26', 6002, T0 + 200)).toEqual([]);
  });
});
