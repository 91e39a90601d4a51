import type { Micros } from '../core/time.js';
import { missing, valueOf, type Statistic } from './statistic.js';
import type { TradeExcursion } from './excursions.js';
import type { Trade } from './trades.js';

/**
 * What a trader asks of a list of round trips (FIFO, net of commissions), in exit order:
 * - largest win / loss: the largest and smallest net P&L of one round trip (null without a win / loss);
 * - streaks: the most consecutive wins (net > 0) / losses (net < 0); a scratch (0) ends both;
 * - average holding time: mean of exit − entry over the round trips (each FIFO match counts once);
 * - time in the market: time with any open position / the series' span (from the equity walk);
 * - commissions / gross P&L and slippage / gross P&L: missing unless gross P&L is positive;
 * - average MAE / MFE in dollars over the round trips; average R over those with a stop.
 */
export interface TradeStatistics {
  readonly largestWin: number | null;
  readonly largestLoss: number | null;
  readonly longestWinningStreak: number;
  readonly longestLosingStreak: number;
  readonly averageHoldingMicros: number | null;
  readonly timeInMarket: Statistic;
  readonly commissionShare: Statistic;
  readonly slippageShare: Statistic;
  readonly averageMaeDollars: number | null;
  readonly averageMfeDollars: number | null;
  readonly averageRMultiple: Statistic;
}

const average = (values: readonly number[]): number | null =>
  values.length === 0 ? null : values.reduce((a, b) => a + b, 0) / values.length;

export function tradeStatistics(
  trades: readonly Trade[],
  exposure: { readonly exposureMicros: Micros; readonly spanMicros: Micros },
  slippageDollars: number,
  excursions: readonly TradeExcursion[] = [],
): TradeStatistics {
  let largestWin: number | null = null;
  let largestLoss: number | null = null;
  let wins = 0;
  let losses = 0;
  let longestWin = 0;
  let longestLoss = 0;
  let holding = 0;
  let gross = 0;
  let commission = 0;
  for (const trade of trades) {
    const net = trade.netPnl;
    if (net > 0) largestWin = Math.max(largestWin ?? net, net);
    if (net < 0) largestLoss = Math.min(largestLoss ?? net, net);
    wins = net > 0 ? wins + 1 : 0;
    losses = net < 0 ? losses + 1 : 0;
    longestWin = Math.max(longestWin, wins);
    longestLoss = Math.max(longestLoss, losses);
    holding += trade.exitTs - trade.entryTs;
    gross += trade.grossPnl;
    commission += trade.commission;
  }
  const share = (part: number): Statistic =>
    gross > 0 ? valueOf(part / gross) : missing('gross P&L is not positive');
  return {
    largestWin,
    largestLoss,
    longestWinningStreak: longestWin,
    longestLosingStreak: longestLoss,
    averageHoldingMicros: trades.length === 0 ? null : holding / trades.length,
    timeInMarket:
      exposure.spanMicros > 0
        ? valueOf(exposure.exposureMicros / exposure.spanMicros)
        : missing('no session in the period'),
    commissionShare: share(commission),
    slippageShare: share(slippageDollars),
    averageMaeDollars: average(excursions.map((e) => e.maeDollars)),
    averageMfeDollars: average(excursions.map((e) => e.mfeDollars)),
    averageRMultiple: ((r) =>
      r.length === 0 ? missing('no round trip had a stop on its entry order') : valueOf(average(r) ?? 0))(
      excursions.flatMap((e) => (e.rMultiple === null ? [] : [e.rMultiple])),
    ),
  };
}
