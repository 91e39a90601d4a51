import type { AccountState, OrderIntent, TradingState } from '../core/events.js';
import { parseDuration, type Micros } from '../core/time.js';
import { InstrumentCache, priceToTicks, moneyFromTicks } from '../core/money.js';
import type { AccountExposure } from './account-exposure.js';
import type { RuleProfile } from './rule-profile.js';
import type { DenialCode, OrderDenied } from './risk-events.js';
import {
  localParts,
  SessionCalendar,
  type SessionPhase,
  type SessionPosition,
} from '../core/session-calendar.js';

/** What the rules say about an account after the latest update. */
export interface ComplianceStatus {
  readonly ts: Micros;
  /** The state the rules alone require (a manual halt is layered on top by the risk engine). */
  readonly state: TradingState;
  /** Why the state is not ACTIVE, one line per rule. */
  readonly reasons: readonly string[];
  readonly balance: number;
  readonly equity: number;
  /** Equity at or below which the account fails; undefined without a trailing rule. */
  readonly threshold: number | undefined;
  /** The peak the threshold trails (peak equity or highest end-of-day balance). */
  readonly peak: number | undefined;
  /** True once the threshold has reached its final level and no longer moves. */
  readonly trailingStopped: boolean;
  /** Equity − the balance the trading day started with. */
  readonly dailyPnl: number;
  readonly dailyLock: 'none' | 'soft' | 'hard';
  /**
   * When a `liquidate` daily-loss lock lifts: the start of the next trading day (e.g. 17:00
   * Chicago, DST-correct); undefined without such a lock.
   */
  readonly dailyLockUntil: Micros | undefined;
  /** The trailing threshold was touched: the account has failed and stays HALTED. */
  readonly breached: boolean;
  /** Every position must be closed now (breach, hard daily loss, forced-flat time). */
  readonly flattenRequired: boolean;
  /** Contract limit in full-size contracts now (scaling plan and half size applied). */
  readonly contractLimit: number | undefined;
  readonly session: SessionPhase | 'always';
  /**
   * When the session in progress is flattened (`forcedFlat` − `flattenLeadSeconds`), for a timer
   * that must not wait for a tick; undefined outside an open session.
   */
  readonly flattenAt: Micros | undefined;
  readonly tradingDay: number;
  /** Balance − starting balance has reached the profile's profit target (consistency is checked then). */
  readonly profitTargetReached: boolean;
  /** 0 (about to breach) to 100 (far from every limit). */
  readonly health: number;
}

/** Best day against total profit, for the consistency rule. */
export interface ConsistencyReport {
  readonly totalProfit: number;
  readonly bestDay: number;
  /** bestDay / totalProfit; Infinity when there is no profit. */
  readonly bestDayShare: number;
  readonly maxBestDayShare: number;
  readonly passes: boolean;
  /** Total profit needed for the best day to fit the rule. */
  readonly profitNeeded: number;
  /** Profit per closed trading day (days since the epoch → P&L), today included. */
  readonly days: ReadonlyMap<number, number>;
}

const REJECT_WINDOW = parseDuration('15m');

/**
 * The rule state of an account that must survive a restart: where the trailing threshold is, the
 * peak it trails, the day's starting balance and the day results. Without it a restart would put
 * the threshold back at start − amount, lower than the firm's.
 */
export interface ComplianceSnapshot {
  readonly profileId: string;
  readonly profileVersion: number;
  readonly ts: Micros;
  readonly startingBalance: number;
  readonly balance: number;
  readonly peak: number;
  readonly threshold: number | null;
  readonly trailingStopped: boolean;
  readonly breached: boolean;
  readonly tradingDay: number | null;
  readonly dayStartBalance: number;
  readonly lastCloseBalance: number;
  readonly dailyLock: 'none' | 'soft' | 'hard';
  /** Closed trading days (days since the epoch) and their P&L. */
  readonly dayResults: readonly (readonly [number, number])[];
}

/**
 * Evaluates one account against a rule profile: trailing drawdown (peak equity or end-of-day),
 * daily loss, contract limits with scaling, trading hours with a forced-flat time, allowed
 * instruments, order rate and consistency. Call {@link updateAccount} on every account update
 * and {@link checkIntent} on every order intent; both are synchronous and allocation-light.
 *
 * The evaluator never throws for a rule reason: a refused intent is an {@link OrderDenied}.
 */
