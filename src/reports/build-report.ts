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

/** Runs every analysis of the report for one period. */
export async function buildReport(
  connection: DuckDBConnection,
  period: Period,
  options: { initialCapital?: number } = {},
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
  return {
    period,
    initialCapital,
    capitalSource,
    overall: performanceStats(trades, performance),
    by,
    trades,
    equity: equityCurve(trades, performance),
    daily: dailyPnl(trades, performance),
    signals: await signalEffectiveness(connection, { period }),
    correlations: await returnCorrelations(connection, period),
    slippage: await slippage(connection, period),
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
