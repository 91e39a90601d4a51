import { describe, expect, it } from 'vitest';
import type { OrderStatus } from '../../src/core/events.js';
import { esTick, executionRig, intent, T0 } from './execution-helpers.js';
import { ninjaTraderRig } from './ninjatrader-rig.js';

const ES = 'ES 12-26';

describe('a snapshot on reconnect sets the status of an order known here', () => {
  it('applies a status the state machine allows, with the broker’s order id and the larger filled count', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 3 });
    rig.fill(sent, 'x-1', 1, 6000);
    rig.clear();
    rig.connect({
      orders: [rig.view(sent, { status: 'partially-filled', filledQuantity: 2, brokerOrderId: 'NT-77' })],
    });
    expect(rig.manager.order(sent.id)).toMatchObject({
      status: 'partially-filled',
      filledQuantity: 2,
      brokerOrderId: 'NT-77',
    });
    expect(rig.published().map((o) => [o.status, o.filledQuantity])).toEqual([['partially-filled', 2]]);
  });

  it('keeps the filled count applied here when the snapshot counts fewer fills', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 3 });
    rig.fill(sent, 'x-1', 1, 6000);
    rig.connect({ orders: [rig.view(sent, { status: 'working', filledQuantity: 0 })] });
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'working', filledQuantity: 1 });
  });

  it('keeps the broker order id it has when the snapshot lists the order without one', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 2 });
    rig.report(sent, { status: 'accepted', brokerOrderId: 'NT-5' });
    rig.connect({ orders: [rig.view(sent, { status: 'working' })] });
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'working' });
    expect(rig.manager.order(sent.id)?.brokerOrderId).toBe('NT-5');
  });

  it('leaves the order as it is, publishing nothing, for the status it already has', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 2 });
    rig.report(sent, { status: 'working', brokerOrderId: 'NT-5' });
    rig.clear();
    rig.connect({ orders: [rig.view(sent, { status: 'working', brokerOrderId: 'NT-5' })] });
    expect(rig.published()).toEqual([]);
    expect(rig.manager.order(sent.id)?.status).toBe('working');
  });

  it('leaves the order as it is, publishing nothing, for a status the state machine does not allow', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 2 });
    rig.report(sent, { status: 'working' });
    rig.clear();
    // working → accepted is no transition: the snapshot is older than what the order went through.
    rig.connect({ orders: [rig.view(sent, { status: 'accepted', brokerOrderId: 'NT-9' })] });
    expect(rig.published()).toEqual([]);
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'working' });
    expect(rig.manager.order(sent.id)?.brokerOrderId).toBeUndefined();
  });
});

describe('an order report that counts fills ahead of the executions', () => {
  it('takes a filled count up to the order’s quantity exactly, never one beyond it', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 2 });
    rig.report(sent, { status: 'working' });
    rig.report(sent, { status: 'partially-filled', filledQuantity: 3, averageFillPrice: 6001 });
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'partially-filled', filledQuantity: 0 });
    expect(rig.manager.order(sent.id)?.averageFillPrice).toBeUndefined();
    rig.report(sent, { status: 'filled', filledQuantity: 2, averageFillPrice: 6000.5 });
    expect(rig.manager.order(sent.id)).toMatchObject({
      status: 'filled',
      filledQuantity: 2,
      averageFillPrice: 6000.5,
    });
  });

  it('does not lower the filled count or change the average for a late report counting fewer fills, and publishes nothing', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 3 });
    rig.report(sent, { status: 'partially-filled', filledQuantity: 2, averageFillPrice: 6000.5 });
    rig.clear();
    rig.report(sent, { status: 'partially-filled', filledQuantity: 1, averageFillPrice: 6000 });
    expect(rig.manager.order(sent.id)).toMatchObject({ filledQuantity: 2, averageFillPrice: 6000.5 });
    expect(rig.published()).toEqual([]);
  });

  it('keeps the average of the executions applied when the report counts no more fills than they do', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 2 });
    rig.fill(sent, 'x-1', 1, 6000);
    rig.fill(sent, 'x-2', 1, 6001);
    rig.report(sent, { status: 'filled', filledQuantity: 2, averageFillPrice: 6000.75 });
    expect(rig.manager.order(sent.id)).toMatchObject({
      status: 'filled',
      filledQuantity: 2,
      averageFillPrice: 6000.5,
    });
  });

  it('keeps the average it has when the report gives a larger count but no average', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 3 });
    rig.fill(sent, 'x-1', 1, 6000);
    rig.report(sent, { status: 'partially-filled', filledQuantity: 2 });
    expect(rig.manager.order(sent.id)).toMatchObject({ filledQuantity: 2, averageFillPrice: 6000 });
  });
});

