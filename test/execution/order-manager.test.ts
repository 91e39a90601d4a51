import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { canTransition } from '../../src/execution/order-state-machine.js';
import { esTick, executionRig, intent, T0 } from './execution-helpers.js';

describe('order manager', () => {
  it('publishes every status change of an order, pending to filled', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const order = intent();
    rig.manager.execute({ type: 'submit', intent: order });
    expect(rig.orders.filter((o) => o.clientOrderId === order.id).map((o) => o.status)).toEqual([
      'pending',
      'submitted',
      'accepted',
      'filled',
    ]);
    expect(rig.manager.order(order.id)).toMatchObject({ filledQuantity: 1, averageFillPrice: 6000.25 });
    expect(rig.positions.at(-1)).toMatchObject({ quantity: 1 });
  });

  it('never makes a second order when a submit is retried with the same client order id', () => {
    const rig = executionRig();
    const order = intent({ type: 'limit', limitPrice: 5990 });
    rig.market(esTick(T0, 6000));
    rig.manager.execute({ type: 'submit', intent: order });
    const retry = rig.manager.execute({ type: 'submit', intent: { ...order } });
    expect(retry.ok).toBe(true);
    expect(rig.broker.workingOrders('SIM-50K')).toHaveLength(1);
    rig.market(esTick(T0 + 1, 5989, 10));
    expect(rig.fills).toHaveLength(1);
  });

  it('sends a bracket as an OCO pair after the entry fills, sized to the fill, and cancels the other leg', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ quantity: 2, stopLoss: 5990, takeProfit: 6010 });
    rig.manager.execute({ type: 'submit', intent: entry });
    const stop = rig.manager.order(`${entry.id}-sl`);
    const target = rig.manager.order(`${entry.id}-tp`);
    expect(stop).toMatchObject({
      side: 'sell',
      quantity: 2,
      type: 'stop',
      stopPrice: 5990,
      status: 'working',
    });
    expect(target).toMatchObject({ side: 'sell', quantity: 2, type: 'limit', limitPrice: 6010 });
    // The target trades through with only 1 contract printed: partial fill, the stop shrinks to 1.
    rig.market(esTick(T0 + 1, 6010.25, 1, 6010, 6010.5));
    expect(rig.manager.order(`${entry.id}-tp`)).toMatchObject({
      filledQuantity: 1,
      status: 'partially-filled',
    });
    expect(rig.manager.order(`${entry.id}-sl`)).toMatchObject({ quantity: 1, status: 'working' });
    rig.market(esTick(T0 + 2, 6010.5, 5, 6010.25, 6010.75));
    expect(rig.manager.order(`${entry.id}-tp`)?.status).toBe('filled');
    expect(rig.manager.order(`${entry.id}-sl`)?.status).toBe('cancelled');
    expect(rig.broker.position('SIM-50K', 'ES 12-26').quantity).toBe(0);
    // 2 × (6010 − 6000.25) = 2 × 39 ticks × $12.50 = $975.
    expect(rig.broker.position('SIM-50K', 'ES 12-26').realizedPnl).toBe(975);
  });

  it('grows the bracket legs as a limit entry fills partially', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const entry = intent({ quantity: 3, type: 'limit', limitPrice: 5995, stopLoss: 5985, takeProfit: 6005 });
    rig.manager.execute({ type: 'submit', intent: entry });
    rig.market(esTick(T0 + 1, 5994.75, 1, 5994.5, 5995.25));
    expect(rig.manager.order(`${entry.id}-sl`)?.quantity).toBe(1);
    rig.market(esTick(T0 + 2, 5994.75, 2, 5994.5, 5995.25));
    expect(rig.manager.order(`${entry.id}-sl`)?.quantity).toBe(3);
    expect(rig.manager.order(`${entry.id}-tp`)?.quantity).toBe(3);
  });

  it('cancels and replaces working orders, and says why when it cannot', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const order = intent({ type: 'limit', limitPrice: 5990, quantity: 2 });
    rig.manager.execute({ type: 'submit', intent: order });
    expect(
      rig.manager.execute({
        type: 'replace',
        clientOrderId: order.id,
        changes: { limitPrice: 5992, quantity: 3 },
      }).ok,
    ).toBe(true);
    expect(rig.manager.order(order.id)).toMatchObject({ limitPrice: 5992, quantity: 3 });
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: order.id }).ok).toBe(true);
    expect(rig.manager.order(order.id)?.status).toBe('cancelled');
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: order.id }).message).toContain(
      'EXECUTION_ORDER_NOT_WORKING',
    );
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: 'nope' }).message).toContain(
      'EXECUTION_UNKNOWN_ORDER',
    );
  });

  it('flattens: cancels every live order and closes every position, once', () => {
    const rig = executionRig({ latencyMicros: 1_000 });
    rig.market(esTick(T0, 6000));
    rig.manager.execute({ type: 'submit', intent: intent({ quantity: 3 }) });
    rig.manager.execute({ type: 'submit', intent: intent({ type: 'limit', limitPrice: 5950 }) });
    rig.market(esTick(T0 + 1_000, 6001));
    expect(rig.broker.position('SIM-50K', 'ES 12-26').quantity).toBe(3);
    rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'test' });
    rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'test again' });
    expect(
      rig.broker.workingOrders('SIM-50K').filter((o) => o.clientOrderId.startsWith('flatten:')),
    ).toHaveLength(1);
    rig.market(esTick(T0 + 3_000, 6002));
    expect(rig.broker.position('SIM-50K', 'ES 12-26').quantity).toBe(0);
    expect(rig.manager.liveOrders('SIM-50K')).toHaveLength(0);
  });

  it('trails a bracket stop behind the best price and moves it to breakeven', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ stopLoss: 5990, takeProfit: 6050 });
    rig.manager.execute({ type: 'submit', intent: entry });
    rig.manager.execute({ type: 'breakeven', clientOrderId: entry.id, trigger: 5 });
    rig.market(esTick(T0 + 1, 6005.25));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6000.25);
    rig.manager.execute({ type: 'trail-stop', clientOrderId: entry.id, distance: 4 });
    rig.market(esTick(T0 + 2, 6012));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6008);
    rig.market(esTick(T0 + 3, 6010));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6008);
  });

  it('only ever publishes transitions the state machine allows (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.record({
              kind: fc.constant('submit' as const),
              quantity: fc.integer({ min: 1, max: 4 }),
              offset: fc.integer({ min: -6, max: 6 }),
              bracket: fc.boolean(),
            }),
            fc.record({
              kind: fc.constant('tick' as const),
              move: fc.integer({ min: -5, max: 5 }),
              size: fc.integer({ min: 1, max: 3 }),
            }),
            fc.record({ kind: fc.constant('cancel' as const), index: fc.nat() }),
            fc.record({ kind: fc.constant('flatten' as const) }),
          ),
          { maxLength: 50 },
        ),
        (steps) => {
          const rig = executionRig();
          let price = 6000;
          let ts = T0;
          const ids: string[] = [];
          rig.market(esTick(ts, price));
          for (const step of steps) {
            ts += 5;
            rig.clock.advanceTo(ts);
            if (step.kind === 'tick') {
              price += step.move * 0.25;
              rig.market(esTick(ts, price, step.size));
            } else if (step.kind === 'submit') {
              const order = intent({
                ts,
                quantity: step.quantity,
                type: 'limit',
                limitPrice: price + step.offset * 0.25,
                ...(step.bracket && { stopLoss: price - 5, takeProfit: price + 5 }),
              });
              ids.push(order.id);
              rig.manager.execute({ type: 'submit', intent: order });
            } else if (step.kind === 'cancel' && ids.length > 0) {
              rig.manager.execute({ type: 'cancel', clientOrderId: ids[step.index % ids.length] as string });
            } else if (step.kind === 'flatten') {
              rig.manager.execute({ type: 'flatten', reason: 'property' });
            }
          }
          const last = new Map<string, string>();
          for (const order of rig.orders) {
            const before = last.get(order.clientOrderId);
            if (before !== undefined && before !== order.status)
              expect(canTransition(before as never, order.status)).toBe(true);
            last.set(order.clientOrderId, order.status);
          }
          const net = rig.fills.reduce(
            (sum, fill) => sum + (fill.side === 'buy' ? fill.quantity : -fill.quantity),
            0,
          );
          expect(rig.broker.position('SIM-50K', 'ES 12-26').quantity).toBe(net);
          expect(rig.alerts.filter((alert) => alert.code === 'EXECUTION_INVALID_TRANSITION')).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('order manager: fills in several parts', () => {
  it('averages a fill in parts at different prices by filled value (1 @ 5999 + 2 @ 5998 = 5998.3333)', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const order = intent({ quantity: 3, type: 'limit', limitPrice: 5999 });
    rig.manager.execute({ type: 'submit', intent: order });
    rig.market(esTick(T0 + 1, 5998.75, 1, 5998.5, 5999.25));
    expect(rig.manager.order(order.id)).toMatchObject({ filledQuantity: 1, averageFillPrice: 5999 });
    rig.manager.execute({ type: 'replace', clientOrderId: order.id, changes: { limitPrice: 5998 } });
    rig.market(esTick(T0 + 2, 5997.75, 5, 5997.5, 5998.25));
    expect(rig.fills.map((fill) => [fill.price, fill.quantity])).toEqual([
      [5999, 1],
      [5998, 2],
    ]);
    const filled = rig.manager.order(order.id);
    expect(filled).toMatchObject({ status: 'filled', filledQuantity: 3 });
    expect(filled?.averageFillPrice).toBeCloseTo((5999 + 2 * 5998) / 3, 8);
  });

  it('keeps filled quantity, average price and position equal to the fills for any split (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        fc.array(
          fc.record({ size: fc.integer({ min: 1, max: 5 }), reprice: fc.integer({ min: -4, max: 4 }) }),
          { minLength: 1, maxLength: 15 },
        ),
        (quantity, side, prints) => {
          const rig = executionRig();
          const buy = side === 'buy';
          let ts = T0;
          rig.market(esTick(ts, 6000, 10, 6000, 6000.25));
          // A resting limit one point away, then prints trading through it of random sizes, the limit
          // moved by a few ticks between prints: every part fills at the limit of its moment.
          let limit = buy ? 5999 : 6001.25;
          const order = intent({ side, quantity, type: 'limit', limitPrice: limit });
          rig.manager.execute({ type: 'submit', intent: order });
          for (const print of prints) {
            const live = rig.manager.order(order.id);
            if (live?.status === 'filled') break;
            if (print.reprice !== 0) {
              limit += print.reprice * 0.25;
              rig.manager.execute({
                type: 'replace',
                clientOrderId: order.id,
                changes: { limitPrice: limit },
              });
            }
            ts += 1_000;
            const through = buy ? limit - 0.25 : limit + 0.25;
            const [bid, ask] = buy ? [through - 0.25, limit + 0.25] : [limit - 0.25, through + 0.25];
            rig.market(esTick(ts, through, print.size, bid, ask));
          }
          const own = rig.fills.filter((fill) => fill.clientOrderId === order.id);
          const filled = own.reduce((sum, fill) => sum + fill.quantity, 0);
          const value = own.reduce((sum, fill) => sum + fill.price * fill.quantity, 0);
          const snapshot = rig.manager.order(order.id);
          expect(filled).toBeGreaterThan(0);
          expect(snapshot?.filledQuantity).toBe(filled);
          expect(snapshot?.averageFillPrice).toBeCloseTo(value / filled, 8);
          expect(snapshot?.status).toBe(filled === quantity ? 'filled' : 'partially-filled');
          expect(rig.broker.position('SIM-50K', 'ES 12-26').quantity).toBe(buy ? filled : -filled);
          // The manager's book (Σ fills it applied) matches the broker's: reconcile finds no difference.
          expect(rig.manager.execute({ type: 'reconcile', account: 'SIM-50K' })).toMatchObject({ ok: true });
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('order manager: stop management never loosens a stop', () => {
  it('keeps a long stop tighter than the trail (5995 with a 10-point trail at 6001 stays 5995)', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ stopLoss: 5995, takeProfit: 6050 });
    rig.manager.execute({ type: 'submit', intent: entry });
    rig.manager.execute({ type: 'trail-stop', clientOrderId: entry.id, distance: 10 });
    rig.market(esTick(T0 + 1, 6001));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(5995);
    // Once the trail passes the stop it moves it up, and a pull-back never moves it down.
    rig.market(esTick(T0 + 2, 6007));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(5997);
    rig.market(esTick(T0 + 3, 6003));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(5997);
  });

  it('keeps a short stop tighter than the trail (6005 with a 10-point trail at 5999 stays 6005)', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 5999.75, 6000));
    const entry = intent({ side: 'sell', stopLoss: 6005, takeProfit: 5950 });
    rig.manager.execute({ type: 'submit', intent: entry });
    rig.manager.execute({ type: 'trail-stop', clientOrderId: entry.id, distance: 10 });
    rig.market(esTick(T0 + 1, 5999));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6005);
    rig.market(esTick(T0 + 2, 5993));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6003);
  });

  it('does not pull a stop moved to breakeven back to a looser trail', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ stopLoss: 5990, takeProfit: 6050 });
    rig.manager.execute({ type: 'submit', intent: entry });
    rig.manager.execute({ type: 'breakeven', clientOrderId: entry.id, trigger: 5 });
    rig.market(esTick(T0 + 1, 6005.25));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6000.25);
    rig.manager.execute({ type: 'trail-stop', clientOrderId: entry.id, distance: 8 });
    rig.market(esTick(T0 + 2, 6006));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6000.25);
  });
});

