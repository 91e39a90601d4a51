import { afterEach, describe, expect, it } from 'vitest';
import { Batch } from '../../src/store/batch.js';
import { DatabaseWriter, OpenError } from '../../src/store/database-writer.js';
import { DEFAULT_DUCKDB_SETTINGS } from '../../src/store/store.js';
import { BASE_TS, tempDir } from './helpers.js';

async function setting(writer: DatabaseWriter, name: string): Promise<string> {
  const { id } = await writer.openStream(`SELECT current_setting('${name}')::VARCHAR`);
  const chunk = await writer.next(id);
  writer.closeStream(id);
  return String(chunk.columns[0]?.[0]);
}

describe('the store’s DuckDB memory', () => {
  let temp: ReturnType<typeof tempDir> | undefined;
  let writer: DatabaseWriter | undefined;
  afterEach(async () => {
    await writer?.close();
    writer = undefined;
    temp?.remove();
  });

  it('bounds the buffer pool and returns freed pages once the store is open', async () => {
    temp = tempDir();
    ({ writer } = await DatabaseWriter.open(temp.file('memory.duckdb'), DEFAULT_DUCKDB_SETTINGS, BASE_TS));
    // 64 MB (decimal, as the setting is written) is 61 MiB.
    expect(await setting(writer, 'memory_limit')).toBe('61.0 MiB');
    expect(await setting(writer, 'allocator_background_threads')).toBe('true');
  });

  it('reports DuckDB’s own accounting of its memory, by tag', async () => {
    temp = tempDir();
    ({ writer } = await DatabaseWriter.open(temp.file('memory.duckdb'), DEFAULT_DUCKDB_SETTINGS, BASE_TS));
    const batch = new Batch();
    for (let seq = 1; seq <= 5000; seq++)
      batch.buffer('alerts').push([seq, BASE_TS + seq, 'info', 'TEST', `alert ${seq}`, null, null]);
    await writer.commit([batch.seal().batch]);
    const tags = await writer.memory();
    const total = Object.values(tags).reduce((sum, tag) => sum + tag.memory, 0);
    expect(total).toBeGreaterThan(0);
    for (const tag of Object.values(tags)) expect(tag.temporary).toBeGreaterThanOrEqual(0);
  });

  it('refuses a memory limit DuckDB cannot read, as a failure to open', async () => {
    temp = tempDir();
    const opening = DatabaseWriter.open(
      temp.file('memory.duckdb'),
      { ...DEFAULT_DUCKDB_SETTINGS, memory_limit: 'plenty' },
      BASE_TS,
    );
    await expect(opening).rejects.toBeInstanceOf(OpenError);
    await expect(opening).rejects.toMatchObject({ stage: 'open' });
  });
});
