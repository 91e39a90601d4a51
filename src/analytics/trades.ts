import type { DuckDBConnection } from '@duckdb/node-api';
import { ALL_TIME, type Period } from './period.js';
import { loadInstrumentSpecs } from './instrument-specs.js';
import { queryRows } from './query.js';

/** One round trip: a quantity opened by one fill and closed by another, matched first in, first out. */
export interface Trade {
  readonly account: string;
  readonly symbol: string;
  readonly direction: 'long' | 'short';
  readonly quantity: number;
  readonly entryTs: number;
  readonly exitTs: number;
  readonly entryPrice: number;
  readonly exitPrice: number;
  readonly entryFillId: string;
  readonly exitFillId: string;
  /** Price move in the trade's favour, in points. */
  readonly points: number;
  /** Dollars before commissions: points × quantity × point value. */
  readonly grossPnl: number;
  /** The share of both fills' commissions for this quantity. */
  readonly commission: number;
  readonly netPnl: number;
  /** Signal source of the entry (via order intent → signal), when known. */
  readonly source: string | null;
  /** Pipeline of the entry: the part of the source before the dot (`pipeline.step`), when there is one. */
  readonly pipeline: string | null;
  /** UTC calendar day of the exit, `YYYY-MM-DD`. */
  readonly day: string;
}

/**
 * The FIFO matching as SQL. With `cum_start`/`cum_end` the cumulative bought (sold) quantity
 * before and after each buy (sell) fill of an account and instrument, the k-th contract bought
 * pairs with the k-th contract sold: overlapping ranges give the matched quantity. That is
 * exactly first-in-first-out, reversals included (a sell that closes a long and opens a short
 * overlaps the old buys with its first units and later buys with the rest). Units never matched
 * are the open position. Commissions are spread over each fill's contracts.
 */
export const TRADES_SQL = `
WITH f AS (
  SELECT seq, ts, fill_id, client_order_id, account, symbol, side, quantity, price, commission,
         sum(quantity) OVER (PARTITION BY account, symbol, side ORDER BY ts, seq ROWS UNBOUNDED PRECEDING) AS cum_end
    FROM fills
),
b AS (SELECT *, cum_end - quantity AS cum_start FROM f WHERE side = 'buy'),
s AS (SELECT *, cum_end - quantity AS cum_start FROM f WHERE side = 'sell'),
m AS (
  SELECT b.account, b.symbol,
         least(b.cum_end, s.cum_end) - greatest(b.cum_start, s.cum_start) AS quantity,
         (b.ts < s.ts OR (b.ts = s.ts AND b.seq < s.seq)) AS is_long,
         b.ts AS b_ts, b.seq AS b_seq, b.price AS b_price, b.fill_id AS b_fill, b.client_order_id AS b_order,
         b.commission / b.quantity AS b_commission,
         s.ts AS s_ts, s.seq AS s_seq, s.price AS s_price, s.fill_id AS s_fill, s.client_order_id AS s_order,
         s.commission / s.quantity AS s_commission
    FROM b JOIN s ON b.account = s.account AND b.symbol = s.symbol
                 AND b.cum_start < s.cum_end AND s.cum_start < b.cum_end
),
intent AS (SELECT id, any_value(symbol) AS symbol, any_value(signal_ts) AS signal_ts FROM order_intents GROUP BY id),
signal AS (SELECT symbol, ts, min(source) AS source FROM signals GROUP BY symbol, ts),
t AS (
  SELECT m.account, m.symbol, m.quantity,
         CASE WHEN is_long THEN 'long' ELSE 'short' END AS direction,
         CASE WHEN is_long THEN b_ts ELSE s_ts END AS entry_ts,
         CASE WHEN is_long THEN s_ts ELSE b_ts END AS exit_ts,
         CASE WHEN is_long THEN b_seq ELSE s_seq END AS entry_seq,
         CASE WHEN is_long THEN s_seq ELSE b_seq END AS exit_seq,
         CASE WHEN is_long THEN b_price ELSE s_price END AS entry_price,
         CASE WHEN is_long THEN s_price ELSE b_price END AS exit_price,
         CASE WHEN is_long THEN b_fill ELSE s_fill END AS entry_fill_id,
         CASE WHEN is_long THEN s_fill ELSE b_fill END AS exit_fill_id,
         CASE WHEN is_long THEN b_order ELSE s_order END AS entry_order,
         s_price - b_price AS points,
         (s_price - b_price) * m.quantity * coalesce(spec.point_value, 1) AS gross_pnl,
         m.quantity * (b_commission + s_commission) AS commission
    FROM m LEFT JOIN instrument_specs spec ON spec.root = split_part(m.symbol, ' ', 1)
)
SELECT t.*, gross_pnl - commission AS net_pnl, signal.source,
       CASE WHEN contains(signal.source, '.') THEN split_part(signal.source, '.', 1) END AS pipeline,
       strftime(make_timestamp(exit_ts), '%Y-%m-%d') AS day
  FROM t LEFT JOIN intent ON intent.id = t.entry_order
         LEFT JOIN signal ON signal.symbol = intent.symbol AND signal.ts = intent.signal_ts
 WHERE exit_ts >= $1 AND exit_ts < $2
 ORDER BY exit_ts, exit_seq, entry_seq`;

/** Round trips closed in `period` (matching uses every fill before it too), in exit order. */
export async function roundTrips(connection: DuckDBConnection, period: Period = ALL_TIME): Promise<Trade[]> {
  await loadInstrumentSpecs(connection);
  const rows = await queryRows(connection, TRADES_SQL, [BigInt(period.from), BigInt(period.to)]);
  return rows.map(tradeFromRow);
}

/** A row of {@link TRADES_SQL} as a trade (BIGINT columns may arrive as bigint). */
export function tradeFromRow(row: Readonly<Record<string, unknown>>): Trade {
  const text = (value: unknown): string | null =>
    value === null || value === undefined ? null : String(value);
  const num = (value: unknown): number => Number(value ?? 0);
  return {
    account: String(row.account),
    symbol: String(row.symbol),
    direction: row.direction === 'long' ? 'long' : 'short',
    quantity: num(row.quantity),
    entryTs: num(row.entry_ts),
    exitTs: num(row.exit_ts),
    entryPrice: num(row.entry_price),
    exitPrice: num(row.exit_price),
    entryFillId: String(row.entry_fill_id),
    exitFillId: String(row.exit_fill_id),
    points: num(row.points),
    grossPnl: num(row.gross_pnl),
    commission: num(row.commission),
    netPnl: num(row.net_pnl),
    source: text(row.source),
    pipeline: text(row.pipeline),
    day: String(row.day),
  };
}
