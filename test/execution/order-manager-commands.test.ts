import { describe, expect, it } from 'vitest';
import { MarketTrust } from '../../src/core/market-trust.js';
import { clientSource } from '../../src/core/market-source.js';
import { esTick, executionRig, intent, T0 } from './execution-helpers.js';
import { ninjaTraderRig } from './ninjatrader-rig.js';

const ES = 'ES 12-26';

/** A paper rig with a long bracket entry of one contract filled at 6000.25, stop 5990, target 6050. */
function filledBracket(options: Parameters<typeof executionRig>[0] = {}) {
  const rig = executionRig(options);
  rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
  const entry = intent({ stopLoss: 5990, takeProfit: 6050 });
  rig.manager.execute({ type: 'submit', intent: entry });
  expect(rig.manager.order(entry.id)?.status).toBe('filled');
  expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(5990);
  return { ...rig, entry };
}

describe('submit answers', () => {
  it('names the order and the broker it went to', () => {
    const rig = executionRig();
    const order = intent({ type: 'limit', limitPrice: 5900 });
    expect(rig.manager.execute({ type: 'submit', intent: order })).toEqual({
      ok: true,
      message: `order ${order.id} submitted to paper`,
      orders: [order.id],
    });
  });

  it('rejects an intent for an account no broker holds, saying which account, and publishes the rejection', () => {
    const rig = executionRig();
    const order = intent({ account: 'APEX-404' });
    expect(rig.manager.execute({ type: 'submit', intent: order })).toEqual({
      ok: false,
      message: "no broker holds account 'APEX-404'",
      orders: [order.id],
    });
    expect(rig.orders).toHaveLength(1);
    expect(rig.orders[0]).toMatchObject({
      clientOrderId: order.id,
      status: 'rejected',
      reason: "no broker holds account 'APEX-404'",
    });
    expect(rig.manager.liveOrders()).toEqual([]);
  });

  it('sends the signal time with the order to a broker that forwards it', () => {
    const rig = ninjaTraderRig({ connected: true });
    const order = rig.place({ signalTs: T0 - 250 });
    const sent = rig.commands.find((command) => command.kind === 'order');
    expect(sent?.kind === 'order' && sent.intent.signalTs).toBe(T0 - 250);
    expect(rig.broker.sentOrder(order.id)?.signalTs).toBe(T0 - 250);
  });
});

describe('brackets', () => {
  it('a stop loss alone makes a bracket: the filled entry gets its protective stop', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ quantity: 2, stopLoss: 5990 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.order(`${entry.id}-sl`)).toMatchObject({
      side: 'sell',
      quantity: 2,
      type: 'stop',
      stopPrice: 5990,
    });
    expect(rig.manager.order(`${entry.id}-tp`)).toBeUndefined();
  });

  it('a take profit alone makes a bracket: the filled entry gets its target', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ quantity: 2, takeProfit: 6050 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.order(`${entry.id}-tp`)).toMatchObject({ quantity: 2, limitPrice: 6050 });
    expect(rig.manager.order(`${entry.id}-sl`)).toBeUndefined();
  });

  it('the target filling cancels the stop (OCO), whatever the length of the entry id', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ id: 'morning-breakout-long', quantity: 2, stopLoss: 5990, takeProfit: 6010 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.order(`${entry.id}-sl`)?.status).not.toBe('cancelled');
    rig.market(esTick(T0 + 1, 6012, 10, 6011.75, 6012));
    expect(rig.manager.order(`${entry.id}-tp`)).toMatchObject({ status: 'filled', filledQuantity: 2 });
    expect(rig.manager.order(`${entry.id}-sl`)?.status).toBe('cancelled');
    expect(rig.manager.liveOrders('SIM-50K')).toEqual([]);
  });
});

