import type { DuckDBConnection } from '@duckdb/node-api';
import { CONTRACT_SPECS } from '../core/instruments.js';
import { StorageError, describeError } from '../core/errors.js';
import type { SessionHours } from '../core/session-calendar.js';
import { MICROS_PER_DAY } from '../core/time.js';
import type { RuleProfile } from '../risk/rule-profile.js';
import { drawdowns, type DrawdownSummary, type PathPoint } from './drawdown.js';
import { tradeExcursions, type TradeExcursion } from './excursions.js';
import { markToMarket, type EquitySeries, type MarketPrice, type MtmFill } from './mark-to-market.js';
import { ALL_TIME, type Period } from './period.js';
import { peakContracts } from './peak-contracts.js';
import { propView, type PropView } from './prop-view.js';
import { numberOf, queryRows } from './query.js';
import { returnStatistics, type ReturnStatistics } from './return-statistics.js';
import { CME_GLOBEX_HOURS, TradingSessions } from './sessions.js';
import { MIN_SESSIONS } from './statistic.js';
import { tradeStatistics, type TradeStatistics } from './trade-statistics.js';
import type { Trade } from './trades.js';

/** Where a symbol's marks come from. */
export type PriceSource = 'ticks' | 'bars' | 'fills only';

export interface EquityAnalyticsOptions {
  /** Each account's starting capital (the report's: stored starting balances, or --capital). */
  readonly capital: ReadonlyMap<string, number>;
  /** Capital of the total series (default: the sum of the accounts'). */
  readonly totalCapital?: number;
  /** The session calendar that cuts trading days (default CME Globex, 17:00 Chicago). */
  readonly hours?: SessionHours;
  /** Annual risk-free rate as a fraction (default 0). */
  readonly riskFreeRate?: number;
  /** Rule profile per account, for the prop view. */
  readonly profiles?: ReadonlyMap<string, RuleProfile>;
  /** The period's round trips (for the realised drawdown and the trade statistics). */
  readonly trades: readonly Trade[];
  /** Slippage dollars per account in the period (execution-quality), for its share of gross P&L. */
  readonly slippageDollars?: ReadonlyMap<string, number>;
}

/** Everything computed from one equity series (an account's or the total). */
export interface SeriesAnalytics {
  readonly account: string;
  readonly series: EquitySeries;
  readonly returns: ReturnStatistics;
  readonly drawdown: {
    /** On the realised curve: balance after each round trip closed (open P&L ignored). */
    readonly realised: DrawdownSummary;
    /** On the session-end marked-to-market equity. */
    readonly endOfDay: DrawdownSummary;
    /** On every marked-to-market change (each tick of an open position, each fill). */
    readonly intraday: DrawdownSummary;
  };
  readonly trades: TradeStatistics;
  /** MAE, MFE and R-multiple of each round trip. */
  readonly excursions: readonly TradeExcursion[];
  /** The firm's trailing-threshold view; null without a profile for the account (and for the total). */
  readonly prop: PropView | null;
}

export interface EquityAnalytics {
  readonly hours: SessionHours;
  readonly sessionsPerYear: number;
  readonly riskFreeRate: number;
  readonly minSessions: number;
  readonly priceSources: ReadonlyMap<string, PriceSource>;
  readonly total: SeriesAnalytics;
  readonly accounts: readonly SeriesAnalytics[];
}

const pointValueOf = (symbol: string): number =>
  CONTRACT_SPECS.get(symbol.split(' ')[0] ?? '')?.pointValue ?? 1;

/** The realised path: the balance at the series' start, then + net P&L at each round trip's exit. */
function realisedPath(series: EquitySeries, trades: readonly Trade[]): PathPoint[] {
  const start = series.intraday[0];
  if (!start) return [];
  const ends = series.sessions.map((s) => s.endTs);
  const sessionOf = (ts: number): number => {
    let low = 0;
    let high = ends.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((ends[middle] as number) > ts) high = middle;
      else low = middle + 1;
    }
    return low;
  };
  let equity = start.balance;
  const path: PathPoint[] = [{ ts: start.ts, session: 0, equity }];
  for (const trade of trades) {
    equity += trade.netPnl;
    path.push({ ts: trade.exitTs, session: sessionOf(trade.exitTs), equity });
  }
  return path;
}

