import type { DuckDBConnection } from '@duckdb/node-api';
import { CONTRACT_SPECS } from '../core/instruments.js';

/**
 * Creates, once per connection, the connection-local table `instrument_specs(root, tick_size,
 * point_value, tick_value)` from the contract table in src/core/instruments.ts, so SQL can turn
 * points into dollars: join on `split_part(symbol, ' ', 1) = root`.
 */
const loaded = new WeakSet<DuckDBConnection>();

export async function loadInstrumentSpecs(connection: DuckDBConnection): Promise<void> {
  if (loaded.has(connection)) return;
  const specs = [...CONTRACT_SPECS.values()];
  const rows = specs.map((_, i) => `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3})`).join(', ');
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE instrument_specs AS
       SELECT root, tick_size, point_value, tick_size * point_value AS tick_value
         FROM (VALUES ${rows}) AS v(root, tick_size, point_value)`,
    specs.flatMap((spec) => [spec.root, spec.tickSize, spec.pointValue]),
  );
  loaded.add(connection);
}
