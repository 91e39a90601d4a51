import type { Trade } from './trades.js';

/** Trading days per year, for annualising daily figures. */
export const TRADING_DAYS_PER_YEAR = 252;

export interface PerformanceOptions {
  /** Equity before the first trade, for returns and drawdown percentages (default 100,000). */
  readonly initialCapital?: number;
}

/** One point of the equity curve: equity after a trade closed. */
export interface EquityPoint {
  readonly ts: number;
  readonly equity: number;
  /** Peak equity so far minus equity (≥ 0). */
  readonly drawdown: number;
}

export interface DailyPnl {
  readonly day: string;
  readonly netPnl: number;
  readonly trades: number;
  /** netPnl / equity at the start of the day. */
  readonly return: number;
}

/**
 * Performance statistics over a set of round trips. Conventions:
 * - a win is a trade with net P&L > 0, a loss one with net P&L < 0 (a scratch is neither);
 * - profit factor = sum of winning net P&L / |sum of losing net P&L| (null without losses);
 * - payoff ratio = average win / |average loss|; expectancy = net P&L / trades;
 * - daily returns r = day's net P&L / equity at the start of that day (UTC days of the exit,
 *   counting only days with at least one closed trade), equity starting at `initialCapital`;
 * - Sharpe = mean(r) / sample stdev(r) × √252, risk-free rate 0 (null under 2 days or zero stdev);
 * - Sortino = mean(r) / sqrt(mean(min(r, 0)²)) × √252 (null without a losing day);
 * - max drawdown is the largest fall from a running peak of the trade-by-trade equity curve, in
 *   dollars and as a fraction of that peak; the longest drawdown is the longest time from a peak
 *   until equity is back at it (or until the last trade when it never is);
 * - Calmar = annualised return (mean(r) × 252) / max drawdown fraction (null without drawdown).
 */
export interface PerformanceStats {
  readonly trades: number;
  readonly wins: number;
  readonly losses: number;
  readonly netPnl: number;
  readonly grossPnl: number;
  readonly commission: number;
  readonly winRate: number | null;
  readonly averageWin: number | null;
  readonly averageLoss: number | null;
  readonly payoffRatio: number | null;
  readonly profitFactor: number | null;
  readonly expectancy: number | null;
  readonly sharpe: number | null;
  readonly sortino: number | null;
  readonly maxDrawdown: number;
  readonly maxDrawdownPercent: number;
  readonly longestDrawdownMicros: number;
  readonly calmar: number | null;
  readonly tradingDays: number;
}

const sum = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0);
const mean = (values: readonly number[]): number | null =>
  values.length === 0 ? null : sum(values) / values.length;

/** Equity after each trade, in exit order, with the drawdown from the running peak. */
export function equityCurve(trades: readonly Trade[], options: PerformanceOptions = {}): EquityPoint[] {
  let equity = options.initialCapital ?? 100_000;
  let peak = equity;
  return trades.map((trade) => {
    equity += trade.netPnl;
    peak = Math.max(peak, equity);
    return { ts: trade.exitTs, equity, drawdown: peak - equity };
  });
}

/** Net P&L per UTC day of exit, with the day's return on the equity at its start. */
export function dailyPnl(trades: readonly Trade[], options: PerformanceOptions = {}): DailyPnl[] {
  const byDay = new Map<string, { netPnl: number; trades: number }>();
  for (const trade of trades) {
    const day = byDay.get(trade.day) ?? { netPnl: 0, trades: 0 };
    day.netPnl += trade.netPnl;
    day.trades++;
    byDay.set(trade.day, day);
  }
  let equity = options.initialCapital ?? 100_000;
  return [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([day, { netPnl, trades: count }]) => {
      const result = { day, netPnl, trades: count, return: netPnl / equity };
      equity += netPnl;
      return result;
    });
}

export function performanceStats(
  trades: readonly Trade[],
  options: PerformanceOptions = {},
): PerformanceStats {
  const initial = options.initialCapital ?? 100_000;
  const net = trades.map((t) => t.netPnl);
  const wins = net.filter((x) => x > 0);
  const losses = net.filter((x) => x < 0);
  const grossWin = sum(wins);
  const grossLoss = sum(losses);
  const averageWin = mean(wins);
  const averageLoss = mean(losses);
  const days = dailyPnl(trades, options).map((d) => d.return);
  const meanReturn = mean(days);
  let sharpe: number | null = null;
  if (meanReturn !== null && days.length >= 2) {
    const variance = sum(days.map((r) => (r - meanReturn) ** 2)) / (days.length - 1);
    sharpe = variance > 0 ? (meanReturn / Math.sqrt(variance)) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;
  }
  const downside = Math.sqrt(mean(days.map((r) => Math.min(r, 0) ** 2)) ?? 0);
  const sortino =
    meanReturn !== null && downside > 0 ? (meanReturn / downside) * Math.sqrt(TRADING_DAYS_PER_YEAR) : null;

  let equity = initial;
  let peak = initial;
  let peakTs = trades[0]?.entryTs ?? 0;
  let maxDrawdown = 0;
  let maxDrawdownPercent = 0;
  let longest = 0;
  let underwater = false;
  for (const trade of trades) {
    equity += trade.netPnl;
    if (equity >= peak) {
      if (underwater) longest = Math.max(longest, trade.exitTs - peakTs);
      underwater = false;
      peak = equity;
      peakTs = trade.exitTs;
    } else {
      underwater = true;
      maxDrawdown = Math.max(maxDrawdown, peak - equity);
      maxDrawdownPercent = Math.max(maxDrawdownPercent, (peak - equity) / peak);
    }
  }
  const last = trades[trades.length - 1];
  if (underwater && last) longest = Math.max(longest, last.exitTs - peakTs);
  const annualReturn = meanReturn === null ? null : meanReturn * TRADING_DAYS_PER_YEAR;
  return {
    trades: trades.length,
    wins: wins.length,
    losses: losses.length,
    netPnl: sum(net),
    grossPnl: sum(trades.map((t) => t.grossPnl)),
    commission: sum(trades.map((t) => t.commission)),
    winRate: trades.length === 0 ? null : wins.length / trades.length,
    averageWin,
    averageLoss,
    payoffRatio: averageWin !== null && averageLoss !== null ? averageWin / Math.abs(averageLoss) : null,
    profitFactor: losses.length === 0 ? null : grossWin / Math.abs(grossLoss),
    expectancy: trades.length === 0 ? null : sum(net) / trades.length,
    sharpe,
    sortino,
    maxDrawdown,
    maxDrawdownPercent,
    longestDrawdownMicros: longest,
    calmar: annualReturn !== null && maxDrawdownPercent > 0 ? annualReturn / maxDrawdownPercent : null,
    tradingDays: days.length,
  };
}

export type GroupKey = 'account' | 'symbol' | 'pipeline' | 'source' | 'day';

/** Statistics per value of a dimension (trades without a value are grouped under `(none)`). */
export function statsBy(
  trades: readonly Trade[],
  key: GroupKey,
  options: PerformanceOptions = {},
): { key: string; stats: PerformanceStats }[] {
  const groups = new Map<string, Trade[]>();
  for (const trade of trades) {
    const value = trade[key] ?? '(none)';
    const group = groups.get(value) ?? [];
    group.push(trade);
    groups.set(value, group);
  }
  return [...groups.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([value, group]) => ({ key: value, stats: performanceStats(group, options) }));
}
