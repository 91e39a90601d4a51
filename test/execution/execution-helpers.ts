import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { AccountState, Alert, Fill, Order, OrderIntent, Position, Tick } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { OrderManager } from '../../src/execution/order-manager.js';
import { PaperBroker, type PaperBrokerOptions } from '../../src/execution/paper-broker.js';

export const T0 = microsFromIso('2026-11-24T15:00:00Z');

/** An ES tick at `price` with a one-tick spread around it unless bid/ask are given. */
export function esTick(ts: number, price: number, size = 10, bid = price - 0.25, ask = price + 0.25): Tick {
  return { symbol: 'ES 12-26', ts, price, size, bid, ask, side: 'unknown' };
}

let counter = 0;

export function intent(overrides: Partial<OrderIntent> = {}): OrderIntent {
  counter++;
  return {
    id: `i-${counter}`,
    account: 'SIM-50K',
    symbol: 'ES 12-26',
    ts: T0,
    side: 'buy',
    quantity: 1,
    type: 'market',
    timeInForce: 'day',
    reason: 'test',
    ...overrides,
  };
}

/** A bus, a replay clock, a paper broker and an order manager wired together, with everything published recorded. */
export function executionRig(options: Partial<PaperBrokerOptions> = {}) {
  const bus = new MessageBus();
  const clock = new ReplayClock(T0);
  const broker = new PaperBroker({
    accounts: [{ id: 'SIM-50K', startingBalance: 50_000 }],
    slippageTicks: 0,
    ...options,
  });
  const manager = new OrderManager(bus, clock);
  manager.addBroker(broker);
  const orders: Order[] = [];
  const fills: Fill[] = [];
  const positions: Position[] = [];
  const accounts: AccountState[] = [];
  const alerts: Alert[] = [];
  bus.observe(TOPICS.orders).subscribe((order) => orders.push(order));
  bus.observe(TOPICS.fills).subscribe((fill) => fills.push(fill));
  bus.observe(TOPICS.positions).subscribe((position) => positions.push(position));
  bus.observe(TOPICS.accounts).subscribe((state) => accounts.push(state));
  bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
  const market = (tick: Tick): void => {
    clock.advanceTo(tick.ts);
    broker.onTick(tick);
    manager.process(tick);
  };
  return { bus, clock, broker, manager, orders, fills, positions, accounts, alerts, market };
}
