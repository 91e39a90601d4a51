import type { DuckDBConnection, DuckDBValue } from '@duckdb/node-api';
import { StorageError, describeError } from '../core/errors.js';

/** A result row with BIGINT already turned into number (safe for times, counts, sequence numbers). */
export type Row = Record<string, string | number | boolean | null>;

function plain(value: unknown): string | number | boolean | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'bigint') return Number(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return String(value);
}

/** Runs a query and returns its rows as plain objects; failures become STORE_QUERY_FAILED. */
export async function queryRows(
  connection: DuckDBConnection,
  sql: string,
  values?: DuckDBValue[],
): Promise<Row[]> {
  try {
    const reader = await connection.runAndReadAll(sql, values);
    return reader.getRowObjectsJS().map((row) => {
      const out: Row = {};
      for (const key in row) out[key] = plain(row[key]);
      return out;
    });
  } catch (cause) {
    throw new StorageError('STORE_QUERY_FAILED', `query failed: ${describeError(cause)}`, { cause });
  }
}

/** A numeric column (null stays null). */
export function numberOrNull(value: Row[string] | undefined): number | null {
  return value === null || value === undefined ? null : Number(value);
}

export function numberOf(value: Row[string] | undefined): number {
  return Number(value ?? 0);
}

export function textOrNull(value: Row[string] | undefined): string | null {
  return value === null || value === undefined ? null : String(value);
}
