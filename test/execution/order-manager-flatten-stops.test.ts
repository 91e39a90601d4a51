import { describe, expect, it } from 'vitest';
import { OrderJournal } from '../../src/execution/order-journal.js';
import { esTick, executionRig, intent, T0 } from './execution-helpers.js';
import { ninjaTraderRig } from './ninjatrader-rig.js';
import { slowCancelRig } from './slow-cancel-rig.js';

const ES = 'ES 12-26';
const NQ = 'NQ 12-26';

function nqTick(ts: number, price: number) {
  return { symbol: NQ, ts, price, size: 10, bid: price - 0.25, ask: price + 0.25, side: 'unknown' as const };
}

describe('flatten through a broker without its own flatten (market orders)', () => {
  it('flattens every account when no account is named', () => {
    const rig = executionRig({
      accounts: [
        { id: 'SIM-A', startingBalance: 50_000 },
        { id: 'SIM-B', startingBalance: 50_000 },
      ],
    });
    rig.market(esTick(T0, 6000));
    rig.manager.execute({ type: 'submit', intent: intent({ account: 'SIM-A', quantity: 2 }) });
    rig.manager.execute({ type: 'submit', intent: intent({ account: 'SIM-B', side: 'sell', quantity: 1 }) });
    const result = rig.manager.execute({ type: 'flatten', reason: 'daily loss' });
    expect(result).toEqual({
      ok: true,
      message: 'flatten: 2 orders cancelled or sent',
      orders: [`flatten:SIM-A:${ES}:1`, `flatten:SIM-B:${ES}:2`],
    });
    expect(rig.broker.position('SIM-A', ES).quantity).toBe(0);
    expect(rig.broker.position('SIM-B', ES).quantity).toBe(0);
    expect(rig.manager.order(`flatten:SIM-A:${ES}:1`)).toMatchObject({
      side: 'sell',
      quantity: 2,
      type: 'market',
      reason: 'flatten: daily loss',
    });
    expect(rig.manager.order(`flatten:SIM-B:${ES}:2`)).toMatchObject({ side: 'buy', quantity: 1 });
    // Each flatten order filled at once: each account is confirmed flat once.
    expect(rig.alerts.filter((a) => a.code === 'EXECUTION_FLAT_CONFIRMED').map((a) => a.message)).toEqual([
      'SIM-A flat (confirmed by paper)',
      'SIM-B flat (confirmed by paper)',
    ]);
  });

  it('lists only the orders it cancelled or sent, and nothing for an account already flat', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    // A round trip leaves a position of 0 at the paper broker: nothing to close.
    rig.manager.execute({ type: 'submit', intent: intent({ quantity: 1 }) });
    rig.manager.execute({ type: 'submit', intent: intent({ side: 'sell', quantity: 1 }) });
    expect(rig.broker.positions('SIM-50K').map((p) => p.quantity)).toEqual([0]);
    const resting = intent({ type: 'limit', limitPrice: 5950 });
    rig.manager.execute({ type: 'submit', intent: resting });
    const result = rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'test' });
    expect(result).toEqual({
      ok: true,
      message: 'flatten: 1 orders cancelled or sent',
      orders: [resting.id],
    });
    expect(rig.orders.some((o) => o.clientOrderId.startsWith('flatten:'))).toBe(false);
  });

  it('closes each symbol of an account with its own market order', () => {
    const rig = executionRig({ latencyMicros: 1_000 });
    rig.market(esTick(T0, 6000));
    rig.market(nqTick(T0, 21000));
    rig.manager.execute({ type: 'submit', intent: intent({ quantity: 1 }) });
    rig.manager.execute({ type: 'submit', intent: intent({ symbol: NQ, quantity: 2 }) });
    rig.market(esTick(T0 + 1_000, 6000));
    rig.market(nqTick(T0 + 1_000, 21000));
    const result = rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'test' });
    expect(result.orders).toEqual([`flatten:SIM-50K:${ES}:1`, `flatten:SIM-50K:${NQ}:2`]);
  });

  it("sends an account's flatten order even while another account's flatten of the symbol is working", () => {
    const rig = executionRig({
      latencyMicros: 1_000,
      accounts: [
        { id: 'SIM-A', startingBalance: 50_000 },
        { id: 'SIM-B', startingBalance: 50_000 },
      ],
    });
    rig.market(esTick(T0, 6000));
    rig.manager.execute({ type: 'submit', intent: intent({ account: 'SIM-A' }) });
    rig.manager.execute({ type: 'submit', intent: intent({ account: 'SIM-B' }) });
    rig.market(esTick(T0 + 1_000, 6000));
    // SIM-B also has a working order (of another symbol): it is not a flatten of SIM-A's ES.
    rig.market(nqTick(T0 + 1_000, 21000));
    rig.manager.execute({
      type: 'submit',
      intent: intent({ account: 'SIM-B', symbol: NQ, type: 'limit', limitPrice: 20000 }),
    });
    expect(rig.manager.execute({ type: 'flatten', account: 'SIM-B', reason: 'b' }).orders).toHaveLength(2);
    expect(rig.manager.execute({ type: 'flatten', account: 'SIM-A', reason: 'a' }).orders).toEqual([
      `flatten:SIM-A:${ES}:2`,
    ]);
  });

  it('does not count a working order of another account as a flatten of this one', () => {
    const rig = executionRig({
      accounts: [
        { id: 'SIM-A', startingBalance: 50_000 },
        { id: 'SIM-B', startingBalance: 50_000 },
      ],
    });
    rig.market(esTick(T0, 6000));
    rig.manager.execute({ type: 'submit', intent: intent({ account: 'SIM-A' }) });
    rig.manager.execute({
      type: 'submit',
      intent: intent({ account: 'SIM-B', type: 'limit', limitPrice: 5950 }),
    });
    expect(rig.manager.execute({ type: 'flatten', account: 'SIM-A', reason: 'a' }).orders).toEqual([
      `flatten:SIM-A:${ES}:1`,
    ]);
    expect(rig.broker.position('SIM-A', ES).quantity).toBe(0);
  });

  it('leaves its own working flatten order alone when asked to flatten again', () => {
    const rig = executionRig({ latencyMicros: 1_000 });
    rig.market(esTick(T0, 6000));
    rig.manager.execute({ type: 'submit', intent: intent({ quantity: 2 }) });
    rig.market(esTick(T0 + 1_000, 6000));
    expect(rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'first' }).orders).toEqual([
      `flatten:SIM-50K:${ES}:1`,
    ]);
    const again = rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'second' });
    expect(again).toEqual({ ok: true, message: 'flatten: 0 orders cancelled or sent', orders: [] });
    expect(rig.manager.order(`flatten:SIM-50K:${ES}:1`)?.status).toBe('accepted');
    rig.market(esTick(T0 + 2_000, 6000));
    expect(rig.broker.position('SIM-50K', ES).quantity).toBe(0);
  });
});