describe('cancel', () => {
  it('an unknown order id is refused with the id and the code', () => {
    const rig = executionRig();
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: 'nope-1' })).toEqual({
      ok: false,
      message: 'unknown order nope-1 [EXECUTION_UNKNOWN_ORDER]',
      orders: [],
    });
  });

  it('a filled order is refused, saying it is filled', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const order = intent();
    rig.manager.execute({ type: 'submit', intent: order });
    expect(rig.manager.order(order.id)?.status).toBe('filled');
    const published = rig.orders.length;
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: order.id })).toEqual({
      ok: false,
      message: `order ${order.id} is filled [EXECUTION_ORDER_NOT_WORKING]`,
      orders: [order.id],
    });
    expect(rig.orders).toHaveLength(published);
  });

  it('a working order goes cancel-pending, then cancelled by the broker', () => {
    const rig = executionRig();
    const order = intent({ type: 'limit', limitPrice: 5900 });
    rig.manager.execute({ type: 'submit', intent: order });
    const published = rig.orders.length;
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: order.id })).toEqual({
      ok: true,
      message: `cancel of ${order.id} sent`,
      orders: [order.id],
    });
    expect(rig.orders.slice(published).map((o) => o.status)).toEqual(['cancel-pending', 'cancelled']);
  });

  it('a second cancel while one is on its way is sent again but publishes no second cancel-pending', () => {
    const rig = ninjaTraderRig({ connected: true });
    const order = rig.place({ type: 'limit', limitPrice: 5900 });
    rig.manager.execute({ type: 'cancel', clientOrderId: order.id });
    expect(rig.manager.order(order.id)?.status).toBe('cancel-pending');
    const published = rig.orders.length;
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: order.id }).ok).toBe(true);
    expect(rig.orders).toHaveLength(published);
    expect(rig.commands.filter((c) => c.kind === 'cancel')).toHaveLength(2);
  });
});

describe('replace', () => {
  it('an unknown order id is refused with the id and the code', () => {
    const rig = executionRig();
    expect(
      rig.manager.execute({ type: 'replace', clientOrderId: 'nope-2', changes: { limitPrice: 5901 } }),
    ).toEqual({ ok: false, message: 'unknown order nope-2 [EXECUTION_UNKNOWN_ORDER]', orders: [] });
  });

  it('a working order is replaced at the broker', () => {
    const rig = executionRig();
    const order = intent({ type: 'limit', limitPrice: 5900 });
    rig.manager.execute({ type: 'submit', intent: order });
    expect(
      rig.manager.execute({ type: 'replace', clientOrderId: order.id, changes: { limitPrice: 5901.5 } }),
    ).toEqual({ ok: true, message: `replace of ${order.id} sent`, orders: [order.id] });
    expect(rig.manager.order(order.id)?.limitPrice).toBe(5901.5);
  });

  it('a cancelled order is refused, saying it is cancelled, and nothing is sent', () => {
    const rig = executionRig();
    const order = intent({ type: 'limit', limitPrice: 5900 });
    rig.manager.execute({ type: 'submit', intent: order });
    rig.manager.execute({ type: 'cancel', clientOrderId: order.id });
    expect(
      rig.manager.execute({ type: 'replace', clientOrderId: order.id, changes: { limitPrice: 5901 } }),
    ).toEqual({
      ok: false,
      message: `order ${order.id} is cancelled [EXECUTION_ORDER_NOT_WORKING]`,
      orders: [order.id],
    });
    expect(rig.manager.order(order.id)?.limitPrice).toBe(5900);
  });

  it('an order whose cancel is on its way is not replaced', () => {
    const rig = ninjaTraderRig({ connected: true });
    const order = rig.place({ type: 'limit', limitPrice: 5900 });
    rig.manager.execute({ type: 'cancel', clientOrderId: order.id });
    expect(
      rig.manager.execute({ type: 'replace', clientOrderId: order.id, changes: { limitPrice: 5901 } }),
    ).toEqual({
      ok: false,
      message: `order ${order.id} is cancel-pending [EXECUTION_ORDER_NOT_WORKING]`,
      orders: [order.id],
    });
    expect(rig.commands.filter((c) => c.kind === 'replace')).toEqual([]);
  });
});

