import type { MessageBus } from '../bus/bus.js';
import { TOPICS } from '../bus/topics.js';
import type { AccountState, Position, RiskState, TradingState } from '../core/events.js';
import type { DecisionOutcome } from '../risk/risk-events.js';
import type { TradingHandle } from '../trading.js';
import { formatDenials } from './denial-names.js';
import { formatCount, formatMoney } from './format.js';

/** What the engine knows of an account when the tally starts (the bus only tells what changes later). */
export interface TallySeed {
  accounts(): readonly string[];
  riskState(account: string): RiskState | undefined;
  accountState(account: string): AccountState | undefined;
  positions(account: string): readonly Position[];
}

/** One account as the tally last saw it. */
export interface AccountTally {
  readonly id: string;
  readonly state: TradingState;
  readonly reasons: readonly string[];
  readonly health: number;
  /** The latest balances; undefined until the broker reported any. */
  readonly balances: AccountState | undefined;
  /** Equity when the tally first saw the account's balances: P&L is measured from it. */
  readonly startingEquity: number | undefined;
  /** Positions that are not flat. */
  readonly positions: readonly Position[];
}

/** Everything the status line and the run summary show about trading. */
export interface TradingSnapshot {
  readonly intents: number;
  readonly fills: number;
  /** Decisions per outcome. */
  readonly outcomes: ReadonlyMap<DecisionOutcome, number>;
  /** Denials per denial code. */
  readonly denials: ReadonlyMap<string, number>;
  readonly accounts: readonly AccountTally[];
}

interface MutableAccount {
  state: RiskState | undefined;
  balances: AccountState | undefined;
  startingEquity: number | undefined;
  readonly positions: Map<string, Position>;
}

/** The tally's view of what the engine trades now: its accounts, with their state and balances. */
export function tallySeedOf(trading: TradingHandle, now: () => number): TallySeed {
  const paper = new Set(trading.paper.accounts());
  return {
    accounts: () => trading.accounts(),
    riskState: (account) => trading.riskState(account),
    accountState: (account) => (paper.has(account) ? trading.paper.accountState(account, now()) : undefined),
    positions: (account) => (paper.has(account) ? trading.paper.positions(account) : []),
  };
}

/**
 * What the engine traded, per account, as seen on the bus: for the status line and the summary.
 * Seeded (`seed`) with every account the engine trades, so each one shows, with its state (a halt
 * included), before its broker reports anything.
 */
export class TradingTally {
  private intents = 0;
  private fills = 0;
  private readonly outcomes = new Map<DecisionOutcome, number>();
  private readonly denials = new Map<string, number>();
  private readonly accounts = new Map<string, MutableAccount>();

  constructor(bus: MessageBus) {
    bus.observe(TOPICS.orderIntents).subscribe(() => this.intents++);
    bus.observe(TOPICS.fills).subscribe(() => this.fills++);
    bus.observe(TOPICS.riskDecisions).subscribe((decision) => {
      this.outcomes.set(decision.outcome, (this.outcomes.get(decision.outcome) ?? 0) + 1);
      if (decision.outcome === 'denied') {
        const code = decision.code ?? 'UNKNOWN';
        this.denials.set(code, (this.denials.get(code) ?? 0) + 1);
      }
    });
    bus.observe(TOPICS.accounts).subscribe((state) => this.applyBalances(this.account(state.account), state));
    bus.observe(TOPICS.riskStates).subscribe((state) => (this.account(state.account).state = state));
    bus
      .observe(TOPICS.positions)
      .subscribe((position) => this.account(position.account).positions.set(position.symbol, position));
  }

  /**
   * Adds every account the engine trades with what the engine knows of it now, keeping whatever
   * the bus has already told: the bus only tells what changes later.
   */
  seed(seed: TallySeed): this {
    for (const id of seed.accounts()) {
      const account = this.account(id);
      account.state ??= seed.riskState(id);
      const balances = seed.accountState(id);
      if (balances && !account.balances) this.applyBalances(account, balances);
      for (const position of seed.positions(id))
        if (!account.positions.has(position.symbol)) account.positions.set(position.symbol, position);
    }
    return this;
  }

  /**
   * Takes the positions the engine holds now, marked to the last price: position events come
   * only with fills, so their open P&L is the one at the fill. For the final summary.
   */
  refreshPositions(seed: TallySeed): this {
    for (const id of seed.accounts()) {
      const account = this.account(id);
      for (const position of seed.positions(id)) account.positions.set(position.symbol, position);
    }
    return this;
  }

  snapshot(): TradingSnapshot {
    return {
      intents: this.intents,
      fills: this.fills,
      outcomes: new Map(this.outcomes),
      denials: new Map(this.denials),
      accounts: [...this.accounts].map(([id, account]) => ({
        id,
        state: account.state?.state ?? 'ACTIVE',
        reasons: account.state?.reasons ?? [],
        health: account.state?.health ?? 100,
        balances: account.balances,
        startingEquity: account.startingEquity,
        positions: [...account.positions.values()].filter((position) => position.quantity !== 0),
      })),
    };
  }

  /** The trading part of the status line (see {@link formatTradingStatus}). */
  line(): string {
    return formatTradingStatus(this.snapshot());
  }

  private account(id: string): MutableAccount {
    let account = this.accounts.get(id);
    if (!account) {
      account = { state: undefined, balances: undefined, startingEquity: undefined, positions: new Map() };
      this.accounts.set(id, account);
    }
    return account;
  }

  private applyBalances(account: MutableAccount, balances: AccountState): void {
    account.balances = balances;
    account.startingEquity ??= balances.equity;
  }
}

/**
 * `orders 83 (denied 81: stale 80, session closed 1) fills 2 | SIM-50K HALTED $49,975.00`: intents,
 * denials by reason, fills, then each account with its trading state and equity; '' when there is
 * neither an intent nor an account.
 */
export function formatTradingStatus(snapshot: TradingSnapshot): string {
  if (snapshot.intents === 0 && snapshot.accounts.length === 0) return '';
  const accounts = snapshot.accounts.map(
    (account) =>
      `${account.id} ${account.state} ${account.balances ? formatMoney(account.balances.equity) : 'no balance yet'}`,
  );
  return [
    `orders ${formatCount(snapshot.intents)} (${formatDenials(snapshot.denials)}) fills ${formatCount(snapshot.fills)}`,
    ...accounts,
  ].join(' | ');
}