describe('order manager: its own idempotency guard', () => {
  // The paper broker also ignores a repeated client order id; these check what the manager itself
  // publishes and keeps, which a broker cannot fix.
  it('answers a retried submit of a working order without publishing anything or resetting its status', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const order = intent({ type: 'limit', limitPrice: 5990 });
    rig.manager.execute({ type: 'submit', intent: order });
    const published = rig.orders.length;
    expect(rig.manager.execute({ type: 'submit', intent: { ...order } })).toEqual({
      ok: true,
      message: `order ${order.id} already exists (working)`,
      orders: [order.id],
    });
    expect(rig.orders).toHaveLength(published);
    expect(rig.manager.order(order.id)?.status).toBe('working');
  });

  it('never makes a filled order live again when its submit is retried', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const order = intent({ quantity: 2 });
    rig.manager.execute({ type: 'submit', intent: order });
    rig.manager.execute({ type: 'submit', intent: { ...order } });
    expect(rig.manager.order(order.id)).toMatchObject({ status: 'filled', filledQuantity: 2 });
    expect(rig.manager.liveOrders('SIM-50K')).toEqual([]);
    expect(rig.orders.filter((o) => o.clientOrderId === order.id && o.status === 'pending')).toHaveLength(1);
  });
});

describe('order manager: flatten leaves nothing working (property)', () => {
  it('once the flat is confirmed, the account has no position and no live order, here or at the broker', () => {
    const action = fc.oneof(
      fc.record({
        kind: fc.constant('submit' as const),
        side: fc.constantFrom<'buy' | 'sell'>('buy', 'sell'),
        quantity: fc.integer({ min: 1, max: 4 }),
        type: fc.constantFrom('market' as const, 'limit' as const, 'stop' as const),
        offset: fc.integer({ min: -8, max: 8 }),
        bracket: fc.boolean(),
      }),
      fc.record({
        kind: fc.constant('tick' as const),
        move: fc.integer({ min: -4, max: 4 }),
        size: fc.integer({ min: 1, max: 3 }),
      }),
    );
    fc.assert(
      fc.property(fc.array(action, { maxLength: 40 }), fc.integer({ min: 0, max: 3 }), (steps, after) => {
        const rig = executionRig({ latencyMicros: 3 });
        let price = 6000;
        let ts = T0;
        rig.market(esTick(ts, price));
        const tick = (move: number, size: number): void => {
          ts += 5;
          price += move * 0.25;
          rig.market(esTick(ts, price, size));
        };
        for (const step of steps) {
          if (step.kind === 'tick') {
            tick(step.move, step.size);
            continue;
          }
          ts += 1;
          rig.clock.advanceTo(ts);
          const level = price + step.offset * 0.25;
          const long = step.side === 'buy';
          rig.manager.execute({
            type: 'submit',
            intent: intent({
              ts,
              side: step.side,
              quantity: step.quantity,
              type: step.type,
              ...(step.type === 'limit' && { limitPrice: level }),
              ...(step.type === 'stop' && { stopPrice: level }),
              ...(step.bracket && {
                stopLoss: long ? price - 20 : price + 20,
                takeProfit: long ? price + 20 : price - 20,
              }),
            }),
          });
        }
        const confirmed: { live: number; working: number; position: number }[] = [];
        rig.bus.observe(TOPICS.alerts).subscribe((alert) => {
          if (alert.code !== 'EXECUTION_FLAT_CONFIRMED') return;
          confirmed.push({
            live: rig.manager.liveOrders('SIM-50K').length,
            working: rig.broker.workingOrders('SIM-50K').length,
            position: rig.broker.position('SIM-50K', 'ES 12-26').quantity,
          });
        });
        rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'property' });
        // The flatten's market order fills on the next print (after the latency), whatever follows.
        tick(0, 1);
        for (let i = 0; i < after; i++) tick(i % 2 ? 2 : -2, 2);
        expect(confirmed).toEqual([{ live: 0, working: 0, position: 0 }]);
        expect(rig.manager.liveOrders('SIM-50K')).toEqual([]);
        expect(rig.broker.workingOrders('SIM-50K')).toEqual([]);
        expect(rig.broker.position('SIM-50K', 'ES 12-26').quantity).toBe(0);
      }),
      { numRuns: 200 },
    );
  });
});
