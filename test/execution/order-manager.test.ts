import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
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
