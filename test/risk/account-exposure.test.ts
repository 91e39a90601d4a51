import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Order, OrderStatus, Position, Side } from '../../src/core/events.js';
import { AccountExposure } from '../../src/risk/account-exposure.js';

const ES = 'ES 12-26';
const NQ = 'NQ 12-26';

function order(
  clientOrderId: string,
  side: Side,
  quantity: number,
  filledQuantity: number,
  status: OrderStatus,
  symbol = ES,
): Order {
  return {
    clientOrderId,
    account: 'SIM-50K',
    symbol,
    ts: 0,
    side,
    quantity,
    filledQuantity,
    type: 'limit',
    limitPrice: 6000,
    timeInForce: 'day',
    status,
  };
}

function position(quantity: number, symbol = ES): Position {
  return {
    account: 'SIM-50K',
    symbol,
    ts: 0,
    quantity,
    averagePrice: 6000,
    unrealizedPnl: 0,
    realizedPnl: 0,
  };
}

describe('account exposure', () => {
  it('counts only the unfilled part of a partly filled order as working', () => {
    const exposure = new AccountExposure();
    exposure.applyOrder(order('b1', 'buy', 5, 0, 'working'));
    expect(exposure.worstCase(ES)).toBe(5);
    exposure.applyOrder(order('b1', 'buy', 5, 2, 'partially-filled'));
    exposure.applyPosition(position(2));
    // 2 held + 3 still working: 5 if the rest fills.
    expect(exposure.worstCase(ES)).toBe(5);
    exposure.applyOrder(order('b1', 'buy', 5, 4, 'partially-filled'));
    exposure.applyPosition(position(4));
    expect(exposure.worstCase(ES)).toBe(5);
    expect(exposure.liveOrderCount()).toBe(1);
  });

  it('puts working buys on the long side and working sells on the short side', () => {
    const exposure = new AccountExposure();
    exposure.applyPosition(position(1));
    exposure.applyOrder(order('b1', 'buy', 3, 0, 'working'));
    // Long side: 1 + 3 = 4; short side: 1 − 0 = 1.
    expect(exposure.worstCase(ES)).toBe(4);
    exposure.applyOrder(order('s1', 'sell', 7, 0, 'working'));
    // Short side: 1 − 7 = −6.
    expect(exposure.worstCase(ES)).toBe(6);
    exposure.applyOrder(order('s1', 'sell', 7, 0, 'cancelled'));
    expect(exposure.worstCase(ES)).toBe(4);
    exposure.applyOrder(order('b1', 'buy', 3, 0, 'cancelled'));
    expect(exposure.worstCase(ES)).toBe(1);
  });

  it('adds the order being checked to its own side of the worst case', () => {
    const exposure = new AccountExposure();
    exposure.applyPosition(position(2));
    exposure.applyOrder(order('b1', 'buy', 1, 0, 'working'));
    exposure.applyOrder(order('s1', 'sell', 1, 0, 'working'));
    // Long: 2 + 1 + 3 = 6; short: 2 − 1 − 0 = 1.
    expect(exposure.worstCase(ES, 3, 0)).toBe(6);
    // Long: 2 + 1 = 3; short: 2 − 1 − 8 = −7.
    expect(exposure.worstCase(ES, 0, 8)).toBe(7);
    expect(exposure.worstCase(NQ, 2, 0)).toBe(2);
    expect(exposure.worstCase(NQ)).toBe(0);
  });

  it('forgets an order once nothing of it is left to fill', () => {
    const exposure = new AccountExposure();
    exposure.applyOrder(order('b1', 'buy', 2, 0, 'working'));
    exposure.applyOrder(order('s1', 'sell', 1, 0, 'working'));
    expect(exposure.liveOrderCount()).toBe(2);
    // Filled in full but still reported in a live status: nothing remains, it is no longer live.
    exposure.applyOrder(order('b1', 'buy', 2, 2, 'partially-filled'));
    expect(exposure.liveOrderCount()).toBe(1);
    exposure.applyOrder(order('s1', 'sell', 1, 1, 'filled'));
    expect(exposure.liveOrderCount()).toBe(0);
    expect(exposure.worstCase(ES)).toBe(0);
  });

  it('is flat when every symbol it has seen is back to no position', () => {
    const exposure = new AccountExposure();
    expect(exposure.isFlat()).toBe(true);
    exposure.applyOrder(order('b1', 'buy', 1, 0, 'working'));
    // A symbol with only a working order: no position yet.
    expect(exposure.isFlat()).toBe(true);
    exposure.applyPosition(position(1));
    exposure.applyPosition(position(-2, NQ));
    expect(exposure.isFlat()).toBe(false);
    exposure.applyPosition(position(0));
    expect(exposure.isFlat()).toBe(false);
    exposure.applyPosition(position(0, NQ));
    expect(exposure.isFlat()).toBe(true);
    expect([...exposure.symbols()]).toEqual([ES, NQ]);
  });

  it('worst case = the larger side if every live order on it fills, for any order updates (property)', () => {
    const update = fc.record({
      id: fc.integer({ min: 0, max: 4 }),
      side: fc.constantFrom<Side>('buy', 'sell'),
      quantity: fc.integer({ min: 1, max: 9 }),
      filledShare: fc.double({ min: 0, max: 1, noNaN: true }),
      status: fc.constantFrom<OrderStatus>(
        'pending',
        'working',
        'partially-filled',
        'cancel-pending',
        'filled',
        'cancelled',
        'rejected',
      ),
      position: fc.integer({ min: -5, max: 5 }),
    });
    fc.assert(
      fc.property(
        fc.array(update, { maxLength: 30 }),
        fc.nat(5),
        fc.nat(5),
        (updates, extraBuy, extraSell) => {
          const exposure = new AccountExposure();
          // The model: the last report of each order (side fixed by its first report), the last position.
          const last = new Map<number, { side: Side; remaining: number }>();
          let held = 0;
          for (const u of updates) {
            const side = last.get(u.id)?.side ?? u.side;
            const filled = Math.floor(u.filledShare * u.quantity);
            exposure.applyOrder(order(`o${u.id}`, side, u.quantity, filled, u.status));
            const live = !['filled', 'cancelled', 'rejected'].includes(u.status);
            last.set(u.id, { side, remaining: live ? u.quantity - filled : 0 });
            exposure.applyPosition(position(u.position));
            held = u.position;
          }
          const orders = [...last.values()];
          const working = (side: Side) =>
            orders.filter((o) => o.side === side).reduce((sum, o) => sum + o.remaining, 0);
          expect(exposure.worstCase(ES, extraBuy, extraSell)).toBe(
            Math.max(
              Math.abs(held + working('buy') + extraBuy),
              Math.abs(held - working('sell') - extraSell),
            ),
          );
          expect(exposure.liveOrderCount()).toBe(orders.filter((o) => o.remaining > 0).length);
          expect(exposure.isFlat()).toBe(held === 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
