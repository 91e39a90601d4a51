import { DuckDBDataChunk, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import { duckdbType } from './column-types.js';
import { CHUNK_ROWS } from './numeric-buffer.js';
import type { TableSpec } from './schema.js';

/** One row's values in column order; BIGINT columns as numbers (converted on append), NULL as null. */
export type RowValues = (string | number | null)[];

/**
 * Rows of a table with text or optional columns (signals, orders, fills, rejects...), kept as
 * arrays of values and appended through DataChunks. These tables carry far fewer rows than
 * market data, so the per-value conversion the binding does is affordable.
 */
export class RowBuffer {
  readonly table: TableSpec;
  private rows: RowValues[] = [];
  private readonly bigIntColumns: boolean[];

  constructor(table: TableSpec) {
    this.table = table;
    this.bigIntColumns = table.columns.map((c) => c.type === 'BIGINT');
  }

  get length(): number {
    return this.rows.length;
  }

  push(row: RowValues): void {
    this.rows.push(row);
  }

  clear(): void {
    this.rows = [];
  }

  appendTo(appender: DuckDBAppender): void {
    const types = this.table.columns.map((c) => duckdbType(c.type));
    const width = this.table.columns.length;
    for (let base = 0; base < this.rows.length; base += CHUNK_ROWS) {
      const count = Math.min(CHUNK_ROWS, this.rows.length - base);
      const columns: DuckDBValue[][] = [];
      for (let c = 0; c < width; c++) {
        const values: DuckDBValue[] = new Array<DuckDBValue>(count);
        const bigInt = this.bigIntColumns[c] === true;
        for (let r = 0; r < count; r++) {
          const value = (this.rows[base + r] as RowValues)[c] ?? null;
          values[r] = bigInt && value !== null ? BigInt(value) : value;
        }
        columns.push(values);
      }
      // A fresh chunk per block: validity masks with NULLs must not leak into the next block.
      const chunk = DuckDBDataChunk.create(types);
      chunk.setColumns(columns);
      appender.appendDataChunk(chunk);
    }
  }
}
