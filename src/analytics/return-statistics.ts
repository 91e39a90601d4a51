import { MIN_SESSIONS, missing, valueOf, type Statistic } from './statistic.js';

export interface ReturnStatisticsOptions {
  /** Observations per year, for annualising (the session calendar's: 260.9 for five sessions a week). */
  readonly sessionsPerYear: number;
  /** Annual risk-free rate as a fraction (0.04 = 4 %); default 0. */
  readonly riskFreeRate?: number;
  /** Largest end-of-day marked-to-market drawdown as a fraction of the peak, for Calmar. */
  readonly maxDrawdownPercent: number;
  /** Fewest sessions for a ratio (default {@link MIN_SESSIONS}). */
  readonly minSessions?: number;
}

/**
 * Statistics of the per-session return series r₁…rₙ (rᵢ = session P&L / equity at the session's
 * start, every session, flat ones as 0). N = sessions per year, rf the risk-free rate per session
 * = (1 + annual rate)^(1/N) − 1, xᵢ = rᵢ − rf. Every figure but `totalReturn` is missing under
 * `minSessions` sessions.
 */
export interface ReturnStatistics {
  readonly sessions: number;
  readonly sessionsPerYear: number;
  readonly riskFreeRate: number;
  /** Π(1 + rᵢ) − 1 = last equity / first start equity − 1. */
  readonly totalReturn: number;
  /** mean(r) × N. */
  readonly annualReturnArithmetic: Statistic;
  /** (Π(1 + rᵢ))^(N/n) − 1 (compound annual growth). */
  readonly annualReturnGeometric: Statistic;
  /** Sample standard deviation of r (n − 1) × √N. */
  readonly volatility: Statistic;
  /** mean(x) / sample stdev(x) × √N. */
  readonly sharpe: Statistic;
  /** mean(x) / √(Σ min(xᵢ, 0)² / n) × √N: downside deviation over all n sessions, target rf. */
  readonly sortino: Statistic;
  /** annualReturnGeometric / largest end-of-day MTM drawdown %. */
  readonly calmar: Statistic;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);

export function returnStatistics(
  returns: readonly number[],
  options: ReturnStatisticsOptions,
): ReturnStatistics {
  const n = returns.length;
  const N = options.sessionsPerYear;
  const riskFreeRate = options.riskFreeRate ?? 0;
  const minimum = options.minSessions ?? MIN_SESSIONS;
  const growth = returns.reduce((product, r) => product * (1 + r), 1);
  const base = { sessions: n, sessionsPerYear: N, riskFreeRate, totalReturn: growth - 1 };
  if (n < minimum) {
    const reason = missing(`${n} session${n === 1 ? '' : 's'}, fewer than the ${minimum} a ratio needs`);
    return {
      ...base,
      annualReturnArithmetic: reason,
      annualReturnGeometric: reason,
      volatility: reason,
      sharpe: reason,
      sortino: reason,
      calmar: reason,
    };
  }
  const mean = sum(returns) / n;
  const stdev = Math.sqrt(sum(returns.map((r) => (r - mean) ** 2)) / (n - 1));
  const rf = (1 + riskFreeRate) ** (1 / N) - 1;
  const excess = returns.map((r) => r - rf);
  const excessMean = sum(excess) / n;
  const excessStdev = Math.sqrt(sum(excess.map((x) => (x - excessMean) ** 2)) / (n - 1));
  const downside = Math.sqrt(sum(excess.map((x) => Math.min(x, 0) ** 2)) / n);
  const geometric = growth > 0 ? growth ** (N / n) - 1 : -1;
  return {
    ...base,
    annualReturnArithmetic: valueOf(mean * N),
    annualReturnGeometric: valueOf(geometric),
    volatility: valueOf(stdev * Math.sqrt(N)),
    sharpe:
      excessStdev > 0
        ? valueOf((excessMean / excessStdev) * Math.sqrt(N))
        : missing('the returns do not vary (standard deviation 0)'),
    sortino:
      downside > 0
        ? valueOf((excessMean / downside) * Math.sqrt(N))
        : missing('no session returned less than the risk-free rate'),
    calmar:
      options.maxDrawdownPercent > 0
        ? valueOf(geometric / options.maxDrawdownPercent)
        : missing('no drawdown'),
  };
}
