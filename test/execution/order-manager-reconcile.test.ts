import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert, OrderIntent } from '../../src/core/events.js';
import { OrderManager } from '../../src/execution/order-manager.js';
import { PaperBroker } from '../../src/execution/paper-broker.js';
import { esTick, executionRig, intent, T0 } from './execution-helpers.js';
import { ninjaTraderRig, tempDataDir } from './ninjatrader-rig.js';

const ES = 'ES 12-26';
const REDUCING = (account: string): string =>
  `; REDUCING until resolved (enigma resolve --account ${account})`;

/** An order NinjaTrader lists (a sell limit at 6100, good till cancelled) as the AddOn reports it. */
const ntOrder = (id: string): OrderIntent =>
  intent({ id, account: 'NT-1', side: 'sell', type: 'limit', limitPrice: 6100, timeInForce: 'gtc' });

/** NinjaTrader's commission on each execution. */
const COMMISSION = 2.25;

/** A paper broker that already holds 2 ES long and a working sell limit from before the engine started. */
function paperBrokerWithHistory(): PaperBroker {
  const broker = new PaperBroker({
    accounts: [{ id: 'SIM-50K', startingBalance: 50_000 }],
    slippageTicks: 0,
  });
  broker.onTick(esTick(T0, 6000));
  const base = { account: 'SIM-50K', symbol: ES, ts: T0, timeInForce: 'day' as const };
  broker.submit({ ...base, clientOrderId: 'old-market-1', side: 'buy', quantity: 2, type: 'market' });
  broker.submit({
    ...base,
    clientOrderId: 'old-limit-2',
    side: 'sell',
    quantity: 2,
    type: 'limit',
    limitPrice: 6050,
  });
  return broker;
}

describe('reconcile: its answer and its alert', () => {
  it('answers that no broker holds an account it does not know, and touches nothing', () => {
    const rig = executionRig();
    expect(rig.manager.execute({ type: 'reconcile', account: 'NOPE' })).toEqual({
      ok: false,
      message: "no broker holds account 'NOPE'",
      orders: [],
    });
    expect(rig.alerts).toEqual([]);
  });

  it('says the account matches its broker, in the alert and the answer, and lists no order when nothing changed', () => {
    const rig = executionRig();
    expect(rig.manager.execute({ type: 'reconcile', account: 'SIM-50K' })).toEqual({
      ok: true,
      message: 'SIM-50K matches paper',
      orders: [],
    });
    expect(rig.alerts.at(-1)).toMatchObject({
      code: 'EXECUTION_RECONCILED',
      severity: 'info',
      message: 'SIM-50K matches paper',
    });
  });

  it('after a restart lists every difference, separated by "; ", and answers with exactly the orders it adopted', () => {
    const broker = paperBrokerWithHistory();
    const bus = new MessageBus();
    const manager = new OrderManager(bus, new ReplayClock(T0));
    manager.addBroker(broker);
    const alerts: Alert[] = [];
    bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));

    const differences =
      'ES 12-26 position 0 here, 2 at paper; working order old-limit-2 at paper was unknown here';
    expect(manager.execute({ type: 'reconcile', account: 'SIM-50K' })).toEqual({
      ok: false,
      message: differences,
      orders: ['old-limit-2'],
    });
    expect(alerts.find((alert) => alert.code === 'EXECUTION_RECONCILIATION_MISMATCH')?.message).toBe(
      `SIM-50K: ${differences}${REDUCING('SIM-50K')}`,
    );
    // The adopted order is the broker's, tracked as it is; nothing new to adopt the second time.
    expect(manager.order('old-limit-2')).toMatchObject({ status: 'working', quantity: 2, limitPrice: 6050 });
    expect(manager.execute({ type: 'reconcile', account: 'SIM-50K' })).toEqual({
      ok: true,
      message: 'SIM-50K matches paper',
      orders: [],
    });
  });
});