describe('flatten through a broker that cancels later', () => {
  it('does not cancel again an order whose cancel is on its way', () => {
    const rig = slowCancelRig();
    rig.market(esTick(T0, 6000));
    const resting = intent({ type: 'limit', limitPrice: 5950 });
    rig.manager.execute({ type: 'submit', intent: resting });
    expect(rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'one' }).orders).toEqual([
      resting.id,
    ]);
    expect(rig.manager.order(resting.id)?.status).toBe('cancel-pending');
    expect(rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'two' }).orders).toEqual([]);
    expect(rig.broker.cancels).toEqual([resting.id]);
  });

  it('still closes a position while a cancel of an order of the same symbol is on its way', () => {
    const rig = slowCancelRig();
    rig.market(esTick(T0, 6000));
    rig.manager.execute({ type: 'submit', intent: intent({ quantity: 1 }) });
    const resting = intent({ type: 'limit', limitPrice: 5950 });
    rig.manager.execute({ type: 'submit', intent: resting });
    rig.manager.execute({ type: 'cancel', clientOrderId: resting.id });
    expect(rig.manager.execute({ type: 'flatten', account: 'SIM-50K', reason: 'x' }).orders).toEqual([
      `flatten:SIM-50K:${ES}:1`,
    ]);
    expect(rig.paper.position('SIM-50K', ES).quantity).toBe(0);
  });
});

