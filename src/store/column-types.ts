import { BIGINT, DOUBLE, INTEGER, UTINYINT, VARCHAR, type DuckDBType } from '@duckdb/node-api';
import type { ColumnType } from './schema.js';

/** The DuckDB type object for a schema column type. */
export function duckdbType(type: ColumnType): DuckDBType {
  switch (type) {
    case 'BIGINT':
      return BIGINT;
    case 'INTEGER':
      return INTEGER;
    case 'DOUBLE':
      return DOUBLE;
    case 'UTINYINT':
      return UTINYINT;
    case 'VARCHAR':
      return VARCHAR;
  }
}
