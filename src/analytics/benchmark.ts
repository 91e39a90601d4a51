import type { DuckDBConnection } from '@duckdb/node-api';
import type { EquitySeries } from './mark-to-market.js';
import type { Period } from './period.js';
import { numberOf, numberOrNull, queryRows } from './query.js';

/**
 * Buy and hold of the traded instrument over the same sessions as the strategy's equity: the
 * series' starting equity put into the instrument at its last price before the first session
 * (else its first price in the series) and held, unlevered, so equity = start equity × P(t) / P(0),
 * with P(t) the last price before each session's end (ticks where the store has them, else bar
 * closes; a session without a price carries the last one).
 */
export interface Benchmark {
  /** The instrument: the symbol with the most contracts filled in the period. */
  readonly symbol: string;
  readonly source: 'ticks' | 'bars';
  readonly startPrice: number;
  /** One value per session of the series (same order); null before the instrument's first price. */
  readonly equity: readonly (number | null)[];
}

async function tradedSymbol(connection: DuckDBConnection, period: Period): Promise<string | undefined> {
  const rows = await queryRows(
    connection,
    `SELECT symbol FROM fills WHERE ts >= $1 AND ts < $2
      GROUP BY symbol ORDER BY sum(quantity) DESC, symbol LIMIT 1`,
    [BigInt(period.from), BigInt(period.to)],
  );
  return rows[0] === undefined ? undefined : String(rows[0].symbol);
}

/** The buy-and-hold benchmark of `series`, or null when nothing was traded or the store has no price of it. */
export async function buyAndHold(
  connection: DuckDBConnection,
  period: Period,
  series: EquitySeries,
): Promise<Benchmark | null> {
  const first = series.intraday[0];
  if (series.sessions.length === 0 || first === undefined) return null;
  const symbol = await tradedSymbol(connection, period);
  if (symbol === undefined) return null;
  for (const source of ['ticks', 'bars'] as const) {
    const prices =
      source === 'ticks'
        ? 'SELECT ts, seq, price FROM ticks_v WHERE symbol = $1'
        : 'SELECT end_ts - 1 AS ts, seq, close AS price FROM bars_v WHERE symbol = $1';
    const ends = [first.ts, ...series.sessions.map((s) => s.endTs)]
      .map((ts, i) => `(${i}, ${Math.trunc(ts)}::BIGINT)`)
      .join(', ');
    // ASOF: the last price strictly before each end (a price at the end belongs to the next session).
    const rows = await queryRows(
      connection,
      `WITH p AS (${prices}), e(i, ts) AS (VALUES ${ends})
       SELECT e.i, p.price FROM e ASOF LEFT JOIN p ON e.ts > p.ts ORDER BY e.i`,
      [symbol],
    );
    const marks = rows.map((row) => numberOrNull(row.price));
    if (marks.every((mark) => mark === null)) continue;
    const after = await queryRows(
      connection,
      `SELECT price FROM (${prices}) WHERE ts >= $2 ORDER BY ts, seq LIMIT 1`,
      [symbol, BigInt(Math.trunc(first.ts))],
    );
    const startPrice = marks[0] ?? numberOf(after[0]?.price);
    return {
      symbol,
      source,
      startPrice,
      equity: marks.slice(1).map((mark) => (mark === null ? null : (series.startEquity * mark) / startPrice)),
    };
  }
  return null;
}
