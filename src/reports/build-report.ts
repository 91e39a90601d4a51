import type { DuckDBConnection } from '@duckdb/node-api';
import { returnCorrelations, type ReturnCorrelation } from '../analytics/correlation.js';
import {
  signalToFillLatency,
  slippage,
  type SignalToFillLatency,
  type Slippage,
} from '../analytics/execution-quality.js';
import {
  dailyPnl,
  equityCurve,
  performanceStats,
  statsBy,
  type DailyPnl,
  type EquityPoint,
  type GroupKey,
  type PerformanceStats,
} from '../analytics/performance.js';
import {
  decisionCounts,
  recentDecisions,
  startingBalances,
  type DecisionCount,
  type StoredDecision,
} from '../analytics/decisions.js';
import type { Period } from '../analytics/period.js';
import { EngineError } from '../core/errors.js';
import { numberOf, queryRows } from '../analytics/query.js';
import { signalEffectiveness, type SignalEffectiveness } from '../analytics/signal-effectiveness.js';
import { roundTrips, type Trade } from '../analytics/trades.js';
import { equityAnalytics, type EquityAnalytics } from '../analytics/equity-analytics.js';
import { buyAndHold, type Benchmark } from '../analytics/benchmark.js';
import type { SessionHours } from '../core/session-calendar.js';
import type { RuleProfile } from '../risk/rule-profile.js';

export interface MarketSummary {
  readonly symbol: string;
  readonly ticks: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  readonly vwap: number;
}

export interface RejectCount {
  readonly code: string;
  readonly rows: number;
}

/** Where the report's initial capital comes from. */
export interface CapitalSource {
  /** `given`: `--capital`; `stored`: the starting balances of the accounts; `none`: no trade needs one. */
  readonly kind: 'given' | 'stored' | 'none';
  /** For `stored`: each account's starting balance. */
  readonly accounts: ReadonlyMap<string, number>;
}

/** Everything a period report shows, computed from the store. */
export interface ReportData {
  readonly period: Period;
  /** Equity before the first trade; 0 when the period has no trade and no balance is stored. */
  readonly initialCapital: number;
  readonly capitalSource: CapitalSource;
  /**
   * The marked-to-market analytics (per session equity, ratios, three drawdowns, trade figures,
   * prop view): the headline figures. `overall`, `by`, `equity` and `daily` below are the
   * realised-only figures (returns on closing days, trade-by-trade drawdown), kept for comparison.
   */
  readonly markedToMarket: EquityAnalytics;
  /** Buy and hold of the traded instrument over the total's sessions (the tearsheet's benchmark). */
  readonly benchmark: Benchmark | null;
  readonly overall: PerformanceStats;
  readonly by: Readonly<Record<GroupKey, readonly { key: string; stats: PerformanceStats }[]>>;
  readonly trades: readonly Trade[];
  readonly equity: readonly EquityPoint[];
  readonly daily: readonly DailyPnl[];
  readonly signals: readonly SignalEffectiveness[];
  readonly correlations: readonly ReturnCorrelation[];
  readonly slippage: readonly Slippage[];
  readonly latency: SignalToFillLatency;
  readonly market: readonly MarketSummary[];
  readonly rejects: readonly RejectCount[];
  /** The risk engine's decisions in the period, per outcome and code, and every one of them. */
  readonly decisionCounts: readonly DecisionCount[];
  readonly decisions: readonly StoredDecision[];
}

const GROUP_KEYS: readonly GroupKey[] = ['account', 'symbol', 'pipeline', 'source', 'day'];

async function marketSummary(connection: DuckDBConnection, period: Period): Promise<MarketSummary[]> {
  const rows = await queryRows(
    connection,
    `SELECT s.symbol, t.ticks, t.open, t.high, t.low, t.close, t.volume, t.vwap
       FROM (SELECT symbol_id, count(*) AS ticks, arg_min(price, ts) AS open, max(price) AS high, min(price) AS low,
                    arg_max(price, ts) AS close, sum(size) AS volume, sum(price * size) / nullif(sum(size), 0) AS vwap
               FROM ticks WHERE ts >= $1 AND ts < $2 GROUP BY symbol_id) t
       JOIN symbols s ON s.id = t.symbol_id ORDER BY s.symbol`,
    [BigInt(period.from), BigInt(period.to)],
  );
  return rows.map((row) => ({
    symbol: String(row.symbol),
    ticks: numberOf(row.ticks),
    open: numberOf(row.open),
    high: numberOf(row.high),
    low: numberOf(row.low),
    close: numberOf(row.close),
    volume: numberOf(row.volume),
    vwap: numberOf(row.vwap),
  }));
}

async function rejectCounts(connection: DuckDBConnection, period: Period): Promise<RejectCount[]> {
  const rows = await queryRows(
    connection,
    'SELECT code, count(*) AS rows FROM rejects WHERE ts >= $1 AND ts < $2 GROUP BY code ORDER BY code',
    [BigInt(period.from), BigInt(period.to)],
  );
  return rows.map((row) => ({ code: String(row.code), rows: numberOf(row.rows) }));
}

/**
 * The capital returns and drawdown percentages are measured on: `given` when set, else the sum of
 * the starting balances (see `startingBalances`) of the accounts that traded in the period (of
 * every stored account when none did). Throws REPORT_NO_STARTING_BALANCE when trades need one and
 * the store has none.
 */
