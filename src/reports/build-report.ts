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
import type { Period } from '../analytics/period.js';
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

/** Everything a period report shows, computed from the store. */
export interface ReportData {
  readonly period: Period;
  readonly initialCapital: number;
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

/** Runs every analysis of the report for one period. */
export async function buildReport(
  connection: DuckDBConnection,
  period: Period,
  options: { initialCapital?: number } = {},
): Promise<ReportData> {
  const initialCapital = options.initialCapital ?? 100_000;
  const trades = await roundTrips(connection, period);
  const performance = { initialCapital };
  const by = Object.fromEntries(GROUP_KEYS.map((key) => [key, statsBy(trades, key, performance)])) as Record<
    GroupKey,
    { key: string; stats: PerformanceStats }[]
  >;
  return {
    period,
    initialCapital,
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
  };
}
