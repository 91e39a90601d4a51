import { DuckDBDataChunk, type DuckDBAppender, type DuckDBValue } from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import { duckdbType } from './column-types.js';
import { bytesPerRow, type SealedColumns } from './numeric-buffer.js';
import type { SealedRows } from './row-buffer.js';
import type { TableSpec } from './schema.js';

/** DuckDB's vector size: a DataChunk holds at most this many rows. */
export const CHUNK_ROWS = 2048;

/** Appends numeric columns through DataChunks, as raw memory copies (no per-value conversion). */
export function appendColumns(appender: DuckDBAppender, table: TableSpec, sealed: SealedColumns): void {
  const widths = table.columns.map(bytesPerRow);
  const chunk = DuckDBDataChunk.create(table.columns.map((c) => duckdbType(c.type)));
  for (let base = 0; base < sealed.length; base += CHUNK_ROWS) {
    const rows = Math.min(CHUNK_ROWS, sealed.length - base);
    chunk.reset();
    chunk.rowCount = rows;
    for (let c = 0; c < widths.length; c++) {
      const width = widths[c] as number;
      const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
      bindings.copy_data_to_vector(vector, 0, sealed.columns[c] as ArrayBuffer, base * width, rows * width);
    }
    appender.appendDataChunk(chunk);
  }
}

/** Appends rows of mixed values through DataChunks; BIGINT values are converted here. */
export function appendRows(appender: DuckDBAppender, table: TableSpec, sealed: SealedRows): void {
  const types = table.columns.map((c) => duckdbType(c.type));
  const bigInt = table.columns.map((c) => c.type === 'BIGINT');
  const width = table.columns.length;
  for (let base = 0; base < sealed.length; base += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, sealed.length - base);
    const columns: DuckDBValue[][] = [];
    for (let c = 0; c < width; c++) {
      const values = new Array<DuckDBValue>(count);
      for (let r = 0; r < count; r++) {
        const value = sealed.values[(base + r) * width + c] ?? null;
        values[r] = bigInt[c] === true && value !== null ? BigInt(value) : value;
      }
      columns.push(values);
    }
    // A fresh chunk per block: validity masks with NULLs must not leak into the next block.
    const chunk = DuckDBDataChunk.create(types);
    chunk.setColumns(columns);
    appender.appendDataChunk(chunk);
  }
}
