import { performanceStats, statsBy, type PerformanceStats, type Period } from '../../analytics/index.js';
import { TRADES_SQL, tradeFromRow } from '../../analytics/trades.js';
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
  return `instrument_specs AS (SELECT * FROM (VALUES ${values}) AS v(root, tick_size, point_value))`;
}

function figures(stats: PerformanceStats) {
  return {
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
 * their figures, in total and per account; returns are measured on `initialCapital`.
 */
export async function periodReport(store: Store, period: Period, initialCapital: number) {
  const trades = TRADES_SQL.replace('$1', String(Math.trunc(period.from))).replace(
    '$2',
    String(Math.trunc(period.to)),
  );
  const found = await rows(
    store,
    `WITH ${instrumentSpecsCte()} SELECT * FROM (${trades}) ORDER BY exit_ts, exit_seq, entry_seq`,
  );
  const closed = found.map(tradeFromRow);
  const options = { initialCapital };
  return {
    period: { kind: period.kind, label: period.label, from: period.from, to: period.to },
    total: figures(performanceStats(closed, options)),
    accounts: statsBy(closed, 'account', options).map(({ key, stats }) => ({
      account: key,
      figures: figures(stats),
    })),
  };
}