describe('a replace the broker confirms', () => {
  it('changes the quantity and keeps the limit price the replace left out', () => {
    const rig = executionRig();
    const order = intent({ type: 'limit', limitPrice: 5990 });
    rig.manager.execute({ type: 'submit', intent: order });
    rig.manager.execute({ type: 'replace', clientOrderId: order.id, changes: { quantity: 2 } });
    expect(rig.manager.order(order.id)).toMatchObject({ quantity: 2, limitPrice: 5990 });
  });

  it('changes the quantity and keeps the stop price the replace left out', () => {
    const rig = executionRig();
    const order = intent({ type: 'stop', stopPrice: 6010 });
    rig.manager.execute({ type: 'submit', intent: order });
    rig.manager.execute({ type: 'replace', clientOrderId: order.id, changes: { quantity: 2 } });
    expect(rig.manager.order(order.id)).toMatchObject({ quantity: 2, stopPrice: 6010 });
  });
});

describe('a refused cancel or replace', () => {
  it('is a warning naming the order and the broker’s reason; the order is unchanged and not published again', () => {
    const rig = executionRig();
    const order = intent({ type: 'limit', limitPrice: 5990 });
    rig.manager.execute({ type: 'submit', intent: order });
    const before = rig.manager.order(order.id);
    rig.orders.length = 0;
    rig.manager.execute({ type: 'replace', clientOrderId: order.id, changes: { quantity: 0 } });
    expect(rig.alerts.filter((a) => a.code !== 'EXECUTION_RECONCILED')).toEqual([
      {
        ts: T0,
        severity: 'warning',
        code: 'EXECUTION_REQUEST_REFUSED',
        message: `${order.id}: replace refused: quantity 0 is not above the 0 already filled`,
        account: 'SIM-50K',
        symbol: ES,
      },
    ]);
    expect(rig.manager.order(order.id)).toBe(before);
    expect(rig.orders).toEqual([]);
  });

  it('is not a report of the status the order has without a reason', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place();
    rig.report(sent, { status: 'working' });
    rig.report(sent, { status: 'working' });
    expect(rig.alerts).toEqual([]);
  });

  it('is not the order manager’s own order events, heard back from the bus by the NinjaTrader broker', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ reason: 'ORB long' });
    rig.report(sent, { status: 'working' });
    rig.manager.execute({ type: 'cancel', clientOrderId: sent.id });
    expect(rig.published().map((o) => [o.status, o.reason])).toEqual([
      ['pending', 'ORB long'],
      ['submitted', 'ORB long'],
      ['working', 'ORB long'],
      ['cancel-pending', 'ORB long'],
    ]);
    expect(rig.alerts).toEqual([]);
  });

  it('is not a repeat of the reason the order already has (a rejection reported twice)', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place();
    rig.report(sent, { status: 'rejected', reason: 'insufficient margin' });
    rig.report(sent, { status: 'rejected', reason: 'insufficient margin' });
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'rejected', reason: 'insufficient margin' });
    expect(rig.alerts).toEqual([]);
  });
});

describe('a cancel on its way', () => {
  it.each<OrderStatus>(['working', 'accepted', 'submitted'])(
    'is not undone by a %s report from before it: nothing is published or alerted',
    (status) => {
      const rig = ninjaTraderRig({ connected: true });
      const sent = rig.place();
      rig.report(sent, { status: 'accepted' });
      rig.manager.execute({ type: 'cancel', clientOrderId: sent.id });
      rig.clear();
      rig.report(sent, { status });
      expect(rig.manager.order(sent.id)?.status).toBe('cancel-pending');
      expect(rig.published()).toEqual([]);
      expect(rig.alerts).toEqual([]);
    },
  );

  it('is refused when the broker reports the order working with a reason: the order works again, with that reason', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place();
    rig.report(sent, { status: 'working' });
    rig.manager.execute({ type: 'cancel', clientOrderId: sent.id });
    rig.clear();
    rig.report(sent, { status: 'working', reason: 'cancel rejected: order in flight' });
    expect(rig.manager.order(sent.id)).toMatchObject({
      status: 'working',
      reason: 'cancel rejected: order in flight',
    });
    expect(rig.published().map((o) => o.status)).toEqual(['working']);
  });
});

