import type { AccountState, Order, OrderIntent, Position } from '../../src/core/events.js';
import { microsFromIso, type Micros } from '../../src/core/time.js';

/** An account update with no open position (equity = balance) unless `equity` is given. */
export function accountAt(
  iso: string | Micros,
  balance: number,
  equity = balance,
  account = 'SIM-50K',
): AccountState {
  return {
    account,
    ts: typeof iso === 'number' ? iso : microsFromIso(iso),
    currency: 'USD',
    balance,
    equity,
    realizedPnlToday: 0,
    unrealizedPnl: equity - balance,
  };
}

let intentCounter = 0;

/** A market order intent; override any field. */
export function intentAt(iso: string | Micros, overrides: Partial<OrderIntent> = {}): OrderIntent {
  intentCounter++;
  return {
    id: `intent-${intentCounter}`,
    account: 'SIM-50K',
    symbol: 'ES 12-26',
    ts: typeof iso === 'number' ? iso : microsFromIso(iso),
    side: 'buy',
    quantity: 1,
    type: 'market',
    timeInForce: 'day',
    reason: 'test',
    ...overrides,
  };
}

/** A position in ES 12-26 bought at 6000 with no P&L yet; a negative quantity is short. */
export function positionAt(ts: Micros, quantity = 1, account = 'SIM-50K'): Position {
  return { account, symbol: 'ES 12-26', ts, quantity, averagePrice: 6000, unrealizedPnl: 0, realizedPnl: 0 };
}

/** A working one-lot buy limit in ES 12-26 at 5950, as the order manager publishes it; override any field. */
export function orderAt(ts: Micros, overrides: Partial<Order> = {}): Order {
  return {
    clientOrderId: 'order-1',
    account: 'SIM-50K',
    symbol: 'ES 12-26',
    ts,
    side: 'buy',
    quantity: 1,
    filledQuantity: 0,
    type: 'limit',
    limitPrice: 5950,
    timeInForce: 'day',
    status: 'working',
    ...overrides,
  };
}
