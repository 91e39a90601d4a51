import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Batch } from '../../src/store/batch.js';
import { DatabaseWriter } from '../../src/store/database-writer.js';
import { DEFAULT_DUCKDB_SETTINGS } from '../../src/store/store.js';
import { brokenDisk, type BrokenDisk } from './broken-disk.js';
import { BASE_TS, queryFile, tempDir } from './helpers.js';

/** A sealed batch of alert rows `from..to` (one of them, when asked, missing its NOT NULL code). */
function alerts(from: number, to: number, broken = false) {
  const batch = new Batch();
  for (let seq = from; seq <= to; seq++)
    batch
      .buffer('alerts')
      .push([seq, BASE_TS + seq, 'info', broken ? null : 'TEST', `alert ${seq}`, null, null]);
  return batch.seal().batch;
}

async function setting(writer: DatabaseWriter, name: string): Promise<string> {
  const { id } = await writer.openStream(`SELECT current_setting('${name}')::VARCHAR`);
  const chunk = await writer.next(id);
  writer.closeStream(id);
  return String(chunk.columns[0]?.[0]);
}

describe('the database writer’s lifetime', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => {
    temp.remove();
  });

  it('closes every open stream and session with the database, and releases the file', async () => {
    const path = temp.file('close.duckdb');
    const { writer } = await DatabaseWriter.open(path, DEFAULT_DUCKDB_SETTINGS, BASE_TS);
    await writer.commit([alerts(1, 3)]);
    const streams = [
      await writer.openStream('SELECT * FROM range(10000)'),
      await writer.openStream('SELECT 1'),
    ];
    const sessions = [await writer.openSession(), await writer.openSession()];
    await writer.close();
    for (const { id } of streams) await expect(writer.next(id)).rejects.toThrow(`no open query ${id}`);
    for (const id of sessions)
      await expect(writer.sessionQuery(id, 'SELECT 1', [])).rejects.toThrow(`no open session ${id}`);
    const [counts] = await queryFile(path, 'SELECT count(*) FROM alerts');
    expect(counts?.map(Number)).toEqual([3]);
  });

  it('keeps an in-memory database across writes: it is never reopened unasked', async () => {
    const { writer } = await DatabaseWriter.open(':memory:', DEFAULT_DUCKDB_SETTINGS, BASE_TS);
    await writer.commit([alerts(1, 2)]);
    await writer.commit([alerts(3, 3)]);
    const { id } = await writer.openStream('SELECT count(*) FROM alerts');
    expect((await writer.next(id)).columns).toEqual([[3n]]);
    await writer.close();
  });

  it('keeps its sessions through a commit refused for its rows (only a fatal error reopens the database)', async () => {
    const { writer } = await DatabaseWriter.open(
      temp.file('refused.duckdb'),
      DEFAULT_DUCKDB_SETTINGS,
      BASE_TS,
    );
    const session = await writer.openSession();
    await writer.sessionQuery(session, 'CREATE TEMP TABLE kept AS SELECT 1 AS x', []);
    await expect(writer.commit([alerts(1, 2, true)])).rejects.toThrow(/NOT NULL|null/i);
    await writer.commit([alerts(1, 2)]);
    expect(await writer.sessionQuery(session, 'SELECT x FROM kept', [])).toEqual({
      names: ['x'],
      columns: [[1]],
    });
    await writer.close();
  });
});

describe('the database writer on a disk that fills up', () => {
  let disk: BrokenDisk;
  beforeEach((context) => {
    disk = brokenDisk();
    // A checkpoint only fails on a full disk (a tmpfs, which needs root).
    if (disk.kind !== 'full') context.skip();
  });
  afterEach(() => {
    disk.repair();
    disk.dispose();
  });

  /** A writer whose database DuckDB invalidated (a checkpoint found the disk full), the disk repaired. */
  async function invalidated(): Promise<DatabaseWriter> {
    const { writer } = await DatabaseWriter.open(
      join(disk.dir, 'writer.duckdb'),
      DEFAULT_DUCKDB_SETTINGS,
      BASE_TS,
    );
    await writer.commit([alerts(1, 1000)]);
    disk.break();
    await expect(writer.checkpoint()).rejects.toThrow(/FATAL|No space left/);
    disk.repair();
    return writer;
  }

  it('reopens an invalidated database with the settings it was opened with', async () => {
    const writer = await invalidated();
    expect(await setting(writer, 'memory_limit')).toBe('61.0 MiB');
    expect(await setting(writer, 'threads')).toBe('1');
    await writer.close();
  });

  it('reopens an invalidated database once: its sessions then last through later commits', async () => {
    const writer = await invalidated();
    const session = await writer.openSession();
    await writer.commit([alerts(1001, 1002)]);
    await writer.checkpoint();
    expect(await writer.sessionQuery(session, 'SELECT count(*) AS n FROM alerts', [])).toEqual({
      names: ['n'],
      columns: [[1002n]],
    });
    await writer.close();
  });

  it('closes a reopened database with its streams', async () => {
    const writer = await invalidated();
    const { id } = await writer.openStream('SELECT * FROM range(10000)');
    await writer.close();
    await expect(writer.next(id)).rejects.toThrow(`no open query ${id}`);
  });

  it('reports a final checkpoint that cannot write, and releases the database all the same', async () => {
    const { writer } = await DatabaseWriter.open(
      join(disk.dir, 'close.duckdb'),
      DEFAULT_DUCKDB_SETTINGS,
      BASE_TS,
    );
    await writer.commit([alerts(1, 1000)]);
    const { id } = await writer.openStream('SELECT * FROM range(10000)');
    disk.break();
    await expect(writer.close()).rejects.toThrow(/FATAL|No space left/);
    await expect(writer.next(id)).rejects.toThrow(`no open query ${id}`);
  });
});
