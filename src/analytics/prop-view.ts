import type { Micros } from '../core/time.js';
import { AccountCompliance } from '../risk/account-compliance.js';
import type { RuleProfile } from '../risk/rule-profile.js';
import type { IntradayPoint } from './mark-to-market.js';
import type { PeakContracts } from './peak-contracts.js';

/**
 * An account's path as its prop firm counts it: the risk engine's own {@link AccountCompliance}
 * (trailing threshold on peak equity or on the end-of-day balance, freeze level, breach) replayed
 * over the marked-to-market path, so the report cannot disagree with the live rules.
 */
export interface PropView {
  readonly account: string;
  readonly profileId: string;
  /** The rules the profile lists (`trailingDrawdown`, `dailyLoss`, `maxContracts`, …). */
  readonly rules: readonly string[];
  readonly basis: 'peak-equity' | 'end-of-day-balance' | 'none';
  /** The trailing amount of the profile (dollars). */
  readonly amount: number | null;
  /** The threshold at the end of the path (equity at or below it fails the account). */
  readonly finalThreshold: number | null;
  readonly peak: number | null;
  readonly trailingStopped: boolean;
  /** The smallest equity − threshold seen, with when and at what levels. */
  readonly closestApproach: {
    readonly ts: Micros;
    readonly equity: number;
    readonly threshold: number;
    readonly distance: number;
  } | null;
  /** First instant equity touched the threshold; null when it never did. */
  readonly breachedAt: Micros | null;
  /** Trading days on which a hard daily-loss lock engaged. */
  readonly dailyLocks: number;
  /** The profile's daily loss limit (dollars), null without one. */
  readonly dailyLossLimit: number | null;
  /** The lowest equity − the trading day's starting balance seen, with when: the closest approach to the daily loss limit. */
  readonly worstDailyPnl: { readonly ts: Micros; readonly pnl: number } | null;
  /** Instants the rules moved the account out of ACTIVE, by the state they required (REDUCING, HALTED, …). */
  readonly stateChanges: Readonly<Record<string, number>>;
  /** The profile's contract limit (full-size contracts, before a scaling plan lowers it), null without one. */
  readonly contractLimit: number | null;
  /** The most contracts held at once (from the fills): the closest approach to the contract limit. */
  readonly peakContracts: PeakContracts | null;
}

export function propView(
  account: string,
  profile: RuleProfile,
  startingBalance: number,
  path: readonly IntradayPoint[],
  held: PeakContracts | null = null,
  currency = 'USD',
): PropView {
  const compliance = new AccountCompliance(account, profile, startingBalance);
  let closest: PropView['closestApproach'] = null;
  let breachedAt: Micros | null = null;
  let dailyLocks = 0;
  let lockedDay = Number.NaN;
  let worstDailyPnl: PropView['worstDailyPnl'] = null;
  const stateChanges: Record<string, number> = {};
  let state = 'ACTIVE';
  for (const point of path) {
    const status = compliance.updateAccount({
      account,
      ts: point.ts,
      currency,
      balance: point.balance,
      equity: point.equity,
      realizedPnlToday: 0,
      unrealizedPnl: point.equity - point.balance,
    });
    if (status.threshold !== undefined) {
      const distance = point.equity - status.threshold;
      if (!closest || distance < closest.distance)
        closest = { ts: point.ts, equity: point.equity, threshold: status.threshold, distance };
    }
    if (!worstDailyPnl || status.dailyPnl < worstDailyPnl.pnl)
      worstDailyPnl = { ts: point.ts, pnl: status.dailyPnl };
    if (status.state !== state && status.state !== 'ACTIVE')
      stateChanges[status.state] = (stateChanges[status.state] ?? 0) + 1;
    state = status.state;
    if (status.breached && breachedAt === null) breachedAt = point.ts;
    if (status.dailyLock === 'hard' && status.tradingDay !== lockedDay) {
      dailyLocks++;
      lockedDay = status.tradingDay;
    }
  }
  const trailing = profile.rules.trailingDrawdown;
  const final = compliance.status;
  return {
    account,
    profileId: profile.id,
    rules: Object.keys(profile.rules).filter(
      (rule) =>
        rule !== 'allowedInstrumentsSource' &&
        profile.rules[rule as keyof RuleProfile['rules']] !== undefined,
    ),
    basis: trailing?.basis ?? 'none',
    amount: trailing?.amount ?? null,
    finalThreshold: final.threshold ?? null,
    peak: final.peak ?? null,
    trailingStopped: final.trailingStopped,
    closestApproach: closest,
    breachedAt,
    dailyLocks,
    dailyLossLimit: profile.rules.dailyLoss?.amount ?? null,
    worstDailyPnl,
    stateChanges,
    contractLimit: profile.rules.maxContracts?.minis ?? null,
    peakContracts: held,
  };
}