/** Statistics, drawdowns and trade figures of one series (pure: the test-facing entry point). */
export function analyseSeries(
  series: EquitySeries,
  trades: readonly Trade[],
  options: {
    readonly sessionsPerYear: number;
    readonly riskFreeRate?: number;
    readonly profile?: RuleProfile | undefined;
    readonly slippageDollars?: number;
    /** Prices while positions were open (for MAE / MFE) and the entry orders' stops by entry fill id. */
    readonly prices?: readonly MarketPrice[];
    readonly stops?: ReadonlyMap<string, number>;
    readonly pointValue?: (symbol: string) => number;
    /** The account's fills in time order (from before the period too), for the contracts it held. */
    readonly fills?: readonly MtmFill[];
    /** Where the period starts (its contracts peak is looked for from here). */
    readonly from?: number;
  },
): SeriesAnalytics {
  const excursions = tradeExcursions(
    trades,
    options.prices ?? [],
    options.stops ?? new Map(),
    options.pointValue ?? pointValueOf,
  );
  const endOfDay = drawdowns([
    { ts: series.intraday[0]?.ts ?? 0, session: 0, equity: series.startEquity },
    ...series.sessions.map((s, session) => ({ ts: s.endTs, session, equity: s.equity })),
  ]);
  return {
    account: series.account,
    series,
    returns: returnStatistics(
      series.sessions.map((s) => s.return),
      {
        sessionsPerYear: options.sessionsPerYear,
        riskFreeRate: options.riskFreeRate ?? 0,
        maxDrawdownPercent: endOfDay.maxDepthPercent,
      },
    ),
    drawdown: {
      realised: drawdowns(realisedPath(series, trades)),
      endOfDay,
      intraday: drawdowns(series.intraday),
    },
    trades: tradeStatistics(trades, series, options.slippageDollars ?? 0, excursions),
    excursions,
    prop: options.profile
      ? propView(
          series.account,
          options.profile,
          series.capital,
          series.intraday,
          options.profile.rules.maxContracts
            ? peakContracts(
                options.fills ?? [],
                options.profile.rules.maxContracts.microsPerMini,
                options.from,
              )
            : null,
        )
      : null,
  };
}

async function loadFills(connection: DuckDBConnection, period: Period): Promise<MtmFill[]> {
  const rows = await queryRows(
    connection,
    'SELECT account, symbol, ts, side, quantity, price, commission FROM fills WHERE ts < $1 ORDER BY ts, seq',
    [BigInt(period.to)],
  );
  return rows.map((row) => ({
    account: String(row.account),
    symbol: String(row.symbol),
    ts: numberOf(row.ts),
    side: row.side === 'sell' ? 'sell' : 'buy',
    quantity: numberOf(row.quantity),
    price: numberOf(row.price),
    commission: numberOf(row.commission),
  }));
}

/** Per symbol, the time ranges [from, to] in which some account holds a position (fills in time order). */
export function openIntervals(fills: readonly MtmFill[], until: number): Map<string, [number, number][]> {
  const positions = new Map<string, number>();
  const holders = new Map<string, number>();
  const intervals = new Map<string, [number, number][]>();
  for (const fill of fills) {
    const key = `${fill.account}\u0000${fill.symbol}`;
    const before = positions.get(key) ?? 0;
    const after = before + (fill.side === 'buy' ? fill.quantity : -fill.quantity);
    positions.set(key, after);
    const count = holders.get(fill.symbol) ?? 0;
    const next = count + (before === 0 && after !== 0 ? 1 : 0) - (before !== 0 && after === 0 ? 1 : 0);
    holders.set(fill.symbol, next);
    const list = intervals.get(fill.symbol) ?? [];
    intervals.set(fill.symbol, list);
    if (count === 0 && next > 0) list.push([fill.ts, until]);
    else if (count > 0 && next === 0) (list[list.length - 1] as [number, number])[1] = fill.ts;
  }
  return intervals;
}

/**
 * Marks of the traded symbols while a position is open (a flat account's equity does not depend
 * on prices, and a fill sets the mark when a position opens): ticks where the store has ticks of
 * the symbol (the prices the engine saw), else bar closes, stamped 1 µs before the bar's end (the
 * close is the last trade inside the bar). The store holds no settlement prices.
 */
