import { NumericBuffer, type SealedColumns } from './numeric-buffer.js';
import { RowBuffer, type SealedRows } from './row-buffer.js';
import { TABLES, type TableKey } from './schema.js';

/** A batch as it crosses to the writer thread: plain data and transferable buffers only. */
export interface SealedBatch {
  /** Symbols first seen in this batch: [id, symbol]. */
  readonly newSymbols: readonly (readonly [number, string])[];
  readonly ticks: SealedColumns;
  readonly bars: SealedColumns;
  readonly rows: readonly (readonly [TableKey, SealedRows])[];
}

/** A sealed batch on its way to the writer thread, with what the store needs once it commits. */
export interface Sealed {
  readonly batch: SealedBatch;
  /** The buffers to transfer to the writer thread rather than copy. */
  readonly transfer: ArrayBuffer[];
  readonly rows: number;
  /** performance.now() when the batch's first row arrived. */
  readonly openedAt: number;
  /** Edge envelopes in the batch, per source. */
  readonly received: Map<string, number[]>;
}

/** One batch: the rows accepted since the previous seal, per table. */
export class Batch {
  readonly ticks = new NumericBuffer(TABLES.ticks);
  readonly bars = new NumericBuffer(TABLES.bars);
  readonly rows = new Map<TableKey, RowBuffer>();
  newSymbols: [number, string][] = [];
  /** Edge envelopes in this batch, per source: their seqs count toward the watermark once committed. */
  received = new Map<string, number[]>();
  rowCount = 0;
  /** performance.now() when the first row arrived. */
  openedAt = 0;

  buffer(key: TableKey): RowBuffer {
    let buffer = this.rows.get(key);
    if (!buffer) {
      buffer = new RowBuffer(TABLES[key]);
      this.rows.set(key, buffer);
    }
    return buffer;
  }

  /** Hands the rows over for the writer thread and empties the batch for the next rows. */
  seal(): Sealed {
    const ticks = this.ticks.seal();
    const bars = this.bars.seal();
    const rows: [TableKey, SealedRows][] = [];
    for (const [key, buffer] of this.rows) if (buffer.length > 0) rows.push([key, buffer.seal()]);
    const sealed: Sealed = {
      batch: { newSymbols: this.newSymbols, ticks, bars, rows },
      transfer: [...ticks.columns, ...bars.columns],
      rows: this.rowCount,
      openedAt: this.openedAt,
      received: this.received,
    };
    this.ticks.clear();
    this.bars.clear();
    this.newSymbols = [];
    this.received = new Map();
    this.rowCount = 0;
    this.openedAt = 0;
    return sealed;
  }
}
