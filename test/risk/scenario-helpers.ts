import type { AccountState, OrderIntent } from '../../src/core/events.js';
import { microsFromIso, type Micros } from '../../src/core/time.js';

/** An account update with no open position (equity = balance) unless `equity` is given. */
export function accountAt(iso: string, balance: number, equity = balance, account = 'SIM-50K'): AccountState {
  return {
    account,
    ts: microsFromIso(iso),
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
