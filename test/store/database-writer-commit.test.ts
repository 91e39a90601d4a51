import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Batch, type SealedBatch } from '../../src/store/batch.js';
import { DatabaseWriter } from '../../src/store/database-writer.js';
import { writeInt64, type NumericBuffer } from '../../src/store/numeric-buffer.js';
import { TABLES, type ColumnSpec } from '../../src/store/schema.js';
import { DEFAULT_DUCKDB_SETTINGS } from '../../src/store/store.js';
import { BASE_TS, tempDir } from './helpers.js';

/** Appends a row of a numeric table (ticks, bars): seq, ts, then `value` in every other column. */
function numericRow(buffer: NumericBuffer, seq: number, value: number): void {
  const row = buffer.addRow();
  buffer.table.columns.forEach((column, c) => {
    const array = buffer.columns[c] as Int32Array | Float64Array | Uint8Array;
    if (column.type === 'BIGINT') writeInt64(array as Int32Array, row, c === 0 ? seq : BASE_TS + seq);
    else array[row] = column.name.endsWith('_id') ? 1 : value;
  });
}

interface Rows {
  ticks?: number[];
  bars?: number[];
  alerts?: number[];
  symbols?: [number, string][];
}

function batchOf(rows: Rows): SealedBatch {
  const batch = new Batch();
  for (const seq of rows.ticks ?? []) numericRow(batch.ticks, seq, 5000 + seq);
  for (const seq of rows.bars ?? []) numericRow(batch.bars, seq, 100 + seq);
  for (const seq of rows.alerts ?? [])
    batch.buffer('alerts').push([seq, BASE_TS + seq, 'info', 'TEST', `alert ${seq}`, null, null]);
  batch.newSymbols.push(...(rows.symbols ?? []));
  return batch.seal().batch;
}

describe('the database writer committing batches', () => {
  let temp: ReturnType<typeof tempDir>;
  let writer: DatabaseWriter;
  beforeEach(async () => {
    temp = tempDir();
    ({ writer } = await DatabaseWriter.open(temp.file('commit.duckdb'), DEFAULT_DUCKDB_SETTINGS, BASE_TS));
  });
  afterEach(async () => {
    await writer.close();
    temp.remove();
  });

  async function rows(sql: string): Promise<unknown[][]> {
    const session = await writer.openSession();
    try {
      const { columns } = await writer.sessionQuery(session, sql, []);
      // BIGINTs come back as bigint: compare them as numbers (every one here is below 2^53).
      return (columns[0] ?? []).map((_, r) =>
        columns.map((column) => (typeof column[r] === 'bigint' ? Number(column[r]) : column[r])),
      );
    } finally {
      writer.closeSession(session);
    }
  }

  it('appends ticks and bars column by column, skipping the batches that have none', async () => {
    await writer.commit([
      batchOf({ ticks: [1, 2], bars: [1], symbols: [[1, 'ES 12-26']] }),
      batchOf({ alerts: [1] }),
      batchOf({ ticks: [3] }),
    ]);
    expect(await rows('SELECT seq, symbol_id, price, ask FROM ticks ORDER BY seq')).toEqual([
      [1, 1, 5001, 5001],
      [2, 1, 5002, 5002],
      [3, 1, 5003, 5003],
    ]);
    expect(await rows('SELECT seq, end_ts, open, trades FROM bars')).toEqual([[1, BASE_TS + 1, 101, 101]]);
    expect(await rows('SELECT count(*) FROM alerts')).toEqual([[1]]);
  });

  it('leaves alone the tables a commit has no rows for (even one another connection dropped)', async () => {
    const session = await writer.openSession();
    await writer.sessionQuery(
      session,
      'DROP VIEW ticks_v; DROP VIEW bars_v; DROP TABLE ticks; DROP TABLE bars; DROP TABLE symbols',
      [],
    );
    writer.closeSession(session);
    await writer.commit([batchOf({ alerts: [1, 2] }), batchOf({ alerts: [3] })]);
    expect(await rows('SELECT seq FROM alerts ORDER BY seq')).toEqual([[1], [2], [3]]);
  });

  it('never counts a group without rows as committed', async () => {
    expect(await writer.committed([])).toBe(false);
    expect(await writer.committed([batchOf({}), batchOf({})])).toBe(false);
  });

  it('tells a committed group by its first tick, even past seq 2^32', async () => {
    const high = 2 ** 32 + 7;
    const stored = batchOf({ ticks: [high, high + 1] });
    expect(await writer.committed([stored])).toBe(false);
    await writer.commit([stored]);
    expect(await writer.committed([batchOf({}), stored])).toBe(true);
    expect(await writer.committed([batchOf({ ticks: [high + 2] })])).toBe(false);
  });

  it('tells a committed group by its first bar when it has no ticks', async () => {
    const stored = batchOf({ bars: [5] });
    await writer.commit([stored]);
    expect(await writer.committed([stored])).toBe(true);
    expect(await writer.committed([batchOf({ bars: [6] })])).toBe(false);
  });

  it('tells a committed group by the first row of its first table with rows', async () => {
    const stored = batchOf({ alerts: [4, 5] });
    await writer.commit([stored]);
    expect(await writer.committed([stored])).toBe(true);
    expect(await writer.committed([batchOf({ alerts: [6] })])).toBe(false);
    // A group handed over with an empty part first is told by the part after it.
    const emptyFirst: SealedBatch = {
      ...batchOf({}),
      rows: [['fills', { length: 0, values: [] }], ...stored.rows],
    };
    expect(await writer.committed([emptyFirst])).toBe(true);
  });

  it('tells a committed group of new symbols alone by the first symbol’s id', async () => {
    const stored = batchOf({ symbols: [[7, 'CL 01-27']] });
    await writer.commit([stored]);
    expect(await writer.committed([stored])).toBe(true);
    expect(await writer.committed([batchOf({ symbols: [[8, 'GC 02-27']] })])).toBe(false);
  });

  it('refuses to probe a table whose first column is not seq', async () => {
    // The schema as a later change could leave it: the probe must not guess another key.
    const alerts = TABLES.alerts as unknown as { columns: readonly ColumnSpec[] };
    const columns = alerts.columns;
    const group = [batchOf({ alerts: [1] })];
    try {
      alerts.columns = columns.slice(1);
      await expect(writer.committed(group)).rejects.toThrow('table alerts does not start with seq');
      alerts.columns = [];
      await expect(writer.committed(group)).rejects.toThrow('table alerts does not start with seq');
    } finally {
      alerts.columns = columns;
    }
  });
});