describe('cancel-all and live orders', () => {
  const twoAccounts = () =>
    executionRig({
      accounts: [
        { id: 'SIM-50K', startingBalance: 50_000 },
        { id: 'SIM-B', startingBalance: 50_000 },
      ],
    });

  it('lists the live orders of one account, or of all accounts', () => {
    const rig = twoAccounts();
    rig.market(esTick(T0, 6000));
    const a = intent({ type: 'limit', limitPrice: 5900 });
    const b = intent({ account: 'SIM-B', type: 'limit', limitPrice: 5900 });
    const filled = intent();
    for (const order of [a, b, filled]) rig.manager.execute({ type: 'submit', intent: order });
    expect(rig.manager.liveOrders('SIM-50K').map((o) => o.clientOrderId)).toEqual([a.id]);
    expect(rig.manager.liveOrders('SIM-B').map((o) => o.clientOrderId)).toEqual([b.id]);
    expect(rig.manager.liveOrders().map((o) => o.clientOrderId)).toEqual([a.id, b.id]);
  });

  it('cancels every live order of the account only, and counts them', () => {
    const rig = twoAccounts();
    rig.market(esTick(T0, 6000));
    const a1 = intent({ type: 'limit', limitPrice: 5900 });
    const a2 = intent({ type: 'stop', stopPrice: 6100 });
    const filled = intent();
    const b = intent({ account: 'SIM-B', type: 'limit', limitPrice: 5900 });
    for (const order of [a1, a2, filled, b]) rig.manager.execute({ type: 'submit', intent: order });
    expect(rig.manager.execute({ type: 'cancel-all', account: 'SIM-50K', reason: 'test' })).toEqual({
      ok: true,
      message: 'cancel sent for 2 orders',
      orders: [a1.id, a2.id],
    });
    expect(rig.manager.order(a1.id)?.status).toBe('cancelled');
    expect(rig.manager.order(a2.id)?.status).toBe('cancelled');
    expect(rig.manager.order(b.id)?.status).not.toBe('cancelled');
    expect(rig.manager.liveOrders().map((o) => o.clientOrderId)).toEqual([b.id]);
  });

  it('cancels nothing when nothing is live, and says 0', () => {
    const rig = executionRig();
    expect(rig.manager.execute({ type: 'cancel-all', reason: 'test' })).toEqual({
      ok: true,
      message: 'cancel sent for 0 orders',
      orders: [],
    });
  });
});

describe('market data moving managed stops', () => {
  it('a print of another instrument does not move the stop', () => {
    const rig = filledBracket();
    rig.manager.execute({ type: 'trail-stop', clientOrderId: rig.entry.id, distance: 4 });
    rig.manager.process({ ...esTick(T0 + 1, 6020), symbol: 'NQ 12-26' });
    expect(rig.manager.order(`${rig.entry.id}-sl`)?.stopPrice).toBe(5990);
    rig.manager.process(esTick(T0 + 2, 6020));
    expect(rig.manager.order(`${rig.entry.id}-sl`)?.stopPrice).toBe(6016);
  });

  it("with market trust, a client's print moves only the stops of accounts it trades", () => {
    const rig = filledBracket();
    rig.manager.execute({ type: 'trail-stop', clientOrderId: rig.entry.id, distance: 4 });
    const trust = new MarketTrust(new Set(['SIM-50K']));
    const stranger = clientSource('s-other');
    rig.manager.process({ ...esTick(T0 + 1, 6020), source: stranger }, trust);
    expect(rig.manager.order(`${rig.entry.id}-sl`)?.stopPrice).toBe(5990);
    trust.grant(stranger, ['SIM-50K']);
    rig.manager.process({ ...esTick(T0 + 2, 6020), source: stranger }, trust);
    expect(rig.manager.order(`${rig.entry.id}-sl`)?.stopPrice).toBe(6016);
  });

  it("with market trust, the engine's own prints move every account's stops", () => {
    const rig = filledBracket();
    rig.manager.execute({ type: 'trail-stop', clientOrderId: rig.entry.id, distance: 4 });
    rig.manager.process(esTick(T0 + 1, 6020), new MarketTrust(new Set(['SIM-50K'])));
    expect(rig.manager.order(`${rig.entry.id}-sl`)?.stopPrice).toBe(6016);
  });
});

describe('close', () => {
  it('stops listening to the brokers: later reports change nothing here', () => {
    const rig = executionRig();
    const order = intent({ type: 'limit', limitPrice: 5999 });
    rig.manager.execute({ type: 'submit', intent: order });
    const before = rig.manager.order(order.id);
    const published = rig.orders.length;
    rig.manager.close();
    rig.market(esTick(T0 + 1, 5998, 10, 5997.75, 5998));
    expect(rig.broker.position('SIM-50K', ES).quantity).toBe(1);
    expect(rig.manager.order(order.id)).toBe(before);
    expect(rig.orders).toHaveLength(published);
    expect(rig.fills).toEqual([]);
  });
});
