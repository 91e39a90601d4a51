import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert, Order, OrderIntent, OrderStatus } from '../../src/core/events.js';
import { NinjaTraderBroker } from '../../src/execution/ninjatrader-broker.js';
import { OrderManager } from '../../src/execution/order-manager.js';
import { esTick, executionRig, intent, T0 } from './execution-helpers.js';

const ES = 'ES 12-26';

/**
 * The order manager over the NinjaTrader broker, on one bus as startTrading wires them, with the
 * AddOn's reports published as the gateway publishes them (orders, executions, session snapshots).
 */
function addOnRig() {
  const bus = new MessageBus();
  const clock = new ReplayClock(T0);
  const manager = new OrderManager(bus, clock);
  manager.addBroker(new NinjaTraderBroker(bus, ['NT-1'], { clock }));
  const all: Order[] = [];
  const alerts: Alert[] = [];
  const fromAddOn = new Set<Order>();
  bus.observe(TOPICS.orders).subscribe((order) => all.push(order));
  bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
  let sessions = 0;
  const rig = {
    manager,
    alerts,
    /** What the order manager published (the AddOn's own reports left out). */
    published: (): Order[] => all.filter((order) => !fromAddOn.has(order)),
    /** Forgets what was published and alerted so far. */
    clear(): void {
      all.length = 0;
      alerts.length = 0;
    },
    /** A new AddOn session whose snapshot lists these working orders. */
    snapshot(orders: Order[] = []): void {
      const sessionId = `s-${++sessions}`;
      bus.publish(TOPICS.ninjatraderSessions, {
        kind: 'connected',
        sessionId,
        accounts: ['NT-1'],
        ts: clock.now(),
      });
      bus.publish(TOPICS.ninjatraderSessions, {
        kind: 'snapshot',
        sessionId,
        accounts: ['NT-1'],
        ts: clock.now(),
        snapshot: { accounts: [], positions: [], orders },
      });
    },
    /** Sends an order through the manager; the AddOn has not answered yet (status submitted). */
    place(overrides: Partial<OrderIntent> = {}): OrderIntent {
      const sent = intent({ account: 'NT-1', ...overrides });
      manager.execute({ type: 'submit', intent: sent });
      return sent;
    },
    /** The AddOn's view of a sent order (working, nothing filled, no reason) with these changes. */
    view(sent: OrderIntent, changes: Partial<Order> = {}): Order {
      return {
        clientOrderId: sent.id,
        account: sent.account,
        symbol: sent.symbol,
        ts: clock.now(),
        side: sent.side,
        quantity: sent.quantity,
        filledQuantity: 0,
        type: sent.type,
        ...(sent.limitPrice !== undefined && { limitPrice: sent.limitPrice }),
        ...(sent.stopPrice !== undefined && { stopPrice: sent.stopPrice }),
        timeInForce: sent.timeInForce,
        status: 'working',
        ...changes,
      };
    },
    /** An AddOn order_update. */
    report(sent: OrderIntent, changes: Partial<Order> = {}): void {
      const order = rig.view(sent, changes);
      fromAddOn.add(order);
      bus.publish(TOPICS.orders, order);
    },
    /** An AddOn execution. */
    fill(sent: OrderIntent, fillId: string, quantity: number, price: number): void {
      bus.publish(TOPICS.fills, {
        fillId,
        clientOrderId: sent.id,
        account: 'NT-1',
        symbol: sent.symbol,
        ts: clock.now(),
        side: sent.side,
        quantity,
        price,
        commission: 0,
      });
    },
  };
  rig.snapshot();
  return rig;
}

describe('a snapshot on reconnect sets the status of an order known here', () => {
  it('applies a status the state machine allows, with the broker’s order id and the larger filled count', () => {
    const rig = addOnRig();
    const sent = rig.place({ quantity: 3 });
    rig.fill(sent, 'x-1', 1, 6000);
    rig.clear();
    rig.snapshot([rig.view(sent, { status: 'partially-filled', filledQuantity: 2, brokerOrderId: 'NT-77' })]);
    expect(rig.manager.order(sent.id)).toMatchObject({
      status: 'partially-filled',
      filledQuantity: 2,
      brokerOrderId: 'NT-77',
    });
    expect(rig.published().map((o) => [o.status, o.filledQuantity])).toEqual([['partially-filled', 2]]);
  });

  it('keeps the filled count applied here when the snapshot counts fewer fills', () => {
    const rig = addOnRig();
    const sent = rig.place({ quantity: 3 });
    rig.fill(sent, 'x-1', 1, 6000);
    rig.snapshot([rig.view(sent, { status: 'working', filledQuantity: 0 })]);
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'working', filledQuantity: 1 });
  });

  it('keeps the broker order id it has when the snapshot lists the order without one', () => {
    const rig = addOnRig();
    const sent = rig.place({ quantity: 2 });
    rig.report(sent, { status: 'accepted', brokerOrderId: 'NT-5' });
    rig.snapshot([rig.view(sent, { status: 'working' })]);
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'working' });
    expect(rig.manager.order(sent.id)?.brokerOrderId).toBe('NT-5');
  });

  it('leaves the order as it is, publishing nothing, for the status it already has', () => {
    const rig = addOnRig();
    const sent = rig.place({ quantity: 2 });
    rig.report(sent, { status: 'working', brokerOrderId: 'NT-5' });
    rig.clear();
    rig.snapshot([rig.view(sent, { status: 'working', brokerOrderId: 'NT-5' })]);
    expect(rig.published()).toEqual([]);
    expect(rig.manager.order(sent.id)?.status).toBe('working');
  });

  it('leaves the order as it is, publishing nothing, for a status the state machine does not allow', () => {
    const rig = addOnRig();
    const sent = rig.place({ quantity: 2 });
    rig.report(sent, { status: 'working' });
    rig.clear();
    // working → accepted is no transition: the snapshot is older than what the order went through.
    rig.snapshot([rig.view(sent, { status: 'accepted', brokerOrderId: 'NT-9' })]);
    expect(rig.published()).toEqual([]);
    expect(rig.manager.order(sent.id)).toMatchObject({ status: 'working' });
    expect(rig.manager.order(sent.id)?.brokerOrderId).toBeUndefined();
  });
});