export class AccountCompliance {
  readonly account: string;
  readonly profile: RuleProfile;
  private start: number;
  private readonly calendar: SessionCalendar | undefined;
  private readonly instruments = new InstrumentCache();
  private readonly allowedRoots: ReadonlySet<string> | undefined;
  private readonly orderRateWindow: Micros;
  /** How long before `forcedFlat` the flatten is sent and entries stop. */
  private readonly flattenLead: Micros;
  private readonly orderTimes: Float64Array;
  private orderTimesNext = 0;

  private balance: number;
  private equity: number;
  private peak: number;
  private threshold: number | undefined;
  private trailingStopped = false;
  private breached = false;
  private tradingDay = Number.NaN;
  private phase: SessionPhase | 'always' = 'always';
  private dayStartBalance: number;
  private lastCloseBalance: number;
  private dailyLock: 'none' | 'soft' | 'hard' = 'none';
  private dailyLockUntil: Micros | undefined;
  private readonly dayResults = new Map<number, number>();
  private readonly rejectTimes: Micros[] = [];
  private lastTs: Micros = 0;
  /** A reason from outside the rules that holds the account in REDUCING (broker reconciliation). */
  private externalReducing: string | undefined;
  private current: ComplianceStatus;

  constructor(account: string, profile: RuleProfile, startingBalance = profile.account.startingBalance) {
    this.account = account;
    this.profile = profile;
    this.start = startingBalance;
    this.balance = startingBalance;
    this.equity = startingBalance;
    this.dayStartBalance = startingBalance;
    this.lastCloseBalance = startingBalance;
    this.peak = startingBalance;
    const { rules } = profile;
    if (rules.trailingDrawdown) {
      this.threshold = startingBalance - rules.trailingDrawdown.amount;
      this.trailingStopped = this.threshold >= this.freezeLevel();
    }
    this.calendar = rules.tradingHours ? new SessionCalendar(rules.tradingHours) : undefined;
    this.flattenLead = (rules.tradingHours?.flattenLeadSeconds ?? 0) * 1_000_000;
    this.allowedRoots = rules.allowedInstruments ? new Set(rules.allowedInstruments) : undefined;
    this.orderRateWindow = rules.orderRate ? parseDuration(rules.orderRate.per) : 0;
    this.orderTimes = new Float64Array(rules.orderRate?.maxOrders ?? 0).fill(Number.NEGATIVE_INFINITY);
    this.current = this.evaluate(0);
  }

  /** The state to persist (see {@link ComplianceSnapshot}). */
  snapshot(): ComplianceSnapshot {
    return {
      profileId: this.profile.id,
      profileVersion: this.profile.version,
      ts: this.lastTs,
      startingBalance: this.start,
      balance: this.balance,
      peak: this.peak,
      threshold: this.threshold ?? null,
      trailingStopped: this.trailingStopped,
      breached: this.breached,
      tradingDay: Number.isNaN(this.tradingDay) ? null : this.tradingDay,
      dayStartBalance: this.dayStartBalance,
      lastCloseBalance: this.lastCloseBalance,
      dailyLock: this.dailyLock,
      dayResults: [...this.dayResults],
    };
  }

  /**
   * Continues from a persisted snapshot of the same profile id (a different profile starts
   * afresh: returns false). The threshold is never below the restored starting balance − amount
   * (the start a restart after a breach set, not the one this was built with).
   */
  restore(snapshot: ComplianceSnapshot): boolean {
    if (snapshot.profileId !== this.profile.id) return false;
    this.start = snapshot.startingBalance;
    this.balance = snapshot.balance;
    this.equity = snapshot.balance;
    this.peak = snapshot.peak;
    const trailing = this.profile.rules.trailingDrawdown;
    this.threshold = trailing ? this.start - trailing.amount : undefined;
    if (snapshot.threshold !== null && this.threshold !== undefined)
      this.threshold = Math.max(this.threshold, snapshot.threshold);
    this.trailingStopped = snapshot.trailingStopped;
    this.breached = snapshot.breached;
    this.tradingDay = snapshot.tradingDay ?? Number.NaN;
    this.dayStartBalance = snapshot.dayStartBalance;
    this.lastCloseBalance = snapshot.lastCloseBalance;
    this.dailyLock = snapshot.dailyLock;
    this.dailyLockUntil =
      snapshot.dailyLock === 'hard' && this.profile.rules.dailyLoss?.mode === 'liquidate'
        ? this.nextTradingDayStart(snapshot.ts)
        : undefined;
    this.dayResults.clear();
    for (const [day, pnl] of snapshot.dayResults) this.dayResults.set(day, pnl);
    this.lastTs = snapshot.ts;
    // The session phase at the snapshot's time, not the 'always' of an account never updated.
    if (this.calendar) this.phase = this.phaseOf(this.calendar.at(snapshot.ts), snapshot.ts);
    this.current = this.evaluate(snapshot.ts);
    return true;
  }