describe('flatten through NinjaTrader (its own flatten, confirmed by its reports)', () => {
  it("sends NinjaTrader's flatten and one snapshot request per episode, with the reason", () => {
    const rig = ninjaTraderRig();
    rig.connect({ positions: [rig.position(2)] });
    rig.commands.length = 0;
    const result = rig.manager.execute({ type: 'flatten', account: 'NT-1', reason: 'daily loss' });
    expect(result).toEqual({
      ok: true,
      message: 'flatten: 1 orders cancelled or sent',
      orders: [`flatten:NT-1:${ES}`],
    });
    expect(rig.commands).toEqual([
      expect.objectContaining({
        kind: 'flatten',
        account: 'NT-1',
        symbol: ES,
        reason: 'flatten: daily loss',
      }),
      { kind: 'snapshot_request', account: 'NT-1', reason: 'flatten: daily loss' },
    ]);
    rig.manager.execute({ type: 'flatten', account: 'NT-1', reason: 'again' });
    expect(rig.commands.filter((c) => c.kind === 'snapshot_request')).toHaveLength(1);
    rig.reportPosition(rig.position(0));
    expect(rig.alerts.filter((a) => a.code === 'EXECUTION_FLAT_CONFIRMED').map((a) => a.message)).toEqual([
      'NT-1 flat (confirmed by NinjaTrader)',
    ]);
  });
});

describe('stop management commands', () => {
  it('refuses a trailing stop or breakeven on an order without a stop loss', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const targetOnly = intent({ takeProfit: 6010 });
    rig.manager.execute({ type: 'submit', intent: targetOnly });
    for (const command of [
      { type: 'trail-stop' as const, clientOrderId: targetOnly.id, distance: 4 },
      { type: 'breakeven' as const, clientOrderId: targetOnly.id, trigger: 4 },
    ]) {
      expect(rig.manager.execute(command)).toEqual({
        ok: false,
        message: `${targetOnly.id} is not a bracket entry with a stop loss`,
        orders: [],
      });
    }
    rig.market(esTick(T0 + 1, 6009));
    expect(rig.manager.order(`${targetOnly.id}-sl`)).toBeUndefined();
  });

  it('refuses a trailing stop on a stop leg, even one sent with a stop loss of its own', () => {
    // Before a restart the engine sent X and X-sl (an order with its own stop loss); after it,
    // X-sl is adopted as the stop leg of X, and a stop leg is not an entry to trail.
    const journal = new OrderJournal();
    const before = ninjaTraderRig({ journal });
    before.connect();
    const x = before.place({ id: 'X', type: 'limit', limitPrice: 5950 });
    const xsl = before.place({ id: 'X-sl', type: 'limit', limitPrice: 5950, stopLoss: 5940 });
    const after = ninjaTraderRig({ journal, brokerOrderIds: true });
    after.connect({ orders: [after.view(x), after.view(xsl)], reportOrders: true });
    expect(after.manager.order('X-sl')?.status).toBe('working');
    expect(after.manager.execute({ type: 'trail-stop', clientOrderId: 'X-sl', distance: 4 })).toEqual({
      ok: false,
      message: 'X-sl is not a bracket entry with a stop loss',
      orders: [],
    });
  });

  it('says which command it set on which entry', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const entry = intent({ stopLoss: 5990 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.execute({ type: 'trail-stop', clientOrderId: entry.id, distance: 4 })).toEqual({
      ok: true,
      message: `trail-stop set on ${entry.id}`,
      orders: [entry.id],
    });
    expect(rig.manager.execute({ type: 'breakeven', clientOrderId: entry.id, trigger: 4 })).toEqual({
      ok: true,
      message: `breakeven set on ${entry.id}`,
      orders: [entry.id],
    });
  });
});

