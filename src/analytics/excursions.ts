import type { MarketPrice } from './mark-to-market.js';
import type { Trade } from './trades.js';

/**
 * How far a round trip went against (MAE) and for (MFE) the position while it was open, from the
 * entry and exit prices and every price in between (ticks, or bar closes for a symbol without
 * ticks), and its R-multiple against the entry order's protective stop.
 */
export interface TradeExcursion {
  readonly account: string;
  readonly symbol: string;
  readonly entryFillId: string;
  readonly exitFillId: string;
  /** Maximum adverse excursion, points ≥ 0: entry − lowest price (long), highest − entry (short). */
  readonly maePoints: number;
  /** Maximum favourable excursion, points ≥ 0. */
  readonly mfePoints: number;
  /** Points × quantity × point value. */
  readonly maeDollars: number;
  readonly mfeDollars: number;
  /** Prices seen between entry and exit (0: only the entry and exit prices were known). */
  readonly prices: number;
  /** |entry − stop| × quantity × point value; null without a stop on the entry order. */
  readonly riskDollars: number | null;
  /** Net P&L / risk; null without a stop. */
  readonly rMultiple: number | null;
}

/** First index of `prices` (sorted by ts) at or after `ts`. */
function lowerBound(prices: readonly MarketPrice[], ts: number): number {
  let low = 0;
  let high = prices.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((prices[middle] as MarketPrice).ts < ts) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function tradeExcursions(
  trades: readonly Trade[],
  prices: readonly MarketPrice[],
  stops: ReadonlyMap<string, number>,
  pointValue: (symbol: string) => number,
): TradeExcursion[] {
  const bySymbol = new Map<string, MarketPrice[]>();
  for (const price of prices) {
    const list = bySymbol.get(price.symbol) ?? [];
    list.push(price);
    bySymbol.set(price.symbol, list);
  }
  return trades.map((trade) => {
    const path = bySymbol.get(trade.symbol) ?? [];
    let high = Math.max(trade.entryPrice, trade.exitPrice);
    let low = Math.min(trade.entryPrice, trade.exitPrice);
    let seen = 0;
    for (let i = lowerBound(path, trade.entryTs); i < path.length; i++) {
      const price = path[i] as MarketPrice;
      if (price.ts > trade.exitTs) break;
      high = Math.max(high, price.price);
      low = Math.min(low, price.price);
      seen++;
    }
    const long = trade.direction === 'long';
    const maePoints = Math.max(0, long ? trade.entryPrice - low : high - trade.entryPrice);
    const mfePoints = Math.max(0, long ? high - trade.entryPrice : trade.entryPrice - low);
    const dollars = trade.quantity * pointValue(trade.symbol);
    const stop = stops.get(trade.entryFillId);
    const riskDollars = stop === undefined ? null : Math.abs(trade.entryPrice - stop) * dollars;
    return {
      account: trade.account,
      symbol: trade.symbol,
      entryFillId: trade.entryFillId,
      exitFillId: trade.exitFillId,
      maePoints,
      mfePoints,
      maeDollars: maePoints * dollars,
      mfeDollars: mfePoints * dollars,
      prices: seen,
      riskDollars,
      rMultiple: riskDollars === null || riskDollars === 0 ? null : trade.netPnl / riskDollars,
    };
  });
}
