import { DuckDBDataChunk, type DuckDBAppender, type DuckDBType } from '@duckdb/node-api';
import bindings from '@duckdb/node-bindings';
import { duckdbType } from './column-types.js';
import type { ColumnSpec, TableSpec } from './schema.js';

/** DuckDB's vector size: a DataChunk holds at most this many rows. */
export const CHUNK_ROWS = 2048;

const TWO_POW_32 = 4294967296;

export type NumericArray = Int32Array | Float64Array | Uint8Array;

/** Writes an integer (|value| < 2^53) into a BIGINT column held as pairs of int32 words. */
export function writeInt64(words: Int32Array, row: number, value: number): void {
  const high = Math.floor(value / TWO_POW_32);
  words[row * 2] = value - high * TWO_POW_32;
  words[row * 2 + 1] = high;
}

function arrayFor(column: ColumnSpec, capacity: number): NumericArray {
  switch (column.type) {
    case 'BIGINT':
      return new Int32Array(capacity * 2);
    case 'INTEGER':
      return new Int32Array(capacity);
    case 'DOUBLE':
      return new Float64Array(capacity);
    case 'UTINYINT':
      return new Uint8Array(capacity);
    case 'VARCHAR':
      throw new Error(`column ${column.name}: a numeric buffer cannot hold VARCHAR`);
  }
}

function bytesPerRow(column: ColumnSpec): number {
  switch (column.type) {
    case 'BIGINT':
    case 'DOUBLE':
      return 8;
    case 'INTEGER':
      return 4;
    default:
      return 1;
  }
}

/**
 * Rows of an all-numeric, non-null table (ticks, bars) kept column by column in typed arrays, so
 * a batch goes to DuckDB as raw memory copies into DataChunks: no per-value conversion at append
 * time. BIGINT columns are written as two int32 words (little-endian low, high), exact for every
 * integer up to 2^53, which covers epoch microseconds and sequence numbers.
 */
export class NumericBuffer {
  readonly table: TableSpec;
  length = 0;
  private capacity: number;
  /**
   * The column arrays, in table order (BIGINT as Int32Array word pairs, INTEGER Int32Array,
   * DOUBLE Float64Array, UTINYINT Uint8Array). Read it after `addRow`, which may reallocate.
   */
  columns: NumericArray[];
  private readonly widths: number[];
  private readonly types: DuckDBType[];

  constructor(table: TableSpec, capacity = 8192) {
    this.table = table;
    this.capacity = capacity;
    this.columns = table.columns.map((c) => arrayFor(c, capacity));
    this.widths = table.columns.map(bytesPerRow);
    this.types = table.columns.map((c) => duckdbType(c.type));
  }

  /** Index of a new row; the caller writes its values with the set methods. */
  addRow(): number {
    if (this.length === this.capacity) this.grow();
    return this.length++;
  }

  setBigInt(column: number, row: number, value: number): void {
    writeInt64(this.columns[column] as Int32Array, row, value);
  }

  setNumber(column: number, row: number, value: number): void {
    (this.columns[column] as Float64Array)[row] = value;
  }

  /** Empties the buffer, keeping its memory. */
  clear(): void {
    this.length = 0;
  }

  /** Appends every row through DataChunks of {@link CHUNK_ROWS}. */
  appendTo(appender: DuckDBAppender): void {
    const chunk = DuckDBDataChunk.create(this.types);
    for (let base = 0; base < this.length; base += CHUNK_ROWS) {
      const rows = Math.min(CHUNK_ROWS, this.length - base);
      chunk.reset();
      chunk.rowCount = rows;
      for (let c = 0; c < this.columns.length; c++) {
        const array = this.columns[c] as NumericArray;
        const width = this.widths[c] as number;
        const vector = bindings.data_chunk_get_vector(chunk.chunk, c);
        bindings.copy_data_to_vector(
          vector,
          0,
          array.buffer as ArrayBuffer,
          array.byteOffset + base * width,
          rows * width,
        );
      }
      appender.appendDataChunk(chunk);
    }
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.columns = this.columns.map((old, c) => {
      const next = arrayFor(this.table.columns[c] as ColumnSpec, capacity);
      next.set(old as never);
      return next;
    });
    this.capacity = capacity;
  }
}