describe('reconcile: positions in the book that the broker does not list', () => {
  it('are a difference ("none at" the broker), published flat, and match from then on', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    // An execution the engine applied, whose position NinjaTrader never reported.
    rig.fill({ id: 'by-hand', side: 'buy' }, 'x-1', 1, 6000, COMMISSION);
    rig.disconnect();
    rig.connect();
    expect(rig.last('EXECUTION_RECONCILIATION_MISMATCH')?.message).toBe(
      `NT-1: ES 12-26 position 1 here, none at ninjatrader${REDUCING('NT-1')}`,
    );
    expect(rig.positions.at(-1)).toEqual({
      account: 'NT-1',
      symbol: ES,
      ts: T0,
      quantity: 0,
      averagePrice: 0,
      unrealizedPnl: 0,
      realizedPnl: 0,
    });
    rig.connect();
    expect(rig.outcome()).toMatchObject({
      code: 'EXECUTION_RECONCILED',
      message: 'NT-1 matches ninjatrader',
    });
  });

  it('are no difference when the book is flat in them (bought and sold back)', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.fill({ id: 'by-hand', side: 'buy' }, 'x-1', 1, 6000, COMMISSION);
    rig.fill({ id: 'by-hand-close', side: 'sell' }, 'x-2', 1, 6004, COMMISSION);
    rig.connect();
    expect(rig.last('EXECUTION_RECONCILIATION_MISMATCH')).toBeUndefined();
    expect(rig.outcome()).toMatchObject({
      code: 'EXECUTION_RECONCILED',
      message: 'NT-1 matches ninjatrader',
    });
  });
});

describe('reconcile: one account at a time', () => {
  it('leaves another account’s positions and live orders alone', () => {
    // A paper account and a NinjaTrader account under one order manager.
    const bus = new MessageBus();
    const clock = new ReplayClock(T0);
    const nt = ninjaTraderRig({ dataDir: tempDataDir(), bus, clock });
    const paper = new PaperBroker({
      accounts: [{ id: 'SIM-50K', startingBalance: 50_000 }],
      slippageTicks: 0,
    });
    nt.manager.addBroker(paper);
    nt.connect();
    // NT-1: 1 ES long in the book (NinjaTrader's position report not in yet) and a working order.
    nt.fill({ id: 'nt-fill', side: 'buy' }, 'x-1', 1, 6000, COMMISSION);
    nt.place({ id: 'nt-working', type: 'limit', limitPrice: 5990 });
    nt.report(ntOrder('nt-working'), { side: 'buy', limitPrice: 5990, status: 'working' });
    expect(nt.manager.order('nt-working')?.status).toBe('working');

    expect(nt.manager.execute({ type: 'reconcile', account: 'SIM-50K' })).toEqual({
      ok: true,
      message: 'SIM-50K matches paper',
      orders: [],
    });
    expect(nt.manager.order('nt-working')?.status).toBe('working');
    expect(nt.last('EXECUTION_RECONCILIATION_MISMATCH')).toBeUndefined();
  });
});

describe('reconcile: live orders here that the broker no longer lists', () => {
  function withWorkingOrder() {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.place({ id: 'work-1', side: 'sell', type: 'limit', limitPrice: 6100 });
    rig.report(ntOrder('work-1'));
    expect(rig.manager.order('work-1')?.status).toBe('working');
    return rig;
  }

  it('an acknowledged order is closed as cancelled, and is a difference', () => {
    const rig = withWorkingOrder();
    rig.disconnect();
    rig.connect();
    expect(rig.manager.order('work-1')).toMatchObject({
      status: 'cancelled',
      reason: 'not working at ninjatrader on reconnect',
    });
    expect(rig.last('EXECUTION_RECONCILIATION_MISMATCH')?.message).toBe(
      `NT-1: order work-1 is not working at ninjatrader${REDUCING('NT-1')}`,
    );
    expect(rig.manager.liveOrders('NT-1')).toEqual([]);
  });

  it('an order whose cancel was on its way is closed as cancelled, and is no difference', () => {
    const rig = withWorkingOrder();
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: 'work-1' }).ok).toBe(true);
    expect(rig.manager.order('work-1')?.status).toBe('cancel-pending');
    rig.connect();
    expect(rig.manager.order('work-1')).toMatchObject({
      status: 'cancelled',
      reason: 'not working at ninjatrader on reconnect',
    });
    expect(rig.last('EXECUTION_RECONCILIATION_MISMATCH')).toBeUndefined();
    expect(rig.outcome()).toMatchObject({ code: 'EXECUTION_RECONCILED' });
  });

  it('an order sent but not acknowledged yet stays as it is, and is no difference', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.place({ id: 'sent-1' });
    expect(rig.manager.order('sent-1')?.status).toBe('submitted');
    rig.connect();
    expect(rig.manager.order('sent-1')?.status).toBe('submitted');
    expect(rig.last('EXECUTION_RECONCILIATION_MISMATCH')).toBeUndefined();
    expect(rig.outcome()).toMatchObject({ code: 'EXECUTION_RECONCILED' });
  });
});

