import type { SessionEquity } from './mark-to-market.js';
import { returnStatistics } from './return-statistics.js';
import type { Statistic } from './statistic.js';

/** A calendar period's compounded return: Π(1 + rᵢ) − 1 over its sessions' returns. */
export interface PeriodReturn {
  /** `2024-03` for a month, `2024` for a year (of the session's trading date). */
  readonly period: string;
  readonly return: number;
  readonly sessions: number;
}

/** One point of a rolling window: the ratio over the `window` sessions ending at `endTs`. */
export interface RollingPoint {
  readonly endTs: number;
  readonly sharpe: Statistic;
  readonly volatility: Statistic;
}

export interface HistogramBin {
  readonly from: number;
  readonly to: number;
  readonly count: number;
}

/** Sessions in a rolling window: about three months of five-session weeks. */
export const ROLLING_WINDOW = 63;

function compounded(sessions: readonly SessionEquity[], keyOf: (date: string) => string): PeriodReturn[] {
  const periods = new Map<string, { growth: number; sessions: number }>();
  for (const session of sessions) {
    const key = keyOf(session.date);
    const entry = periods.get(key) ?? { growth: 1, sessions: 0 };
    entry.growth *= 1 + session.return;
    entry.sessions++;
    periods.set(key, entry);
  }
  return [...periods].map(([period, entry]) => ({
    period,
    return: entry.growth - 1,
    sessions: entry.sessions,
  }));
}

/** Each month's return, compounded from the session returns whose trading date falls in it. */
export const monthlyReturns = (sessions: readonly SessionEquity[]): PeriodReturn[] =>
  compounded(sessions, (date) => date.slice(0, 7));

/** Each year's return, compounded from its session returns. */
export const yearlyReturns = (sessions: readonly SessionEquity[]): PeriodReturn[] =>
  compounded(sessions, (date) => date.slice(0, 4));

/**
 * Sharpe and volatility over the last `window` sessions at each session, by the report's own
 * {@link returnStatistics} (same annualisation, same risk-free rate): missing until `window`
 * sessions exist.
 */
export function rollingRatios(
  sessions: readonly SessionEquity[],
  options: { sessionsPerYear: number; riskFreeRate: number; window?: number },
): RollingPoint[] {
  const window = options.window ?? ROLLING_WINDOW;
  const returns = sessions.map((s) => s.return);
  return sessions.map((session, i) => {
    const statistics = returnStatistics(returns.slice(Math.max(0, i + 1 - window), i + 1), {
      sessionsPerYear: options.sessionsPerYear,
      riskFreeRate: options.riskFreeRate,
      maxDrawdownPercent: 0,
      minSessions: window,
    });
    return { endTs: session.endTs, sharpe: statistics.sharpe, volatility: statistics.volatility };
  });
}

/**
 * The session returns in `bins` equal-width bins from the smallest to the largest (a value on an
 * inner edge goes to the upper bin, the largest to the last bin).
 */
export function returnHistogram(returns: readonly number[], bins = 30): HistogramBin[] {
  if (returns.length === 0) return [];
  const min = Math.min(...returns);
  const max = Math.max(...returns);
  const width = (max - min) / bins || 1;
  const counts = new Array<number>(bins).fill(0);
  for (const r of returns) {
    const bin = Math.min(bins - 1, Math.floor((r - min) / width));
    counts[bin] = (counts[bin] ?? 0) + 1;
  }
  return counts.map((count, i) => ({ from: min + i * width, to: min + (i + 1) * width, count }));
}