describe('breakeven moves the stop once the price has moved the trigger, not before', () => {
  it('long: filled at 6000.25 with a 5-point trigger, 6005 leaves the stop, 6005.25 moves it to 6000.25', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ stopLoss: 5990, takeProfit: 6050 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.order(entry.id)?.averageFillPrice).toBe(6000.25);
    rig.manager.execute({ type: 'breakeven', clientOrderId: entry.id, trigger: 5 });
    const stopReports = () => rig.orders.filter((o) => o.clientOrderId === `${entry.id}-sl`).length;
    const before = stopReports();
    rig.market(esTick(T0 + 1, 6005));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(5990);
    // Nothing to move: no replace is sent, so the stop is not reported again.
    expect(stopReports()).toBe(before);
    rig.market(esTick(T0 + 2, 6005.25));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6000.25);
  });

  it('short: filled at 6000 with a 5-point trigger, 5995.25 leaves the stop, 5995 moves it to 6000', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ side: 'sell', stopLoss: 6010, takeProfit: 5950 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.order(entry.id)?.averageFillPrice).toBe(6000);
    rig.manager.execute({ type: 'breakeven', clientOrderId: entry.id, trigger: 5 });
    rig.market(esTick(T0 + 1, 5995.25));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6010);
    rig.market(esTick(T0 + 2, 5995));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6000);
    rig.market(esTick(T0 + 3, 5998));
    expect(rig.manager.order(`${entry.id}-sl`)?.stopPrice).toBe(6000);
  });
});

describe('trailing a stop the broker placed', () => {
  it('does not trail before the entry has filled, even when the stop leg is reported first', () => {
    const rig = ninjaTraderRig({ brokerOrderIds: true });
    rig.connect();
    const entry = rig.place({ stopLoss: 5990, takeProfit: 6050 });
    rig.report(entry, { status: 'accepted' });
    rig.manager.execute({ type: 'trail-stop', clientOrderId: entry.id, distance: 4 });
    const stopLeg = intent({
      id: `${entry.id}-sl`,
      account: 'NT-1',
      side: 'sell',
      type: 'stop',
      stopPrice: 5990,
    });
    rig.report(stopLeg);
    rig.commands.length = 0;
    rig.manager.process(esTick(T0 + 1, 6020));
    expect(rig.commands).toEqual([]);
    rig.report(entry, { status: 'filled', filledQuantity: 1, averageFillPrice: 6000 });
    rig.manager.process(esTick(T0 + 2, 6012));
    expect(rig.commands).toEqual([
      expect.objectContaining({ kind: 'replace', clientOrderId: stopLeg.id, stopPrice: 6008 }),
    ]);
  });
});

describe('stop management ends with the stop', () => {
  it('sends nothing once the trailed stop has filled', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ stopLoss: 5990, takeProfit: 6050 });
    rig.manager.execute({ type: 'submit', intent: entry });
    rig.manager.execute({ type: 'trail-stop', clientOrderId: entry.id, distance: 4 });
    rig.market(esTick(T0 + 1, 5989.75));
    expect(rig.manager.order(`${entry.id}-sl`)?.status).toBe('filled');
    const published = rig.orders.length;
    rig.market(esTick(T0 + 2, 6020));
    expect(rig.orders).toHaveLength(published);
    expect(rig.manager.order(`${entry.id}-sl`)).toMatchObject({ status: 'filled', stopPrice: 5990 });
  });
});

describe('broker connection', () => {
  it('says connected or disconnected when the broker gives no reason, and that intents are denied meanwhile', () => {
    const rig = slowCancelRig();
    rig.broker.emit({ kind: 'connection', connected: false, ts: T0 });
    rig.broker.emit({ kind: 'connection', connected: true, ts: T0 + 1 });
    expect(rig.statuses).toEqual([
      { ts: T0, account: 'SIM-50K', broker: 'slow-paper', connected: false, reason: 'disconnected' },
      { ts: T0 + 1, account: 'SIM-50K', broker: 'slow-paper', connected: true, reason: 'connected' },
    ]);
    const link = rig.alerts.filter((a) => a.code.startsWith('EXECUTION_BROKER_'));
    expect(link).toEqual([
      {
        ts: T0,
        severity: 'critical',
        code: 'EXECUTION_BROKER_DISCONNECTED',
        message: 'SIM-50K: broker disconnected; its intents are denied until it reconnects',
        account: 'SIM-50K',
      },
      {
        ts: T0 + 1,
        severity: 'info',
        code: 'EXECUTION_BROKER_CONNECTED',
        message: 'SIM-50K: broker connected',
        account: 'SIM-50K',
      },
    ]);
  });

  it("gives the broker's reason when it has one", () => {
    const rig = ninjaTraderRig();
    rig.connect();
    expect(rig.alerts.find((a) => a.code === 'EXECUTION_BROKER_CONNECTED')?.message).toBe(
      'NT-1: NinjaTrader AddOn session s-1 reported its snapshot',
    );
  });
});

