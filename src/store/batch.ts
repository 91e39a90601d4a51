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

/** One batch: the rows accepted since the previous seal, per table. */
export class Batch {
  readonly ticks = new NumericBuffer(TABLES.ticks);
  readonly bars = new NumericBuffer(TABLES.bars);
  readonly rows = new Map<TableKey, RowBuffer>();
  newSymbols: [number, string][] = [];
  /** Edge envelopes in this batch, per source: their seqs count toward the watermark once committed. */
  readonly received = new Map<string, number[]>();
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

  /** The rows for the writer thread, and the buffers to transfer rather than copy. */
  seal(): { batch: SealedBatch; transfer: ArrayBuffer[] } {
    const ticks = this.ticks.seal();
    const bars = this.bars.seal();
    const rows: [TableKey, SealedRows][] = [];
    for (const [key, buffer] of this.rows) if (buffer.length > 0) rows.push([key, buffer.seal()]);
    const batch = { newSymbols: this.newSymbols, ticks, bars, rows };
    this.newSymbols = [];
    return { batch, transfer: [...ticks.columns, ...bars.columns] };
  }

  clear(): void {
    this.ticks.clear();
    this.bars.clear();
    for (const buffer of this.rows.values()) buffer.clear();
    this.newSymbols = [];
    this.received.clear();
    this.rowCount = 0;
    this.openedAt = 0;
  }
}