  /** The balance the rules measure profit and the trailing threshold from. */
  get startingBalance(): number {
    return this.start;
  }

  /**
   * Starts the rules afresh from the current balance, as a firm does when it resets a failed
   * account: the breach, the daily lock and the day results are cleared, and the trailing
   * threshold starts again at balance − amount.
   */
  restart(ts: Micros): ComplianceStatus {
    this.start = this.balance;
    this.equity = this.balance;
    this.peak = this.balance;
    this.dayStartBalance = this.balance;
    this.lastCloseBalance = this.balance;
    this.breached = false;
    this.dailyLock = 'none';
    this.dailyLockUntil = undefined;
    this.dayResults.clear();
    this.rejectTimes.length = 0;
    const trailing = this.profile.rules.trailingDrawdown;
    this.trailingStopped = false;
    this.threshold = trailing ? this.balance - trailing.amount : undefined;
    if (this.threshold !== undefined) this.trailingStopped = this.threshold >= this.freezeLevel();
    this.current = this.evaluate(ts);
    return this.current;
  }

  /**
   * Holds the account in REDUCING for a reason from outside the profile (a broker's positions
   * disagree with the engine's), until called again with undefined.
   */
  holdReducing(reason: string | undefined, ts: Micros): ComplianceStatus {
    this.externalReducing = reason;
    this.current = this.evaluate(ts);
    return this.current;
  }

  /** The latest status. */
  get status(): ComplianceStatus {
    return this.current;
  }

  /** Applies an account update (balance, equity) and re-evaluates every rule. */
  updateAccount(state: AccountState): ComplianceStatus {
    this.roll(state.ts);
    this.balance = state.balance;
    this.equity = state.equity;
    const trailing = this.profile.rules.trailingDrawdown;
    if (trailing?.basis === 'peak-equity' && state.equity > this.peak) {
      this.peak = state.equity;
      this.raiseThreshold(this.peak - trailing.amount);
    }
    // At the latest time seen (roll keeps it): a delayed update must not date a lock from its stamp.
    this.current = this.evaluate(this.lastTs);
    return this.current;
  }

  /** Moves time forward without a balance change (session roll, forced-flat time). */
  advanceTime(ts: Micros): ComplianceStatus {
    const before = this.current;
    this.roll(ts);
    // Stryker disable next-line StringLiteral: without a calendar tradingDay is NaN and NaN !== NaN, so it is evaluated anyway
    const phase = this.calendar ? this.phaseOf(this.calendar.at(ts), ts) : 'always';
    if (phase !== before.session || this.tradingDay !== before.tradingDay) this.current = this.evaluate(ts);
    return this.current;
  }

