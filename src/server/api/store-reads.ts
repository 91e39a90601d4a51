import {
  dailyPnl,
  equityCurve,
  performanceStats,
  statsBy,
  type PerformanceStats,
  type Period,
} from '../../analytics/index.js';
import { SLIPPAGE_SQL, slippageOf } from '../../analytics/execution-quality.js';
import type { Row as AnalyticsRow } from '../../analytics/query.js';
import {
  ASOF_MERGE_SETTING,
  DEFAULT_HORIZONS_SECONDS,
  effectivenessOf,
  effectivenessSelect,
  signalOutcomesSelect,
} from '../../analytics/signal-effectiveness.js';
import { MIN_SESSIONS, type Statistic } from '../../analytics/statistic.js';
import { TRADES_SQL, tradeFromRow } from '../../analytics/trades.js';
import { wilsonInterval } from '../../analytics/wilson-interval.js';
import { CONTRACT_SPECS } from '../../core/instruments.js';
import type { Store } from '../../store/store.js';
import { DEAD_LETTER_PAYLOAD_CHARS, type RecentQuery } from './schemas.js';

/**
 * Reads of the engine's live history (its DuckDB store, read in the store's writer thread, so
 * committed rows only). SQL is built from validated integers only: no text reaches it.
 */

type Row = Record<string, unknown>;

async function rows(store: Store, sql: string): Promise<Row[]> {
  const out: Row[] = [];
  for await (const block of store.read(sql)) {
    for (let r = 0; r < block.rowCount; r++) {
      const row: Row = {};
      block.names.forEach((name, c) => {
        const value = block.columns[c]?.[r];
        row[name] = typeof value === 'bigint' ? Number(value) : value;
      });
      out.push(row);
    }
  }
  return out;
}

const text = (value: unknown): string | null =>
  value === null || value === undefined ? null : String(value);
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

function parsedList(value: unknown): number[] | null {
  if (typeof value !== 'string') return null;
  try {
    const parsed: unknown = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(Number) : null;
  } catch {
    return null;
  }
}

/** `WHERE ts >= since ORDER BY newest first LIMIT n`, from validated integers. */
function recentClause(query: RecentQuery): string {
  const limit = Math.trunc(query.limit ?? 100);
  const since = Math.trunc(query.since ?? 0);
  return `WHERE ts >= ${String(since)} ORDER BY ts DESC, seq DESC LIMIT ${String(limit)}`;
}

export async function recentFills(store: Store, query: RecentQuery) {
  const found = await rows(
    store,
    `SELECT ts, fill_id, client_order_id, account, symbol, side, quantity, price, commission FROM fills ${recentClause(query)}`,
  );
  return found.map((row) => ({
    ts: Number(row.ts),
    fillId: String(row.fill_id),
    clientOrderId: String(row.client_order_id),
    account: String(row.account),
    symbol: String(row.symbol),
    side: String(row.side),
    quantity: Number(row.quantity),
    price: Number(row.price),
    commission: Number(row.commission),
  }));
}

export async function recentSignals(store: Store, query: RecentQuery) {
  const found = await rows(
    store,
    `SELECT ts, source, symbol, direction, strength, power, confluence, price, stop, targets FROM signals ${recentClause(query)}`,
  );
  return found.map((row) => ({
    ts: Number(row.ts),
    source: String(row.source),
    symbol: String(row.symbol),
    direction: String(row.direction),
    strength: String(row.strength),
    power: Number(row.power),
    confluence: Number(row.confluence),
    price: Number(row.price),
    stop: num(row.stop),
    targets: parsedList(row.targets),
  }));
}

export async function recentDecisions(store: Store, query: RecentQuery) {
  const found = await rows(
    store,
    `SELECT ts, intent_id, account, symbol, side, quantity, outcome, code, reason, limit_value, value, decided_by
       FROM decisions ${recentClause(query)}`,
  );
  return found.map((row) => ({
    ts: Number(row.ts),
    intentId: String(row.intent_id),
    account: String(row.account),
    symbol: String(row.symbol),
    side: String(row.side),
    quantity: num(row.quantity),
    outcome: String(row.outcome),
    code: text(row.code),
    reason: String(row.reason),
    limit: num(row.limit_value),
    value: num(row.value),
    by: text(row.decided_by),
  }));
}

export async function recentAlerts(store: Store, query: RecentQuery) {
  const found = await rows(
    store,
    `SELECT ts, severity, code, message, account, symbol FROM alerts ${recentClause(query)}`,
  );
  return found.map((row) => ({
    ts: Number(row.ts),
    severity: String(row.severity),
    code: String(row.code),
    message: String(row.message),
    account: text(row.account),
    symbol: text(row.symbol),
  }));
}