export async function initialCapitalOf(
  connection: DuckDBConnection,
  period: Period,
  trades: readonly Trade[],
  given: number | undefined,
): Promise<{ capital: number; source: CapitalSource }> {
  if (given !== undefined) return { capital: given, source: { kind: 'given', accounts: new Map() } };
  const traded = [...new Set(trades.map((trade) => trade.account))];
  const balances = await startingBalances(connection, {
    before: period.to,
    ...(traded.length > 0 && { accounts: traded }),
  });
  const missing = traded.filter((account) => !balances.has(account));
  if (missing.length > 0)
    throw new EngineError(
      'REPORT_NO_STARTING_BALANCE',
      `the store has no account state for ${missing.join(', ')}, so no starting balance: pass --capital`,
    );
  if (balances.size === 0) return { capital: 0, source: { kind: 'none', accounts: balances } };
  let capital = 0;
  for (const balance of balances.values()) capital += balance;
  return { capital, source: { kind: 'stored', accounts: balances } };
}

/** The initial capital and where it came from: `50,000.00 (starting balance of SIM-50K)`. */
export function describeCapital(data: Pick<ReportData, 'initialCapital' | 'capitalSource'>): string {
  const { kind, accounts } = data.capitalSource;
  if (kind === 'none') return 'none (no trade, no stored account state)';
  const amount = data.initialCapital.toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return kind === 'given'
    ? `${amount} (--capital)`
    : `${amount} (starting balance of ${[...accounts.keys()].join(', ')})`;
}

export interface ReportOptions {
  /** `--capital`: the capital of the total (and of each account without a stored balance). */
  readonly initialCapital?: number;
  /** Annual risk-free rate for Sharpe and Sortino, as a fraction (default 0). */
  readonly riskFreeRate?: number;
  /** The session calendar (default CME Globex, trading day ending 17:00 Chicago). */
  readonly hours?: SessionHours;
  /** Rule profile per account, for the prop view of the trailing threshold. */
  readonly profiles?: ReadonlyMap<string, RuleProfile>;
}

/**
 * Each account's capital for the marked-to-market series: its stored starting balance, else
 * `given`; every account with a fill before the period's end needs one (its open positions and
 * earlier P&L are part of the equity), else REPORT_NO_STARTING_BALANCE.
 */
async function accountCapital(
  connection: DuckDBConnection,
  period: Period,
  given: number | undefined,
): Promise<Map<string, number>> {
  const rows = await queryRows(
    connection,
    'SELECT DISTINCT account FROM fills WHERE ts < $1 ORDER BY account',
    [BigInt(period.to)],
  );
  const stored = await startingBalances(connection, { before: period.to });
  const capital = new Map<string, number>();
  const missing: string[] = [];
  for (const row of rows) {
    const account = String(row.account);
    const balance = stored.get(account) ?? given;
    if (balance === undefined) missing.push(account);
    else capital.set(account, balance);
  }
  if (missing.length > 0)
    throw new EngineError(
      'REPORT_NO_STARTING_BALANCE',
      `the store has no account state for ${missing.join(', ')}, so no starting balance: pass --capital`,
    );
  return capital;
}

/** Runs every analysis of the report for one period. */
export async function buildReport(
  connection: DuckDBConnection,
  period: Period,
  options: ReportOptions = {},
): Promise<ReportData> {
  const trades = await roundTrips(connection, period);
  const { capital: initialCapital, source: capitalSource } = await initialCapitalOf(
    connection,
    period,
    trades,
    options.initialCapital,
  );
  const performance = { initialCapital };
  const by = Object.fromEntries(GROUP_KEYS.map((key) => [key, statsBy(trades, key, performance)])) as Record<
    GroupKey,
    { key: string; stats: PerformanceStats }[]
  >;
  const slippageRows = await slippage(connection, period);
  const slippageDollars = new Map<string, number>();
  for (const row of slippageRows)
    slippageDollars.set(row.account, (slippageDollars.get(row.account) ?? 0) + row.totalDollars);
  const markedToMarket = await equityAnalytics(connection, period, {
    capital: await accountCapital(connection, period, options.initialCapital),
    ...(options.initialCapital !== undefined && { totalCapital: options.initialCapital }),
    ...(options.hours !== undefined && { hours: options.hours }),
    ...(options.riskFreeRate !== undefined && { riskFreeRate: options.riskFreeRate }),
    ...(options.profiles !== undefined && { profiles: options.profiles }),
    trades,
    slippageDollars,
  });
  return {
    period,
    initialCapital,
    capitalSource,
    markedToMarket,
    benchmark: await buyAndHold(connection, period, markedToMarket.total.series),
    overall: performanceStats(trades, performance),
    by,
    trades,
    equity: equityCurve(trades, performance),
    daily: dailyPnl(trades, performance),
    signals: await signalEffectiveness(connection, { period }),
    correlations: await returnCorrelations(connection, period),
    slippage: slippageRows,
    latency: await signalToFillLatency(connection, period),
    market: await marketSummary(connection, period),
    rejects: await rejectCounts(connection, period),
    decisionCounts: await decisionCounts(connection, period),
    decisions: await recentDecisions(connection, {
      since: period.from,
      until: period.to,
      limit: Infinity,
    }),
  };
}
