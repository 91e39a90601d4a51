import type { DuckDBConnection } from '@duckdb/node-api';
import { loadInstrumentSpecs } from './instrument-specs.js';
import { ALL_TIME, type Period } from './period.js';
import { numberOf, numberOrNull, queryRows, type Row } from './query.js';

export interface Slippage {
  readonly account: string;
  readonly symbol: string;
  readonly fills: number;
  readonly contracts: number;
  /** Average slippage per contract in ticks; positive is worse than intended. */
  readonly averageTicks: number;
  /** Total slippage in dollars (ticks × tick value × contracts); positive is a cost. */
  readonly totalDollars: number;
}

/** The slippage per account and instrument of fills at `$1` ≤ ts < `$2`; needs `instrument_specs` in scope. */
export const SLIPPAGE_SQL = `WITH intent AS (SELECT id, any_value(limit_price) AS limit_price, any_value(signal_ts) AS signal_ts, any_value(symbol) AS symbol
                       FROM order_intents GROUP BY id),
          signal AS (SELECT symbol, ts, any_value(price) AS price FROM signals GROUP BY symbol, ts),
          f AS (
            SELECT fl.account, fl.symbol, fl.quantity, spec.tick_size, spec.tick_value,
                   (fl.price - coalesce(intent.limit_price, signal.price))
                     * CASE WHEN fl.side = 'buy' THEN 1 ELSE -1 END / spec.tick_size AS ticks
              FROM fills fl
              JOIN intent ON intent.id = fl.client_order_id
              LEFT JOIN signal ON signal.symbol = intent.symbol AND signal.ts = intent.signal_ts
              JOIN instrument_specs spec ON spec.root = split_part(fl.symbol, ' ', 1)
             WHERE fl.ts >= $1 AND fl.ts < $2 AND coalesce(intent.limit_price, signal.price) IS NOT NULL
          )
     SELECT account, symbol, count(*) AS fills, sum(quantity) AS contracts,
            sum(ticks * quantity) / sum(quantity) AS average_ticks, sum(ticks * quantity * tick_value) AS total_dollars
       FROM f GROUP BY account, symbol ORDER BY account, symbol`;

/** One row of {@link SLIPPAGE_SQL}. */
export function slippageOf(row: Row): Slippage {
  return {
    account: String(row.account),
    symbol: String(row.symbol),
    fills: numberOf(row.fills),
    contracts: numberOf(row.contracts),
    averageTicks: numberOf(row.average_ticks),
    totalDollars: numberOf(row.total_dollars),
  };
}

/**
 * Slippage of fills against the intended price: the intent's limit price, else the price of the
 * signal it came from (market orders). A buy above or a sell below that price is positive
 * (a cost). Fills whose intent or signal is unknown are left out.
 */
export async function slippage(connection: DuckDBConnection, period: Period = ALL_TIME): Promise<Slippage[]> {
  await loadInstrumentSpecs(connection);
  const rows = await queryRows(connection, SLIPPAGE_SQL, [BigInt(period.from), BigInt(period.to)]);
  return rows.map(slippageOf);
}

export interface SignalToFillLatency {
  readonly fills: number;
  /** Milliseconds from the signal's ts to the fill's ts. */
  readonly meanMillis: number | null;
  readonly p50Millis: number | null;
  readonly p90Millis: number | null;
  readonly p99Millis: number | null;
  readonly maxMillis: number | null;
}

/** Latency from signal to fill, for fills whose order intent names its signal (`signalTs`). */
export async function signalToFillLatency(
  connection: DuckDBConnection,
  period: Period = ALL_TIME,
): Promise<SignalToFillLatency> {
  const [row] = await queryRows(
    connection,
    `WITH intent AS (SELECT id, any_value(signal_ts) AS signal_ts FROM order_intents GROUP BY id),
          l AS (SELECT (fl.ts - intent.signal_ts) / 1000.0 AS ms FROM fills fl JOIN intent ON intent.id = fl.client_order_id
                 WHERE intent.signal_ts IS NOT NULL AND fl.ts >= $1 AND fl.ts < $2)
     SELECT count(*) AS fills, avg(ms) AS mean, quantile_cont(ms, 0.5) AS p50, quantile_cont(ms, 0.9) AS p90,
            quantile_cont(ms, 0.99) AS p99, max(ms) AS max FROM l`,
    [BigInt(period.from), BigInt(period.to)],
  );
  return {
    fills: numberOf(row?.fills),
    meanMillis: numberOrNull(row?.mean),
    p50Millis: numberOrNull(row?.p50),
    p90Millis: numberOrNull(row?.p90),
    p99Millis: numberOrNull(row?.p99),
    maxMillis: numberOrNull(row?.max),
  };
}
