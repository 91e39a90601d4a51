import { existsSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Batch } from '../../src/store/batch.js';
import { DatabaseWriter, OpenError, type StoredState } from '../../src/store/database-writer.js';
import { writeInt64 } from '../../src/store/numeric-buffer.js';
import { TABLES, type TableKey } from '../../src/store/schema.js';
import { DEFAULT_DUCKDB_SETTINGS } from '../../src/store/store.js';
import { BASE_TS, tempDir } from './helpers.js';

/** Every table at `seq` 1, but those given. */
function nextSeqs(given: Partial<Record<TableKey, number>>): Record<TableKey, number> {
  const all = Object.fromEntries(Object.keys(TABLES).map((key) => [key, 1])) as Record<TableKey, number>;
  return { ...all, ...given };
}

/** Edge envelopes of a source, one `received` row per source seq, from `seq` on. */
function received(batch: Batch, seq: number, source: string, sourceSeqs: number[]): number {
  for (const sourceSeq of sourceSeqs) {
    batch.buffer('received').push([seq, BASE_TS + seq, source, sourceSeq, 'tick', '{}', null, null]);
    seq++;
  }
  return seq;
}

const byFirst = <T extends readonly [unknown, unknown]>(rows: readonly T[]): T[] =>
  [...rows].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

describe('the database writer opening a file', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => {
    temp.remove();
  });

  async function reopen(path: string): Promise<StoredState> {
    const { writer, state } = await DatabaseWriter.open(path, DEFAULT_DUCKDB_SETTINGS, BASE_TS);
    await writer.close();
    return state;
  }

  it('starts every table of a new file at seq 1, with only the engine as a source', async () => {
    const state = await reopen(temp.file('new.duckdb'));
    expect(state.nextSeq).toEqual(nextSeqs({}));
    expect(state.symbols).toEqual([]);
    expect(state.sources).toEqual([[0, 'engine']]);
    expect(state.watermarks).toEqual([]);
  });

  it('restores each table’s next seq, the symbols and the sources from a file with rows in it', async () => {
    const path = temp.file('rows.duckdb');
    const { writer } = await DatabaseWriter.open(path, DEFAULT_DUCKDB_SETTINGS, BASE_TS);
    const batch = new Batch();
    batch.newSymbols.push([1, 'ES 12-26'], [2, 'NQ 12-26']);
    for (const seq of [1, 2, 3])
      batch.buffer('alerts').push([seq, BASE_TS + seq, 'info', 'TEST', `alert ${seq}`, null, null]);
    batch.buffer('sources').push([1, BASE_TS, 'gateway:a']);
    for (const seq of [1, 2]) {
      const row = batch.ticks.addRow();
      const columns = batch.ticks.columns;
      writeInt64(columns[0] as Int32Array, row, seq);
      writeInt64(columns[1] as Int32Array, row, BASE_TS + seq);
      (columns[2] as Int32Array)[row] = 1;
      for (const c of [3, 4, 5, 6]) (columns[c] as Float64Array)[row] = 5000;
    }
    await writer.commit([batch.seal().batch]);
    await writer.close();

    const state = await reopen(path);
    expect(state.nextSeq).toEqual(nextSeqs({ alerts: 4, ticks: 3, sources: 2 }));
    expect(byFirst(state.symbols)).toEqual([
      [1, 'ES 12-26'],
      [2, 'NQ 12-26'],
    ]);
    expect(byFirst(state.sources)).toEqual([
      [0, 'engine'],
      [1, 'gateway:a'],
    ]);
  });

  it('restores a watermark, the highest contiguous seq, only for sources whose seqs start at 1', async () => {
    const path = temp.file('received.duckdb');
    const { writer } = await DatabaseWriter.open(path, DEFAULT_DUCKDB_SETTINGS, BASE_TS);
    const batch = new Batch();
    let seq = received(batch, 1, 'gap', [1, 2, 2, 3, 5, 6]);
    seq = received(batch, seq, 'late', [2, 3, 4]);
    received(batch, seq, 'one', [1]);
    await writer.commit([batch.seal().batch]);
    await writer.close();

    const state = await reopen(path);
    expect(byFirst(state.watermarks)).toEqual([
      ['gap', 3],
      ['one', 1],
    ]);
    expect(state.nextSeq.received).toBe(11);
  });

  it('creates the folders of a path that does not exist yet', async () => {
    const path = temp.file('a/b/c/deep.duckdb');
    await reopen(path);
    expect(existsSync(path)).toBe(true);
  });

  it('takes the memory limit as a value, never as SQL: a quote in it is refused, not dropped', async () => {
    const opening = DatabaseWriter.open(
      temp.file('quote.duckdb'),
      { ...DEFAULT_DUCKDB_SETTINGS, memory_limit: "64MB'" },
      BASE_TS,
    );
    await expect(opening).rejects.toBeInstanceOf(OpenError);
    await expect(opening).rejects.toMatchObject({ stage: 'open' });
  });
});
