import type { Position } from '../core/events.js';
import type { DecisionOutcome } from '../risk/risk-events.js';
import { formatDenials } from './denial-names.js';
import { formatCount, formatMoney } from './format.js';
import type { AccountTally, TradingSnapshot } from './trading-tally.js';

const OUTCOME_ORDER: readonly DecisionOutcome[] = [
  'approved',
  'denied',
  'proposed',
  'confirmed',
  'rejected',
  'expired',
];

/**
 * The trading part of the end-of-run summary: the intents and what the risk engine decided
 * (denials by reason), then every account the engine traded, with its state (a halt and its
 * reason included), balance, equity, P&L over the run and open positions.
 *
 * @example
 * trading: 83 order intents (approved 2, denied 81: stale 80, session closed 1), 2 fills
 * account SIM-50K: HALTED (manual: news), balance $49,975.00, equity $49,975.00, P&L -$25.00, realised today -$25.00, health 0, position flat
 */
export function formatRunSummary(snapshot: TradingSnapshot): string {
  const outcomes = OUTCOME_ORDER.filter((outcome) => (snapshot.outcomes.get(outcome) ?? 0) > 0).map(
    (outcome) =>
      outcome === 'denied'
        ? formatDenials(snapshot.denials)
        : `${outcome} ${formatCount(snapshot.outcomes.get(outcome) ?? 0)}`,
  );
  const head =
    `trading: ${formatCount(snapshot.intents)} order intents` +
    `${outcomes.length > 0 ? ` (${outcomes.join(', ')})` : ''}, ${formatCount(snapshot.fills)} fills`;
  return [head, ...snapshot.accounts.map(accountLine)].join('\n') + '\n';
}

function accountLine(account: AccountTally): string {
  const state = `${account.state}${account.reasons.length > 0 ? ` (${account.reasons.join('; ')})` : ''}`;
  const balances = account.balances;
  const money = balances
    ? `balance ${formatMoney(balances.balance)}, equity ${formatMoney(balances.equity)}, ` +
      `P&L ${formatMoney(balances.equity - (account.startingEquity ?? balances.equity))}, ` +
      `realised today ${formatMoney(balances.realizedPnlToday)}`
    : 'no balance reported';
  const positions =
    account.positions.length > 0
      ? `position ${account.positions.map(positionText).join('; ')}`
      : 'position flat';
  return `account ${account.id}: ${state}, ${money}, health ${Math.round(account.health)}, ${positions}`;
}

/** `ES 12-26 long 2 @ 6,000.25 (open -$25.00)`. */
function positionText(position: Position): string {
  const side = position.quantity > 0 ? 'long' : 'short';
  const price = position.averagePrice.toLocaleString('en-US', { maximumFractionDigits: 6 });
  return `${position.symbol} ${side} ${Math.abs(position.quantity)} @ ${price} (open ${formatMoney(position.unrealizedPnl)})`;
}
