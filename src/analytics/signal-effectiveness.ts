import type { DuckDBConnection } from '@duckdb/node-api';
import { loadInstrumentSpecs } from './instrument-specs.js';
import { ALL_TIME, type Period } from './period.js';
import { numberOf, queryRows, type Row } from './query.js';

/** Forward horizons, in seconds, at which a signal's outcome is measured by default. */
export const DEFAULT_HORIZONS_SECONDS: readonly number[] = [60, 300, 900, 3600];

export type SignalDimension = 'confidence' | 'power' | 'confluence' | 'strength' | 'source';

export interface SignalEffectiveness {
  readonly dimension: SignalDimension;
  /** Bucket label: `0.7–0.8` for confidence, `Q1`..`Q5` (power quintiles), `3`, `strong`, a source. */
  readonly bucket: string;
  readonly horizonSeconds: number;
  /** Signals with a price at the horizon (later signals whose horizon is past the data are left out). */
  readonly signals: number;
  /** Share of signals whose price moved their way at the horizon. */
  readonly hitRate: number;
  /** Average move their way, in ticks of the instrument. */
  readonly averageTicks: number;
  /** Average move their way, in dollars per contract. */
  readonly averageDollars: number;
}

/**
 * The forward outcome of each long/short signal: the last tick price at or before `ts + h`
 * (an ASOF join on `ticks` by symbol id) against the signal's price, signed by its direction.
 * A horizon past the instrument's last tick is left out. Confidence is read from
 * `metadata.confidence` (0..1), bucketed by tenths; power is cut into quintiles. The outcomes
 * are materialised once (a temp table here, a materialised CTE for the engine's live reads), then
 * aggregated per attribute.
 */
export function signalOutcomesSelect(period: Period, horizons: readonly number[]): string {
  const from = Math.round(period.from);
  const to = Math.round(period.to);
  const seconds = horizons.map((h) => Math.round(h)).join(', ');
  // Only the ticks a horizon can reach: the ASOF join sorts its right side, and a daily report
  // must not sort months of history.
  const until = Math.min(
    Number.MAX_SAFE_INTEGER,
    to + Math.max(0, ...horizons.map((h) => Math.round(h))) * 1_000_000,
  );
  return `
WITH sig AS (
  SELECT g.seq, g.ts, g.source, g.symbol, s.id AS symbol_id, g.direction, g.strength, g.power, g.confluence, g.price,
         TRY_CAST(json_extract_string(g.metadata, '$.confidence') AS DOUBLE) AS confidence,
         ntile(5) OVER (ORDER BY g.power) AS power_quintile
    FROM signals g JOIN symbols s ON s.symbol = g.symbol
   WHERE g.direction IN ('long', 'short') AND g.ts >= ${from} AND g.ts < ${to}
),
target AS (
  SELECT sig.*, h.seconds, sig.ts + h.seconds * 1000000 AS target_ts
    FROM sig CROSS JOIN (SELECT unnest([${seconds}]::BIGINT[]) AS seconds) h
),
window_ticks AS (SELECT symbol_id, ts, price FROM ticks WHERE ts >= ${from} AND ts <= ${until}),
last_tick AS (SELECT symbol_id, max(ts) AS ts FROM window_ticks GROUP BY symbol_id),
outcome AS (
  SELECT target.*, t.price AS future_price
    FROM target ASOF JOIN window_ticks t ON t.symbol_id = target.symbol_id AND t.ts <= target.target_ts
)
SELECT o.*, (o.future_price - o.price) * CASE WHEN o.direction = 'long' THEN 1 ELSE -1 END AS move,
       spec.tick_size, spec.point_value
  FROM outcome o JOIN last_tick l ON l.symbol_id = o.symbol_id AND o.target_ts <= l.ts
  LEFT JOIN instrument_specs spec ON spec.root = split_part(o.symbol, ' ', 1)`;
}

function bucketExpression(dimension: SignalDimension): string {
  switch (dimension) {
    case 'confidence':
      return `CASE WHEN confidence IS NULL THEN 'none' ELSE
                printf('%.1f–%.1f', least(floor(confidence * 10), 9) / 10, least(floor(confidence * 10), 9) / 10 + 0.1) END`;
    case 'power':
      return "'Q' || power_quintile";
    case 'confluence':
      return 'CAST(confluence AS VARCHAR)';
    case 'strength':
      return 'strength';
    case 'source':
      return 'source';
  }
}

/**
 * The aggregate over a relation `signal_outcomes` (the rows of {@link signalOutcomesSelect}): one
 * row per dimension, bucket and horizon. Needs `instrument_specs` in scope.
 */
export function effectivenessSelect(dimensions: readonly SignalDimension[]): string {
  const selects = dimensions.map(
    (dimension) => `SELECT '${dimension}' AS dimension, ${bucketExpression(dimension)} AS bucket, seconds,
       count(*) AS signals, avg(CASE WHEN move > 0 THEN 1 ELSE 0 END) AS hit_rate,
       avg(move / coalesce(tick_size, 1)) AS average_ticks, avg(move * coalesce(point_value, 1)) AS average_dollars
     FROM signal_outcomes GROUP BY ALL`,
  );
  return `${selects.join(' UNION ALL ')} ORDER BY dimension, bucket, seconds`;
}

/** One row of {@link effectivenessSelect}, BIGINT already read as number. */
export function effectivenessOf(row: Row): SignalEffectiveness {
  return {
    dimension: String(row.dimension) as SignalDimension,
    bucket: String(row.bucket),
    horizonSeconds: numberOf(row.seconds),
    signals: numberOf(row.signals),
    hitRate: numberOf(row.hit_rate),
    averageTicks: numberOf(row.average_ticks),
    averageDollars: numberOf(row.average_dollars),
  };
}

/**
 * Keep the ASOF join a merge: below this threshold of probe rows DuckDB plans a nested loop over
 * every tick, which takes seconds instead of milliseconds on a day of ticks.
 */
export const ASOF_MERGE_SETTING = 'SET asof_loop_join_threshold = 0';

/** Hit rate and average forward move per bucket of a signal attribute, at several horizons. */
export async function signalEffectiveness(
  connection: DuckDBConnection,
  options: {
    period?: Period;
    horizonsSeconds?: readonly number[];
    dimensions?: readonly SignalDimension[];
  } = {},
): Promise<SignalEffectiveness[]> {
  await loadInstrumentSpecs(connection);
  const period = options.period ?? ALL_TIME;
  const horizons = options.horizonsSeconds ?? DEFAULT_HORIZONS_SECONDS;
  const dimensions = options.dimensions ?? ['confidence', 'power', 'confluence', 'strength', 'source'];
  await connection.run(ASOF_MERGE_SETTING);
  await queryRows(
    connection,
    `CREATE OR REPLACE TEMP TABLE signal_outcomes AS ${signalOutcomesSelect(period, horizons)}`,
  );
  const rows = await queryRows(connection, effectivenessSelect(dimensions));
  return rows.map(effectivenessOf);
}