describe('a report of the status the order already has', () => {
  it('publishes nothing when no fill came with it', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 3 });
    rig.report(sent, { status: 'partially-filled', filledQuantity: 1, averageFillPrice: 6000 });
    rig.clear();
    rig.report(sent, { status: 'partially-filled', filledQuantity: 1, averageFillPrice: 6000 });
    expect(rig.published()).toEqual([]);
  });

  it('publishes the order with the larger filled count a fill brought', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 3 });
    rig.report(sent, { status: 'partially-filled', filledQuantity: 1, averageFillPrice: 6000 });
    rig.clear();
    rig.report(sent, { status: 'partially-filled', filledQuantity: 2, averageFillPrice: 6000.5 });
    expect(rig.published().map((o) => [o.status, o.filledQuantity, o.averageFillPrice])).toEqual([
      ['partially-filled', 2, 6000.5],
    ]);
  });

  it('raises no alert for a status that cannot follow itself, repeated after an execution', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ quantity: 2 });
    rig.report(sent, { status: 'accepted' });
    rig.fill(sent, 'x-1', 1, 6000);
    rig.report(sent, { status: 'accepted', filledQuantity: 1 });
    expect(rig.alerts).toEqual([]);
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'accepted', filledQuantity: 1 });
  });
});

describe('a status the state machine does not allow after the order’s', () => {
  it('leaves the order as it is and says what the broker reported after what', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place();
    rig.report(sent, { status: 'filled', filledQuantity: 1, averageFillPrice: 6000 });
    rig.clear();
    rig.report(sent, { status: 'working', filledQuantity: 1, averageFillPrice: 6000 });
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'filled', filledQuantity: 1 });
    expect(rig.published()).toEqual([]);
    expect(rig.alerts).toEqual([
      {
        ts: T0,
        severity: 'warning',
        code: 'EXECUTION_INVALID_TRANSITION',
        message: `${sent.id}: broker reported working after filled; ignored`,
        account: 'NT-1',
        symbol: ES,
      },
    ]);
  });
});

describe('a status change keeps what the report leaves out', () => {
  it('keeps the broker order id and the order’s reason; takes those the report gives', () => {
    const rig = ninjaTraderRig({ connected: true });
    const sent = rig.place({ reason: 'ORB long' });
    rig.report(sent, { status: 'accepted', brokerOrderId: 'NT-5' });
    rig.report(sent, { status: 'working' });
    expect(rig.manager.order(sent.id)).toMatchObject({
      status: 'working',
      brokerOrderId: 'NT-5',
      reason: 'ORB long',
    });
    rig.report(sent, { status: 'expired', brokerOrderId: 'NT-6', reason: 'session end' });
    expect(rig.manager.order(sent.id)).toMatchObject({
      status: 'expired',
      brokerOrderId: 'NT-6',
      reason: 'session end',
    });
  });
});

describe('a bracket leg’s report that is not a fill', () => {
  it('leaves the other leg as the trader resized it: legs follow fills only', () => {
    const rig = executionRig();
    rig.market(esTick(T0, 6000));
    const entry = intent({ quantity: 2, stopLoss: 5990, takeProfit: 6020 });
    rig.manager.execute({ type: 'submit', intent: entry });
    expect(rig.manager.order(`${entry.id}-sl`)).toMatchObject({ status: 'working', quantity: 2 });
    expect(rig.manager.order(`${entry.id}-tp`)).toMatchObject({ status: 'working', quantity: 2 });
    // The trader takes profit on one contract only, then cancels the stop by hand.
    rig.manager.execute({ type: 'replace', clientOrderId: `${entry.id}-tp`, changes: { quantity: 1 } });
    rig.manager.execute({ type: 'cancel', clientOrderId: `${entry.id}-sl` });
    expect(rig.manager.order(`${entry.id}-sl`)?.status).toBe('cancelled');
    expect(rig.manager.order(`${entry.id}-tp`)).toMatchObject({ status: 'working', quantity: 1 });
  });
});