describe('reconcile: orders the broker lists', () => {
  it('a live order known here takes the status and broker id the snapshot lists', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.place({ id: 'lim-1', side: 'sell', type: 'limit', limitPrice: 6100 });
    expect(rig.manager.order('lim-1')?.status).toBe('submitted');
    // The acknowledgement is lost; the next snapshot lists the order working.
    rig.connect({ orders: [rig.view(ntOrder('lim-1'), { brokerOrderId: 'NT-77' })] });
    expect(rig.manager.order('lim-1')).toMatchObject({ status: 'working', brokerOrderId: 'NT-77' });
    expect(rig.last('EXECUTION_RECONCILIATION_MISMATCH')).toBeUndefined();
  });

  it('an order whose cancel is on its way stays cancel-pending when the snapshot, from before the cancel, lists it working', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.place({ id: 'work-2', side: 'sell', type: 'limit', limitPrice: 6100 });
    rig.report(ntOrder('work-2'));
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: 'work-2' }).ok).toBe(true);
    rig.connect({ orders: [rig.view(ntOrder('work-2'))] });
    expect(rig.manager.order('work-2')?.status).toBe('cancel-pending');
    // So it is not changed while the cancel is on its way.
    expect(
      rig.manager.execute({ type: 'replace', clientOrderId: 'work-2', changes: { limitPrice: 6105 } }),
    ).toEqual({
      ok: false,
      message: 'order work-2 is cancel-pending [EXECUTION_ORDER_NOT_WORKING]',
      orders: ['work-2'],
    });
    // A fill before the cancel, listed by the snapshot, still counts.
    rig.connect({
      orders: [rig.view(ntOrder('work-2'), { quantity: 2, status: 'partially-filled', filledQuantity: 1 })],
    });
    expect(rig.manager.order('work-2')).toMatchObject({ status: 'partially-filled', filledQuantity: 1 });
  });
});