/** Dead letters and rows the store refused (table `rejects`), the raw payload clipped. */
export async function recentDeadLetters(store: Store, query: RecentQuery) {
  const found = await rows(
    store,
    `SELECT ts, origin, code, reason, left(payload, ${String(DEAD_LETTER_PAYLOAD_CHARS)}) AS payload,
            length(payload) AS payload_chars
       FROM rejects ${recentClause(query)}`,
  );
  return found.map((row) => ({
    ts: Number(row.ts),
    origin: String(row.origin),
    code: String(row.code),
    reason: String(row.reason),
    payload: text(row.payload) ?? '',
    payloadChars: Number(row.payload_chars ?? 0),
  }));
}

/** The contract table as a CTE (what `loadInstrumentSpecs` makes a temp table of on its own connections). */
function instrumentSpecsCte(): string {
  const values = [...CONTRACT_SPECS.values()]
    .map((spec) => `('${spec.root}', ${String(spec.tickSize)}, ${String(spec.pointValue)})`)
    .join(', ');
  return `instrument_specs AS (SELECT root, tick_size, point_value, tick_size * point_value AS tick_value
    FROM (VALUES ${values}) AS v(root, tick_size, point_value))`;
}

/**
 * A realised-only ratio as the report shows it: missing, with the reason, under
 * {@link MIN_SESSIONS} closing days or when the formula has no value (no spread, no losing day).
 */
function realisedRatio(value: number | null, days: number, undefinedBecause: string): Statistic {
  if (days < MIN_SESSIONS)
    return {
      missing: `${String(days)} closing day${days === 1 ? '' : 's'}, fewer than ${String(MIN_SESSIONS)}`,
    };
  return value === null || !Number.isFinite(value) ? { missing: undefinedBecause } : { value };
}

function figures(stats: PerformanceStats) {
  return {
    sharpe: realisedRatio(stats.sharpe, stats.tradingDays, 'daily returns do not vary'),
    sortino: realisedRatio(stats.sortino, stats.tradingDays, 'no losing day'),
    trades: stats.trades,
    wins: stats.wins,
    losses: stats.losses,
    netPnl: stats.netPnl,
    grossPnl: stats.grossPnl,
    commission: stats.commission,
    winRate: stats.winRate,
    profitFactor: stats.profitFactor,
    expectancy: stats.expectancy,
    maxDrawdown: stats.maxDrawdown,
    tradingDays: stats.tradingDays,
  };
}

/**
 * The round trips closed in a period (FIFO-matched over every fill, as `enigma report` does) and
 * their figures, in total and per account (returns measured on `initialCapital`); the total's
 * equity after each trade and P&L per UTC day; slippage; signal effectiveness. `computedAt` is
 * when the figures were read (engine clock, epoch µs).
 */
export async function periodReport(store: Store, period: Period, initialCapital: number, computedAt: number) {
  const trades = bounded(TRADES_SQL, period);
  const [found, slippage, signals] = await Promise.all([
    rows(
      store,
      `WITH ${instrumentSpecsCte()} SELECT * FROM (${trades}) ORDER BY exit_ts, exit_seq, entry_seq`,
    ),
    periodSlippage(store, period),
    periodSignals(store, period),
  ]);
  const closed = found.map(tradeFromRow);
  const options = { initialCapital };
  return {
    period: { kind: period.kind, label: period.label, from: period.from, to: period.to },
    computedAt,
    initialCapital,
    total: figures(performanceStats(closed, options)),
    accounts: statsBy(closed, 'account', options).map(({ key, stats }) => ({
      account: key,
      figures: figures(stats),
    })),
    equity: equityCurve(closed, options),
    daily: dailyPnl(closed, options),
    slippage,
    signals,
  };
}

/** `$1`/`$2` of an analytics query as the period's bounds (integers: no text reaches the SQL). */
function bounded(sql: string, period: Period): string {
  return sql.replace('$1', String(Math.trunc(period.from))).replace('$2', String(Math.trunc(period.to)));
}

/** Slippage per account and instrument of the period's fills (the report's execution-quality table). */
export async function periodSlippage(store: Store, period: Period) {
  const found = await rows(
    store,
    `WITH ${instrumentSpecsCte()} SELECT * FROM (${bounded(SLIPPAGE_SQL, period)}) ORDER BY account, symbol`,
  );
  return found.map((row) => slippageOf(row as AnalyticsRow));
}

/**
 * Signal effectiveness of the period's signals by confidence bucket and by source, at each
 * horizon, with the Wilson 95 % interval of the hit rate (as the report's tearsheet shows it).
 * One read: the ASOF setting holds for this read's own connection only.
 */
export async function periodSignals(store: Store, period: Period) {
  const found = await rows(
    store,
    `${ASOF_MERGE_SETTING};
     WITH ${instrumentSpecsCte()},
     signal_outcomes AS MATERIALIZED (${signalOutcomesSelect(period, DEFAULT_HORIZONS_SECONDS)})
     ${effectivenessSelect(['confidence', 'source'])}`,
  );
  return found.map((row) => {
    const effect = effectivenessOf(row as AnalyticsRow);
    const hits = Math.round(effect.hitRate * effect.signals);
    return { ...effect, hits, hitInterval: wilsonInterval(hits, effect.signals) };
  });
}