  /**
   * Checks an order intent against the rules; undefined when it may go on. `exposure` is the
   * account's positions and live orders; `referencePrice` the last price of the symbol, used for
   * the loss-at-stop check of market orders (skipped when unknown).
   */
  checkIntent(
    intent: OrderIntent,
    exposure: AccountExposure,
    referencePrice?: number,
  ): OrderDenied | undefined {
    const status = this.advanceTime(intent.ts);
    const deny = (code: DenialCode, reason: string, numbers: Record<string, number> = {}): OrderDenied => {
      this.recordReject(intent.ts);
      return {
        ts: intent.ts,
        intentId: intent.id,
        account: intent.account,
        symbol: intent.symbol,
        code,
        reason,
        numbers,
      };
    };
    if (status.state === 'HALTED') return deny('HALTED', `account is HALTED: ${status.reasons.join('; ')}`);
    if (!(intent.quantity > 0) || !Number.isInteger(intent.quantity)) {
      return deny('INVALID_QUANTITY', `quantity must be a positive whole number`, {
        requested: intent.quantity,
      });
    }
    const instrument = this.instruments.get(intent.symbol);
    if (!instrument) return deny('UNKNOWN_INSTRUMENT', `'${intent.symbol}' is not a known instrument`);
    if (this.allowedRoots && !this.allowedRoots.has(instrument.root)) {
      return deny(
        'INSTRUMENT_NOT_ALLOWED',
        `${instrument.root} is not allowed by profile ${this.profile.id}`,
      );
    }
    const priceProblem = priceProblemOf(intent, instrument.tickSize, referencePrice);
    if (priceProblem) return deny('INVALID_PRICE', priceProblem.reason, priceProblem.numbers);
    const rate = this.profile.rules.orderRate;
    if (rate) {
      const oldest = this.orderTimes[this.orderTimesNext] as number;
      if (intent.ts - oldest < this.orderRateWindow) {
        return deny('ORDER_RATE', `more than ${rate.maxOrders} orders per ${rate.per}`, {
          limit: rate.maxOrders,
          windowMicros: this.orderRateWindow,
        });
      }
    }
    const position = exposure.position(intent.symbol);
    const signed = intent.side === 'buy' ? intent.quantity : -intent.quantity;
    // Opposite signs (a flat position reduces nothing: -Math.sign(0) is never ±1), at most the position.
    const reduces =
      Math.sign(signed) === -Math.sign(position) &&
      intent.quantity <= Math.abs(position) &&
      intent.stopLoss === undefined &&
      intent.takeProfit === undefined;
    if (!reduces) {
      if (status.session === 'flat-window' || status.session === 'closed') {
        return deny(
          'OUTSIDE_TRADING_HOURS',
          `the session is ${status.session}: only orders that reduce a position`,
          {
            position,
          },
        );
      }
      if (status.state === 'REDUCING') {
        return deny(
          'REDUCING_ONLY',
          `account is REDUCING (${status.reasons.join('; ')}): only orders that reduce a position`,
          {
            position,
            requested: signed,
          },
        );
      }
      const denial =
        this.checkContracts(intent, exposure, status) ?? this.checkLossAtStop(intent, status, referencePrice);
      if (denial) return deny(denial.code, denial.reason, denial.numbers);
    }
    // Stryker disable next-line ConditionalExpression: without an order-rate rule orderTimes is empty: the write is dropped and the index never read
    if (rate) {
      this.orderTimes[this.orderTimesNext] = intent.ts;
      this.orderTimesNext = (this.orderTimesNext + 1) % this.orderTimes.length;
    }
    return undefined;
  }

  /** Best day against total profit over every trading day so far (today included). */
  consistency(): ConsistencyReport | undefined {
    const rule = this.profile.rules.consistency;
    if (!rule) return undefined;
    const days = new Map(this.dayResults);
    const today = this.balance - this.dayStartBalance;
    if (today !== 0 && !Number.isNaN(this.tradingDay))
      days.set(this.tradingDay, (days.get(this.tradingDay) ?? 0) + today);
    let bestDay = 0;
    // Stryker disable next-line EqualityOperator: a day equal to the best so far sets the same best (a -0 day cannot be saved: JSON writes it as 0)
    for (const pnl of days.values()) if (pnl > bestDay) bestDay = pnl;
    const totalProfit = this.balance - this.start;
    const bestDayShare = totalProfit > 0 ? bestDay / totalProfit : Number.POSITIVE_INFINITY;
    const profitNeeded = Math.ceil((bestDay / rule.maxBestDayShare) * 100) / 100;
    return {
      totalProfit,
      bestDay,
      bestDayShare,
      maxBestDayShare: rule.maxBestDayShare,
      // Without profit the share is Infinity, which fails either way.
      passes:
        rule.exactSharePasses === false
          ? bestDayShare < rule.maxBestDayShare - 1e-12
          : bestDayShare <= rule.maxBestDayShare + 1e-12,
      profitNeeded,
      days,
    };
  }

