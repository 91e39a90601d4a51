import type { DuckDBConnection } from '@duckdb/node-api';
import { ALL_TIME, type Period } from './period.js';
import { numberOf, numberOrNull, queryRows } from './query.js';

export interface ReturnCorrelation {
  readonly a: string;
  readonly b: string;
  /** Pearson correlation of one-minute log returns over the minutes both traded. */
  readonly correlation: number | null;
  readonly observations: number;
}

/** Correlation of instruments' one-minute log returns (last tick price of each minute). */
export async function returnCorrelations(
  connection: DuckDBConnection,
  period: Period = ALL_TIME,
): Promise<ReturnCorrelation[]> {
  const rows = await queryRows(
    connection,
    `WITH closes AS (
       SELECT symbol, ts // 60000000 AS minute, arg_max(price, ts) AS close
         FROM ticks_v WHERE ts >= $1 AND ts < $2 GROUP BY symbol, minute
     ),
     returns AS (
       SELECT symbol, minute, ln(close / lag(close) OVER (PARTITION BY symbol ORDER BY minute)) AS r FROM closes
     )
     SELECT x.symbol AS a, y.symbol AS b, corr(x.r, y.r) AS correlation, count(*) AS observations
       FROM returns x JOIN returns y ON x.minute = y.minute AND x.symbol < y.symbol
      WHERE x.r IS NOT NULL AND y.r IS NOT NULL
      GROUP BY x.symbol, y.symbol ORDER BY a, b`,
    [BigInt(period.from), BigInt(period.to)],
  );
  return rows.map((row) => {
    const correlation = numberOrNull(row.correlation);
    return {
      a: String(row.a),
      b: String(row.b),
      correlation: correlation !== null && Number.isFinite(correlation) ? correlation : null,
      observations: numberOf(row.observations),
    };
  });
}
