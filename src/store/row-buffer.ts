import type { TableSpec } from './schema.js';

/** One row's values in column order; BIGINT columns as numbers (converted on append), NULL as null. */
export type RowValues = (string | number | null)[];

/** The rows of a row buffer as handed to the writer thread: one flat array, row after row. */
export interface SealedRows {
  readonly length: number;
  readonly values: RowValues;
}

/**
 * Rows of a table with text or optional columns (signals, orders, fills, rejects...), kept in
 * one flat array: a single array of primitives is what the structured clone to the writer
 * thread copies fastest. These tables carry far fewer rows than market data.
 */
export class RowBuffer {
  readonly table: TableSpec;
  private values: RowValues = [];
  private readonly width: number;

  constructor(table: TableSpec) {
    this.table = table;
    this.width = table.columns.length;
  }

  get length(): number {
    return this.values.length / this.width;
  }

  push(row: RowValues): void {
    for (let c = 0; c < this.width; c++) this.values.push(row[c] ?? null);
  }

  /** Hands the rows over and starts an empty buffer. */
  seal(): SealedRows {
    const sealed = { length: this.length, values: this.values };
    this.values = [];
    return sealed;
  }
}