  /** Records a rejected order (broker or risk) for the health score. */
  recordReject(ts: Micros): void {
    this.rejectTimes.push(ts);
    if (this.rejectTimes.length > 64) this.rejectTimes.shift();
  }

  /** The contract limit in full-size contracts now, undefined without a max-contracts rule. */
  contractLimit(): number | undefined {
    const { maxContracts, scalingPlan } = this.profile.rules;
    if (!maxContracts) return undefined;
    let limit = maxContracts.minis;
    if (scalingPlan) {
      const profit = (scalingPlan.basis === 'balance' ? this.balance : this.lastCloseBalance) - this.start;
      let step = scalingPlan.steps[0]?.minis ?? limit;
      for (const candidate of scalingPlan.steps) if (profit >= candidate.fromProfit) step = candidate.minis;
      limit = Math.min(limit, step);
    }
    if (maxContracts.halfUntilTrailingStops && this.profile.rules.trailingDrawdown && !this.trailingStopped) {
      limit = Math.floor(limit / 2);
    }
    return limit;
  }

  private freezeLevel(): number {
    const trailing = this.profile.rules.trailingDrawdown;
    return trailing ? this.start + trailing.stopsTrailingAtProfit : Number.POSITIVE_INFINITY;
  }

  /** Moves the threshold up (never down), stopping at the freeze level. */
  private raiseThreshold(candidate: number): void {
    if (this.threshold === undefined || this.trailingStopped) return;
    const freeze = this.freezeLevel();
    const next = Math.min(candidate, freeze);
    // Stryker disable next-line EqualityOperator: with >=, an equal next assigns the threshold its own value (the other variant, <=, lowers it and is killed)
    if (next > this.threshold) this.threshold = next;
    if (this.threshold >= freeze) this.trailingStopped = true;
  }

  /** Crosses into a new trading day: closes the last one (end-of-day trailing, results, locks). */
  private roll(ts: Micros): void {
    // Time never goes backwards for the rules: an older message is evaluated at the latest time.
    if (ts < this.lastTs) return;
    this.lastTs = ts;
    if (!this.calendar) return;
    const position = this.calendar.at(ts);
    this.phase = this.phaseOf(position, ts);
    if (position.tradingDay === this.tradingDay) return;
    if (!Number.isNaN(this.tradingDay)) this.closeDay();
    this.tradingDay = position.tradingDay;
  }

  private closeDay(): void {
    const closeBalance = this.balance;
    const pnl = closeBalance - this.dayStartBalance;
    if (pnl !== 0) this.dayResults.set(this.tradingDay, (this.dayResults.get(this.tradingDay) ?? 0) + pnl);
    const trailing = this.profile.rules.trailingDrawdown;
    if (trailing?.basis === 'end-of-day-balance' && closeBalance > this.peak) {
      this.peak = closeBalance;
      this.raiseThreshold(this.peak - trailing.amount);
    }
    this.lastCloseBalance = closeBalance;
    this.dayStartBalance = closeBalance;
    this.dailyLock = 'none';
    this.dailyLockUntil = undefined;
  }

  /**
   * The calendar's phase with the profile's flatten lead: the last `flattenLeadSeconds` of a
   * session already count as the flat window, so the account is flat by `forcedFlat`.
   */
  private phaseOf(position: SessionPosition, ts: Micros): SessionPhase {
    return position.phase === 'open' && position.until - ts <= this.flattenLead
      ? 'flat-window'
      : position.phase;
  }

  /**
   * The first instant after `ts` at which the session is open on a later trading day than the
   * one at `ts` (the calendar's open time, so DST-correct; a Friday lock lifts at Sunday's open).
   */
  private nextTradingDayStart(ts: Micros): Micros | undefined {
    const hours = this.profile.rules.tradingHours;
    if (!hours) return undefined;
    // A calendar of its own, so the lookup ahead does not move the shared one's cache.
    const calendar = new SessionCalendar(hours);
    let position = calendar.at(ts);
    const today = position.tradingDay;
    // At most two boundaries a day (open, forced flat), and the next open of a later trading day is
    // at most a week away (two when a DST gap swallows a short session): 32 steps always reach it.
    // Stryker disable next-line EqualityOperator,UpdateOperator: the loop returns before its bound (property in test/risk/compliance-evaluation.test.ts: within 24 boundaries), so a 33rd step or an unbounded loop never runs
    for (let step = 0; step < 32; step++) {
      const next = position.until;
      position = calendar.at(next);
      if (position.phase === 'open' && position.tradingDay !== today) return next;
    }
    return undefined;
  }