describe('bracket legs follow the entry', () => {
  it('names each leg after its entry', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const entry = intent({ stopLoss: 5990, takeProfit: 6010 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.order(`${entry.id}-sl`)?.reason).toBe(`stop loss of ${entry.id}`);
    expect(rig.manager.order(`${entry.id}-tp`)?.reason).toBe(`take profit of ${entry.id}`);
  });

  it('sends no target for a bracket with only a stop loss', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const entry = intent({ stopLoss: 5990 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.order(`${entry.id}-sl`)?.status).toBe('working');
    expect(rig.manager.order(`${entry.id}-tp`)).toBeUndefined();
  });

  it('cancels the target when the stop fills the whole position', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000, 10, 6000, 6000.25));
    const entry = intent({ quantity: 2, stopLoss: 5990, takeProfit: 6010 });
    rig.manager.execute({ type: 'submit', intent: entry });
    rig.market(esTick(T0 + 1, 5989.75));
    expect(rig.manager.order(`${entry.id}-sl`)).toMatchObject({ status: 'filled', filledQuantity: 2 });
    expect(rig.manager.order(`${entry.id}-tp`)).toMatchObject({ status: 'cancelled', quantity: 2 });
    expect(rig.broker.position('SIM-50K', ES).quantity).toBe(0);
  });

  it('places no target when the stop fills as it is placed (the price already through it)', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    // Filled at 6000.25 with the last print at 6000: a sell stop at 6001 triggers at once.
    const entry = intent({ stopLoss: 6001, takeProfit: 6010 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.order(`${entry.id}-sl`)).toMatchObject({ status: 'filled', filledQuantity: 1 });
    expect(rig.broker.position('SIM-50K', ES).quantity).toBe(0);
    expect(rig.manager.order(`${entry.id}-tp`)).toBeUndefined();
    // The price reaching the target opens nothing.
    rig.market(esTick(T0 + 1, 6010.25));
    expect(rig.broker.position('SIM-50K', ES).quantity).toBe(0);
    expect(rig.broker.workingOrders('SIM-50K')).toEqual([]);
  });

  it('does not cancel again a leg whose cancel is on its way', () => {
    const rig = slowCancelRig();
    rig.market(esTick(T0, 6000));
    const entry = intent({ quantity: 2, type: 'limit', limitPrice: 5995, stopLoss: 5985, takeProfit: 6000 });
    rig.manager.execute({ type: 'submit', intent: entry });
    // 1 of 2 fills (the print is 1 contract): legs of 1.
    rig.market(esTick(T0 + 1, 5994.75, 1, 5994.5, 5995.25));
    expect(rig.manager.order(entry.id)).toMatchObject({ status: 'partially-filled', filledQuantity: 1 });
    // The target fills: the stop's cancel is on its way, and so is the entry's rest (the bracket is spent).
    rig.market(esTick(T0 + 2, 6000.25, 5, 6000, 6000.5));
    expect(rig.manager.order(`${entry.id}-sl`)?.status).toBe('cancel-pending');
    expect(rig.manager.order(entry.id)?.status).toBe('cancel-pending');
    // The entry's cancel confirmed: its report syncs the bracket again.
    rig.broker.release(entry.id);
    expect(rig.manager.order(entry.id)?.status).toBe('cancelled');
    expect(rig.broker.cancels).toEqual([`${entry.id}-sl`, entry.id]);
  });
});

describe('an order the broker no longer lists', () => {
  it('is closed as cancelled on reconnect, with a mismatch alert', () => {
    const rig = ninjaTraderRig({ brokerOrderIds: true });
    rig.connect();
    const order = rig.place({ type: 'limit', limitPrice: 5950 });
    rig.report(order);
    expect(rig.manager.order(order.id)?.status).toBe('working');
    rig.connect();
    expect(rig.manager.order(order.id)).toMatchObject({
      status: 'cancelled',
      reason: 'not working at ninjatrader on reconnect',
    });
    expect(rig.alerts.find((a) => a.code === 'EXECUTION_RECONCILIATION_MISMATCH')?.message).toContain(
      `order ${order.id} is not working at ninjatrader`,
    );
  });
});