async function loadPrices(
  connection: DuckDBConnection,
  fills: readonly MtmFill[],
  to: number,
): Promise<{ prices: MarketPrice[]; sources: Map<string, PriceSource> }> {
  const sourceRows = await queryRows(
    connection,
    `WITH traded AS (SELECT DISTINCT symbol FROM fills WHERE ts < $1)
     SELECT traded.symbol,
            EXISTS (SELECT 1 FROM ticks_v t WHERE t.symbol = traded.symbol) AS has_ticks,
            EXISTS (SELECT 1 FROM bars_v b WHERE b.symbol = traded.symbol) AS has_bars
       FROM traded ORDER BY traded.symbol`,
    [BigInt(to)],
  );
  const sources = new Map<string, PriceSource>();
  for (const row of sourceRows)
    sources.set(String(row.symbol), row.has_ticks ? 'ticks' : row.has_bars ? 'bars' : 'fills only');
  const intervals = openIntervals(fills, to);
  const prices: MarketPrice[] = [];
  for (const kind of ['ticks', 'bars'] as const) {
    const symbols = [...sources].filter(([, source]) => source === kind).map(([symbol]) => symbol);
    const values: string[] = [];
    symbols.forEach((symbol, i) => {
      for (const [from, until] of intervals.get(symbol) ?? [])
        values.push(`($${i + 1}, ${Math.trunc(from)}::BIGINT, ${Math.trunc(until)}::BIGINT)`);
    });
    if (values.length === 0) continue;
    const source =
      kind === 'ticks'
        ? 'SELECT seq, ts, symbol, price FROM ticks_v'
        : 'SELECT seq, end_ts - 1 AS ts, symbol, close AS price FROM bars_v';
    // ASOF: each price meets the latest interval that opened before it (intervals never overlap).
    const sql = `SELECT p.ts::DOUBLE AS ts, p.symbol, p.price
                   FROM (${source}) p
                   ASOF JOIN (VALUES ${values.join(', ')}) AS i(symbol, from_ts, to_ts)
                     ON p.symbol = i.symbol AND p.ts >= i.from_ts
                  WHERE p.ts <= i.to_ts
                  ORDER BY p.ts, p.seq`;
    let columns: unknown[][];
    try {
      columns = (await connection.runAndReadAll(sql, symbols)).getColumnsJS() as unknown[][];
    } catch (cause) {
      throw new StorageError('STORE_QUERY_FAILED', `query failed: ${describeError(cause)}`, { cause });
    }
    const [ts = [], symbol = [], price = []] = columns;
    for (let i = 0; i < ts.length; i++)
      prices.push({ ts: ts[i] as number, symbol: symbol[i] as string, price: price[i] as number });
  }
  prices.sort((a, b) => a.ts - b.ts);
  return { prices, sources };
}

/** The protective stop price of each fill's order intent, by fill id (fills whose intent had one). */
async function entryStops(connection: DuckDBConnection, period: Period): Promise<Map<string, number>> {
  const rows = await queryRows(
    connection,
    `SELECT f.fill_id, i.stop_loss FROM fills f
       JOIN (SELECT id, any_value(stop_loss) AS stop_loss FROM order_intents GROUP BY id) i ON i.id = f.client_order_id
      WHERE f.ts < $1 AND i.stop_loss IS NOT NULL`,
    [BigInt(period.to)],
  );
  return new Map(rows.map((row) => [String(row.fill_id), numberOf(row.stop_loss)]));
}

/**
 * The marked-to-market analytics of a period, from the store: per account and in total, the
 * per-session equity (sessions named by their date: a day/week/month period covers the sessions
 * whose dates fall in it; all time runs from the first fill to the last fill or price), its
 * return statistics, three drawdowns, trade statistics and the prop view.
 */
export async function equityAnalytics(
  connection: DuckDBConnection,
  period: Period,
  options: EquityAnalyticsOptions,
): Promise<EquityAnalytics> {
  const hours = options.hours ?? CME_GLOBEX_HOURS;
  const calendar = new TradingSessions(hours);
  const riskFreeRate = options.riskFreeRate ?? 0;
  const fills = await loadFills(connection, period);
  const { prices, sources } = await loadPrices(connection, fills, period.to);
  const bounded = period.from !== ALL_TIME.from;
  const mtm = markToMarket({
    fills,
    prices,
    capital: options.capital,
    ...(options.totalCapital !== undefined && { totalCapital: options.totalCapital }),
    sessions: calendar,
    pointValue: pointValueOf,
    firstDay: bounded ? Math.floor(period.from / MICROS_PER_DAY) : -Infinity,
    lastDay: bounded ? Math.floor((period.to - 1) / MICROS_PER_DAY) : Infinity,
  });
  const sessionsPerYear = calendar.sessionsPerYear;
  const common = { sessionsPerYear, riskFreeRate, prices, stops: await entryStops(connection, period) };
  let slippageTotal = 0;
  for (const dollars of options.slippageDollars?.values() ?? []) slippageTotal += dollars;
  const accounts = [...mtm.accounts.values()].map((series) =>
    analyseSeries(
      series,
      options.trades.filter((trade) => trade.account === series.account),
      {
        ...common,
        profile: options.profiles?.get(series.account),
        slippageDollars: options.slippageDollars?.get(series.account) ?? 0,
        fills: fills.filter((fill) => fill.account === series.account),
        from: period.from,
      },
    ),
  );
  return {
    hours,
    sessionsPerYear,
    riskFreeRate,
    minSessions: MIN_SESSIONS,
    priceSources: sources,
    total: analyseSeries(mtm.total, options.trades, { ...common, slippageDollars: slippageTotal }),
    accounts,
  };
}