  private evaluate(ts: Micros): ComplianceStatus {
    const { rules } = this.profile;
    const reasons: string[] = [];
    let state: TradingState = 'ACTIVE';
    const escalate = (to: TradingState, reason: string): void => {
      reasons.push(reason);
      if (to === 'HALTED' || state === 'ACTIVE') state = to;
    };
    const threshold = this.threshold;
    if (threshold !== undefined && this.equity <= threshold) this.breached = true;
    if (this.breached) {
      escalate(
        'HALTED',
        `trailing drawdown breached: equity ${this.equity} at or below threshold ${threshold}`,
      );
    } else if (threshold !== undefined && rules.trailingDrawdown?.reducingWithin !== undefined) {
      const room = this.equity - threshold;
      if (room <= rules.trailingDrawdown.reducingWithin) {
        escalate(
          'REDUCING',
          `within ${rules.trailingDrawdown.reducingWithin} of the trailing threshold (room ${room})`,
        );
      }
    }
    const dailyPnl = this.equity - this.dayStartBalance;
    if (rules.dailyLoss) {
      if (dailyPnl <= -rules.dailyLoss.amount && this.dailyLock === 'none') {
        this.dailyLock = rules.dailyLoss.mode === 'soft' ? 'soft' : 'hard';
        if (rules.dailyLoss.mode === 'liquidate') this.dailyLockUntil = this.nextTradingDayStart(ts);
      }
      // Only a liquidate lock has a lift time (it is set with the hard lock and cleared with it).
      if (this.dailyLockUntil !== undefined) {
        escalate(
          'HALTED',
          `daily loss limit ${rules.dailyLoss.amount} reached: liquidated, no new orders until ${this.localTime(this.dailyLockUntil)} (next trading day)`,
        );
      } else if (this.dailyLock === 'hard') {
        escalate(
          'HALTED',
          `daily loss limit ${rules.dailyLoss.amount} reached: locked until the next session`,
        );
      } else if (this.dailyLock === 'soft') {
        escalate(
          'REDUCING',
          `daily loss limit ${rules.dailyLoss.amount} reached: no new entries until the next session`,
        );
      } else if (
        rules.dailyLoss.reducingWithin !== undefined &&
        dailyPnl <= -(rules.dailyLoss.amount - rules.dailyLoss.reducingWithin)
      ) {
        escalate(
          'REDUCING',
          `within ${rules.dailyLoss.reducingWithin} of the daily loss limit (day ${dailyPnl})`,
        );
      }
    }
    if (this.externalReducing !== undefined) escalate('REDUCING', this.externalReducing);
    const session = this.calendar ? this.phase : 'always';
    const outsideHours = session === 'flat-window' || session === 'closed';
    if (outsideHours) escalate('REDUCING', `outside trading hours (${session})`);
    const flattenRequired = this.breached || this.dailyLock === 'hard' || outsideHours;
    return {
      ts,
      state,
      reasons,
      balance: this.balance,
      equity: this.equity,
      threshold,
      peak: threshold === undefined ? undefined : this.peak,
      trailingStopped: this.trailingStopped,
      dailyPnl,
      dailyLock: this.dailyLock,
      dailyLockUntil: this.dailyLockUntil,
      breached: this.breached,
      flattenRequired,
      contractLimit: this.contractLimit(),
      session,
      // From the instant the session phase was found at (the latest time seen), not `ts`: a delayed
      // update must not give the flatten time of the session it was stamped in.
      flattenAt:
        this.calendar && session === 'open'
          ? this.calendar.at(this.lastTs).until - this.flattenLead
          : undefined,
      tradingDay: this.tradingDay,
      profitTargetReached:
        this.profile.account.profitTarget !== undefined &&
        this.balance - this.start >= this.profile.account.profitTarget,
      health: this.health(state, threshold, dailyPnl, ts),
    };
  }

