import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Batch } from '../../src/store/batch.js';
import { DatabaseWriter } from '../../src/store/database-writer.js';
import { DEFAULT_DUCKDB_SETTINGS } from '../../src/store/store.js';
import { BASE_TS, tempDir } from './helpers.js';

/** A sealed batch of alert rows (and, when asked, one fill row missing its NOT NULL price). */
function alerts(seqs: number[], brokenFill = false) {
  const batch = new Batch();
  for (const seq of seqs)
    batch.buffer('alerts').push([seq, BASE_TS + seq, 'info', 'TEST', `alert ${seq}`, null, null]);
  if (brokenFill) {
    batch.buffer('fills').push([1, BASE_TS, 'f1', 'o1', 'A', 'ES 12-26', 'buy', 1, null, 0]);
  }
  return batch.seal().batch;
}

describe('the database writer (the store’s writer thread)', () => {
  let temp: ReturnType<typeof tempDir>;
  let writer: DatabaseWriter;
  beforeEach(async () => {
    temp = tempDir();
    ({ writer } = await DatabaseWriter.open(temp.file('writer.duckdb'), DEFAULT_DUCKDB_SETTINGS, BASE_TS));
  });
  afterEach(async () => {
    await writer.close();
    temp.remove();
  });

  async function alertSeqs(): Promise<number[]> {
    const { id } = await writer.openStream('SELECT seq FROM alerts ORDER BY seq');
    const seqs: number[] = [];
    for (let chunk = await writer.next(id); chunk.rowCount > 0; chunk = await writer.next(id)) {
      seqs.push(...(chunk.columns[0] as bigint[]).map(Number));
    }
    return seqs;
  }

  it('commits batches that queued up in one transaction, in order', async () => {
    await writer.commit([alerts([1, 2]), alerts([3])]);
    expect(await alertSeqs()).toEqual([1, 2, 3]);
  });

  it('commits all of a group or nothing of it, and the next commit starts clean', async () => {
    await writer.commit([alerts([1])]);
    await expect(writer.commit([alerts([2]), alerts([3], true)])).rejects.toThrow(/NOT NULL|null/i);
    expect(await alertSeqs()).toEqual([1]);
    await writer.commit([alerts([2, 3])]);
    expect(await alertSeqs()).toEqual([1, 2, 3]);
  });
});