describe('adopting an order the engine did not place', () => {
  it('an order placed by hand is an external order, named with its side, quantity and symbol', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.report(ntOrder('by-hand-1'), { side: 'sell', quantity: 3 });
    expect(rig.last('EXECUTION_EXTERNAL_ORDER')).toMatchObject({
      severity: 'warning',
      account: 'NT-1',
      symbol: ES,
      message: 'NT-1: by-hand-1 (sell 3 ES 12-26) was not placed by the engine; tracked, not managed',
    });
    expect(rig.manager.order('by-hand-1')).toMatchObject({ status: 'working', quantity: 3 });
  });

  it('an adopted working order is live: missing at the next reconnect, it is closed as cancelled and is a difference', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.report(ntOrder('by-hand-1'));
    expect(rig.manager.liveOrders('NT-1').map((order) => order.clientOrderId)).toEqual(['by-hand-1']);
    rig.disconnect();
    rig.connect();
    expect(rig.manager.order('by-hand-1')?.status).toBe('cancelled');
    expect(rig.last('EXECUTION_RECONCILIATION_MISMATCH')?.message).toBe(
      `NT-1: order by-hand-1 is not working at ninjatrader${REDUCING('NT-1')}`,
    );
  });

  it('an adopted order that is already filled is not live: the next reconnect leaves it filled', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.report(ntOrder('by-hand-2'), { status: 'filled', filledQuantity: 1, averageFillPrice: 6100 });
    expect(rig.manager.order('by-hand-2')?.status).toBe('filled');
    rig.connect();
    expect(rig.manager.order('by-hand-2')?.status).toBe('filled');
    expect(rig.last('EXECUTION_RECONCILIATION_MISMATCH')).toBeUndefined();
    expect(rig.outcome()).toMatchObject({ code: 'EXECUTION_RECONCILED' });
  });

  it('the -sl and -tp legs NinjaTrader places for an engine entry are not external orders', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.place({ id: 'entry-42', stopLoss: 5990, takeProfit: 6020 });
    rig.report(ntOrder('entry-42'), {
      side: 'buy',
      type: 'market',
      status: 'filled',
      filledQuantity: 1,
      averageFillPrice: 6000,
    });
    rig.report(ntOrder('entry-42-sl'), { type: 'stop', stopPrice: 5990 });
    rig.report(ntOrder('entry-42-tp'), { limitPrice: 6020 });
    expect(rig.last('EXECUTION_EXTERNAL_ORDER')).toBeUndefined();
    expect(rig.manager.liveOrders('NT-1').map((order) => order.clientOrderId)).toEqual([
      'entry-42-sl',
      'entry-42-tp',
    ]);
  });

  it('an order named after an engine order with another suffix than -sl/-tp is an external order', () => {
    const rig = ninjaTraderRig({ dataDir: tempDataDir() });
    rig.connect();
    rig.place({ id: 'entry-43' });
    rig.report(ntOrder('entry-43-x1'));
    expect(rig.last('EXECUTION_EXTERNAL_ORDER')?.message).toContain('entry-43-x1');
  });
});

describe('adopting an order the engine sent before a restart (NinjaTrader’s journal)', () => {
  it('a bracket entry with a stop loss keeps its stop (trail-stop applies) and its fills so far average on', () => {
    const first = ninjaTraderRig({ dataDir: tempDataDir() });
    first.connect();
    first.place({ id: 'entry-77', quantity: 3, type: 'limit', limitPrice: 6000, stopLoss: 5990 });

    // A new engine on the same data directory: the snapshot lists the entry, 2 of 3 filled at 6000.
    const second = ninjaTraderRig({ dataDir: first.dataDir });
    second.connect({
      orders: [
        second.view(ntOrder('entry-77'), {
          side: 'buy',
          quantity: 3,
          limitPrice: 6000,
          status: 'partially-filled',
          filledQuantity: 2,
          averageFillPrice: 6000,
        }),
      ],
    });
    expect(second.last('EXECUTION_EXTERNAL_ORDER')).toBeUndefined();
    expect(second.manager.order('entry-77')).toMatchObject({ status: 'partially-filled', filledQuantity: 2 });
    expect(
      second.manager.execute({ type: 'trail-stop', clientOrderId: 'entry-77', distance: 4 }),
    ).toMatchObject({
      ok: true,
      orders: ['entry-77'],
    });

    // The last contract fills at 6030: (2 × 6000 + 6030) / 3.
    second.fill({ id: 'entry-77', side: 'buy' }, 'x-3', 1, 6030, COMMISSION);
    expect(second.manager.order('entry-77')).toMatchObject({ filledQuantity: 3, averageFillPrice: 6010 });
  });

  it('an order sent without exits is no bracket entry: trail-stop is refused', () => {
    const first = ninjaTraderRig({ dataDir: tempDataDir() });
    first.connect();
    first.place({ id: 'single-78', type: 'limit', limitPrice: 6000 });
    const second = ninjaTraderRig({ dataDir: first.dataDir });
    second.connect({ orders: [second.view(ntOrder('single-78'), { side: 'buy', limitPrice: 6000 })] });
    expect(second.last('EXECUTION_EXTERNAL_ORDER')).toBeUndefined();
    expect(second.manager.execute({ type: 'trail-stop', clientOrderId: 'single-78', distance: 4 }).ok).toBe(
      false,
    );
  });
});