  /** `2026-11-24 17:00 America/Chicago`: an instant as the profile's traders read it. */
  private localTime(ts: Micros): string {
    // Stryker disable next-line StringLiteral: localTime is only called with a lift time, which exists only with trading hours (nextTradingDayStart), so the fallback zone is never used
    const zone = this.profile.rules.tradingHours?.timeZone ?? 'UTC';
    const { day, minute } = localParts(ts, zone);
    const date = new Date(day * 86_400_000).toISOString().slice(0, 10);
    const hhmm = `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    return `${date} ${hhmm} ${zone}`;
  }

  /**
   * Health 0–100: the smaller of the drawdown room and the daily-loss room (each as a share of
   * its limit), less 5 points per rejected order in the last 15 minutes (at most 30); 0 when HALTED.
   */
  private health(state: TradingState, threshold: number | undefined, dailyPnl: number, ts: Micros): number {
    if (state === 'HALTED') return 0;
    const { rules } = this.profile;
    let room = 1;
    if (threshold !== undefined && rules.trailingDrawdown) {
      const { amount } = rules.trailingDrawdown;
      // Stryker disable next-line ConditionalExpression,EqualityOperator: with an amount of 0, equity at or below the threshold is a breach (HALTED, health 0, returned above), so here equity − threshold > 0 and the share is +Infinity, which Math.min ignores just as the guard does
      if (amount > 0) room = Math.min(room, (this.equity - threshold) / amount);
    }
    if (rules.dailyLoss && rules.dailyLoss.amount > 0) {
      room = Math.min(room, (rules.dailyLoss.amount + dailyPnl) / rules.dailyLoss.amount);
    }
    let recent = 0;
    for (const rejected of this.rejectTimes) if (ts - rejected < REJECT_WINDOW) recent++;
    const score = Math.round(100 * Math.max(0, Math.min(1, room))) - Math.min(30, recent * 5);
    return Math.max(0, Math.min(100, state === 'REDUCING' ? Math.min(score, 50) : score));
  }

  private checkContracts(
    intent: OrderIntent,
    exposure: AccountExposure,
    status: ComplianceStatus,
  ): { code: DenialCode; reason: string; numbers: Record<string, number> } | undefined {
    const rule = this.profile.rules.maxContracts;
    const limit = status.contractLimit;
    if (!rule || limit === undefined) return undefined;
    const extraBuy = intent.side === 'buy' ? intent.quantity : 0;
    const extraSell = intent.side === 'sell' ? intent.quantity : 0;
    let current = 0;
    let projected = 0;
    let seen = false;
    for (const symbol of exposure.symbols()) {
      const weight = this.weight(symbol, rule.microsPerMini);
      const worst = exposure.worstCase(symbol);
      current += weight * worst;
      if (symbol === intent.symbol) {
        seen = true;
        projected += weight * exposure.worstCase(symbol, extraBuy, extraSell);
      } else projected += weight * worst;
    }
    if (!seen) projected += this.weight(intent.symbol, rule.microsPerMini) * intent.quantity;
    const limitUnits = limit * rule.microsPerMini;
    if (projected <= limitUnits || projected <= current) return undefined;
    return {
      code: 'CONTRACT_LIMIT',
      reason: `would hold ${projected / rule.microsPerMini} full-size contracts (micros at ${rule.microsPerMini}:1), limit ${limit}`,
      numbers: {
        limitMinis: limit,
        projectedMinis: projected / rule.microsPerMini,
        currentMinis: current / rule.microsPerMini,
        requested: intent.quantity,
      },
    };
  }

  /** Worst-case open exposure in full-size contracts (micros at the profile's ratio); 0 without a contract rule. */
  openMinis(exposure: AccountExposure): number {
    const rule = this.profile.rules.maxContracts;
    if (!rule) return 0;
    let units = 0;
    for (const symbol of exposure.symbols())
      units += this.weight(symbol, rule.microsPerMini) * exposure.worstCase(symbol);
    return units / rule.microsPerMini;
  }

  /** Exposure weight of one contract of `symbol` in micro units: a micro is 1, a full-size contract `microsPerMini`. */
  private weight(symbol: string, microsPerMini: number): number {
    return this.instruments.get(symbol)?.microOf ? 1 : microsPerMini;
  }

  private checkLossAtStop(
    intent: OrderIntent,
    status: ComplianceStatus,
    referencePrice: number | undefined,
  ): { code: DenialCode; reason: string; numbers: Record<string, number> } | undefined {
    if (intent.stopLoss === undefined) return undefined;
    const instrument = this.instruments.get(intent.symbol);
    const entry = intent.limitPrice ?? intent.stopPrice ?? referencePrice;
    if (!instrument || entry === undefined) return undefined;
    const ticks = Math.abs(
      priceToTicks(entry, instrument.tickSize) - priceToTicks(intent.stopLoss, instrument.tickSize),
    );
    const lossAtStop = moneyFromTicks(ticks * intent.quantity, instrument.tickValue);
    if (status.threshold !== undefined) {
      const room = status.equity - status.threshold;
      if (lossAtStop >= room) {
        return {
          code: 'DRAWDOWN_ROOM',
          reason: `loss at the stop ${lossAtStop} would reach the trailing threshold (room ${room})`,
          numbers: { lossAtStop, room, threshold: status.threshold, equity: status.equity },
        };
      }
    }
    const daily = this.profile.rules.dailyLoss;
    if (daily) {
      const room = daily.amount + status.dailyPnl;
      if (lossAtStop >= room) {
        return {
          code: 'DAILY_LOSS_ROOM',
          reason: `loss at the stop ${lossAtStop} would reach the daily loss limit (room ${room})`,
          numbers: { lossAtStop, room, dailyLimit: daily.amount, dailyPnl: status.dailyPnl },
        };
      }
    }
    return undefined;
  }
}

/**
 * What is wrong with an intent's prices, or undefined: a limit/stop order needs its price, every
 * price must be finite, at least one tick and on the tick grid, and a bracket's stop must be on
 * the losing side of the entry and its target on the winning side.
 */
function priceProblemOf(
  intent: OrderIntent,
  tickSize: number,
  referencePrice: number | undefined,
): { reason: string; numbers: Record<string, number> } | undefined {
  if ((intent.type === 'limit' || intent.type === 'stop-limit') && intent.limitPrice === undefined) {
    return { reason: `a ${intent.type} order needs a limit price`, numbers: {} };
  }
  if ((intent.type === 'stop' || intent.type === 'stop-limit') && intent.stopPrice === undefined) {
    return { reason: `a ${intent.type} order needs a stop price`, numbers: {} };
  }
  const prices: [string, number | undefined][] = [
    ['limitPrice', intent.limitPrice],
    ['stopPrice', intent.stopPrice],
    ['stopLoss', intent.stopLoss],
    ['takeProfit', intent.takeProfit],
  ];
  for (const [name, price] of prices) {
    if (price === undefined) continue;
    const ticks = price / tickSize;
    // At least one whole tick: a price within float noise of 0 (1e-6 of a tick) is a price of 0.
    if (!Number.isFinite(ticks) || Math.round(ticks) < 1) {
      return {
        reason: `${name} ${price} must be a finite price of at least one tick (${tickSize})`,
        numbers: {},
      };
    }
    // Stryker disable next-line EqualityOperator: the difference is exactly 1e-6 only at 0 ticks (refused above); from 1 tick on, ticks − round(ticks) is an exact multiple of 2^-53 and the double 1e-6 is not
    if (Math.abs(ticks - Math.round(ticks)) > 1e-6) {
      return {
        reason: `${name} ${price} is not on the ${tickSize} tick grid`,
        numbers: { [name]: price, tickSize },
      };
    }
  }
  const entry = intent.limitPrice ?? intent.stopPrice ?? referencePrice;
  if (entry === undefined) return undefined;
  const long = intent.side === 'buy';
  if (intent.stopLoss !== undefined && (long ? intent.stopLoss >= entry : intent.stopLoss <= entry)) {
    return {
      reason: `the stop loss ${intent.stopLoss} is not on the losing side of the entry ${entry}`,
      numbers: { stopLoss: intent.stopLoss, entry },
    };
  }
  if (intent.takeProfit !== undefined && (long ? intent.takeProfit <= entry : intent.takeProfit >= entry)) {
    return {
      reason: `the take profit ${intent.takeProfit} is not on the winning side of the entry ${entry}`,
      numbers: { takeProfit: intent.takeProfit, entry },
    };
  }
  return undefined;
}
