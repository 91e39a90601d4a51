import type { ColumnSpec, TableSpec } from './schema.js';

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

/** Bytes one row takes in a column's array (BIGINT: two int32 words). */
export function bytesPerRow(column: ColumnSpec): number {
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

/** The rows of a numeric buffer, column by column, as handed to the writer thread. */
export interface SealedColumns {
  readonly length: number;
  /** One buffer per column, in table order, holding exactly `length` rows. */
  readonly columns: readonly ArrayBuffer[];
}

/**
 * Rows of an all-numeric, non-null table (ticks, bars) kept column by column in typed arrays, so
 * a batch goes to the writer thread and into DuckDB's DataChunks as raw memory copies: no per-value conversion at append
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

  constructor(table: TableSpec, capacity = 8192) {
    this.table = table;
    this.capacity = capacity;
    this.columns = table.columns.map((c) => arrayFor(c, capacity));
    this.widths = table.columns.map(bytesPerRow);
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

  /**
   * A copy of the filled part of every column, as buffers the writer thread can take over
   * (transferred, not cloned); the buffer itself is reused for the next batch.
   */
  seal(): SealedColumns {
    return {
      length: this.length,
      columns: this.columns.map((array, c) =>
        array.buffer.slice(array.byteOffset, array.byteOffset + this.length * (this.widths[c] as number)),
      ) as ArrayBuffer[],
    };
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
