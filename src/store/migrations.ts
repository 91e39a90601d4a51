import type { DuckDBConnection } from '@duckdb/node-api';
import { ENGINE_SOURCE } from '../core/market-source.js';
import { TABLES, createTableSql } from './schema.js';

/** One step of the schema's history; applied once, in order, inside a transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly statements: readonly string[];
}

/** Tables and columns created by a later migration, left out of the initial schema. */
const ADDED_LATER: ReadonlySet<string> = new Set([
  TABLES.decisions.name,
  TABLES.sources.name,
  TABLES.alertDeliveries.name,
  TABLES.audit.name,
]);
const COLUMNS_ADDED_LATER: ReadonlySet<string> = new Set(['source_id']);

const SIDE_TEXT = "CASE side WHEN 1 THEN 'buy' WHEN 2 THEN 'sell' ELSE 'unknown' END";

/**
 * The schema's history. Never edit a released migration: add the next version. The current
 * version is the highest `version` in `schema_migrations`.
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    statements: [
      'CREATE TABLE symbols (id INTEGER PRIMARY KEY, symbol VARCHAR NOT NULL UNIQUE)',
      ...Object.values(TABLES)
        .filter((table) => !ADDED_LATER.has(table.name))
        .map((table) => createTableSql(table, COLUMNS_ADDED_LATER)),
      `CREATE VIEW ticks_v AS SELECT t.seq, t.ts, s.symbol, t.price, t.size, t.bid, t.ask, ${SIDE_TEXT} AS side
         FROM ticks t JOIN symbols s ON s.id = t.symbol_id`,
      `CREATE VIEW bars_v AS SELECT b.seq, b.ts, b.end_ts, s.symbol, b.open, b.high, b.low, b.close, b.volume,
         b.buy_volume, b.sell_volume, b.trades FROM bars b JOIN symbols s ON s.id = b.symbol_id`,
    ],
  },
  {
    version: 2,
    name: 'risk decisions',
    statements: [createTableSql(TABLES.decisions)],
  },
  {
    // Each market source its own series: two feeds of one instrument never refuse each other.
    version: 3,
    name: 'market sources',
    statements: [
      createTableSql(TABLES.sources),
      `INSERT INTO sources VALUES (0, 0, '${ENGINE_SOURCE}')`,
      'ALTER TABLE ticks ADD COLUMN source_id INTEGER DEFAULT 0',
      'ALTER TABLE bars ADD COLUMN source_id INTEGER DEFAULT 0',
      `CREATE OR REPLACE VIEW ticks_v AS SELECT t.seq, t.ts, s.symbol, t.price, t.size, t.bid, t.ask, ${SIDE_TEXT} AS side,
         m.source FROM ticks t JOIN symbols s ON s.id = t.symbol_id JOIN sources m ON m.seq = t.source_id`,
      `CREATE OR REPLACE VIEW bars_v AS SELECT b.seq, b.ts, b.end_ts, s.symbol, b.open, b.high, b.low, b.close, b.volume,
         b.buy_volume, b.sell_volume, b.trades, m.source FROM bars b JOIN symbols s ON s.id = b.symbol_id
         JOIN sources m ON m.seq = b.source_id`,
    ],
  },
  {
    version: 4,
    name: 'audit log',
    statements: [createTableSql(TABLES.audit)],
  },
  {
    version: 5,
    name: 'alert deliveries',
    statements: [createTableSql(TABLES.alertDeliveries)],
  },
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = Math.max(...MIGRATIONS.map((m) => m.version));

/**
 * Brings the database to {@link SCHEMA_VERSION}; returns the versions it applied. Every version
 * not yet in `schema_migrations` is applied, not only those above the highest: migrations written
 * side by side (4 and 5) may reach a database in either order.
 */
export async function migrate(connection: DuckDBConnection, now: () => number): Promise<number[]> {
  await connection.run(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at BIGINT NOT NULL)',
  );
  const reader = await connection.runAndReadAll('SELECT version FROM schema_migrations');
  const done = new Set(reader.getRows().map((row) => Number(row[0])));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    await connection.run('BEGIN TRANSACTION');
    try {
      for (const statement of migration.statements) await connection.run(statement);
      await connection.run('INSERT INTO schema_migrations VALUES ($1, $2, $3)', [
        migration.version,
        migration.name,
        BigInt(now()),
      ]);
      await connection.run('COMMIT');
    } catch (error) {
      await connection.run('ROLLBACK');
      throw error;
    }
    applied.push(migration.version);
  }
  return applied;
}
