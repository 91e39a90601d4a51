import type { MessageBus } from '../bus/bus.js';
import { TOPICS } from '../bus/topics.js';
import type { AccountState, RiskState } from '../core/events.js';
import { formatCount, formatMoney } from './format.js';

/** What the engine traded, per account, as seen on the bus: for the status line and the summary. */
export class TradingTally {
  private intents = 0;
  private denied = 0;
  private fills = 0;
  private readonly accounts = new Map<string, AccountState>();
  private readonly states = new Map<string, RiskState>();

  constructor(bus: MessageBus) {
    bus.observe(TOPICS.orderIntents).subscribe(() => this.intents++);
    bus.observe(TOPICS.orderDenials).subscribe(() => this.denied++);
    bus.observe(TOPICS.fills).subscribe(() => this.fills++);
    bus.observe(TOPICS.accounts).subscribe((account) => this.accounts.set(account.account, account));
    bus.observe(TOPICS.riskStates).subscribe((state) => this.states.set(state.account, state));
  }

  /** `orders 12 (denied 3) fills 20 | SIM-50K ACTIVE $50,210.00`, or '' before any trading. */
  line(): string {
    if (this.intents === 0 && this.accounts.size === 0) return '';
    const accounts = [...this.accounts.values()].map((account) => {
      const state = this.states.get(account.account)?.state ?? 'ACTIVE';
      return `${account.account} ${state} ${formatMoney(account.equity)}`;
    });
    return [
      `orders ${formatCount(this.intents)} (denied ${formatCount(this.denied)}) fills ${formatCount(this.fills)}`,
      ...accounts,
    ].join(' | ');
  }

  /** One line per account for the end-of-run summary. */
  summary(): string {
    const lines = [...this.accounts.values()].map((account) => {
      const state = this.states.get(account.account);
      return (
        `account ${account.account}: ${state?.state ?? 'ACTIVE'}${state && state.reasons.length > 0 ? ` (${state.reasons.join('; ')})` : ''}, ` +
        `balance ${formatMoney(account.balance)}, equity ${formatMoney(account.equity)}, realised today ${formatMoney(account.realizedPnlToday)}, health ${state?.health ?? 100}`
      );
    });
    return (
      [
        `trading: ${formatCount(this.intents)} order intents, ${formatCount(this.denied)} denied, ${formatCount(this.fills)} fills`,
        ...lines,
      ].join('\n') + '\n'
    );
  }
}
