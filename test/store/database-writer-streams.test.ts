import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DatabaseWriter } from '../../src/store/database-writer.js';
import { DEFAULT_DUCKDB_SETTINGS } from '../../src/store/store.js';
import { BASE_TS, tempDir } from './helpers.js';

describe('the database writer’s query streams and sessions', () => {
  let temp: ReturnType<typeof tempDir>;
  let writer: DatabaseWriter;
  beforeEach(async () => {
    temp = tempDir();
    ({ writer } = await DatabaseWriter.open(temp.file('streams.duckdb'), DEFAULT_DUCKDB_SETTINGS, BASE_TS));
  });
  afterEach(async () => {
    await writer.close();
    temp.remove();
  });

  it('streams DuckDB’s objects (decimals, timestamps, lists) as their text, and primitives and NULL as they are', async () => {
    const { id, names } = await writer.openStream(
      `SELECT 1.5::DECIMAL(10, 2) AS d, TIMESTAMP '2026-01-02 03:04:05' AS t, [1, 2] AS l,
              NULL::INTEGER AS n, 7::INTEGER AS i, 8::BIGINT AS b, 'x' AS s, true AS f`,
    );
    expect(names).toEqual(['d', 't', 'l', 'n', 'i', 'b', 's', 'f']);
    expect(await writer.next(id)).toEqual({
      rowCount: 1,
      columns: [['1.50'], ['2026-01-02 03:04:05'], ['[1, 2]'], [null], [7], [8n], ['x'], [true]],
    });
    expect(await writer.next(id)).toEqual({ rowCount: 0, columns: [] });
  });

  it('closes a stream once it ends: asking it for more throws', async () => {
    const { id } = await writer.openStream('SELECT 1 AS one');
    expect((await writer.next(id)).rowCount).toBe(1);
    expect((await writer.next(id)).rowCount).toBe(0);
    await expect(writer.next(id)).rejects.toThrow(`no open query ${id}`);
  });

  it('ends a stream closed before its end: asking it for more throws', async () => {
    const { id } = await writer.openStream('SELECT * FROM range(10000)');
    expect((await writer.next(id)).rowCount).toBeGreaterThan(0);
    writer.closeStream(id);
    await expect(writer.next(id)).rejects.toThrow(`no open query ${id}`);
    writer.closeStream(id);
  });

  it('gives every stream and session an id of its own', async () => {
    const first = await writer.openStream('SELECT 1');
    const session = await writer.openSession();
    const second = await writer.openStream('SELECT 2');
    const other = await writer.openSession();
    expect(new Set([first.id, session, second.id, other]).size).toBe(4);
    expect((await writer.next(first.id)).columns).toEqual([[1]]);
    expect((await writer.next(second.id)).columns).toEqual([[2]]);
  });

  it('runs session queries on one connection, with `$n` values bound when given', async () => {
    const session = await writer.openSession();
    // Without values the SQL runs as it is: several statements, and a script of comments only.
    expect(
      await writer.sessionQuery(session, 'CREATE TEMP TABLE kept AS SELECT 41 AS x; SELECT x FROM kept', []),
    ).toEqual({ names: ['x'], columns: [[41]] });
    expect(await writer.sessionQuery(session, '-- nothing to report', [])).toEqual({
      names: [],
      columns: [],
    });
    expect(
      await writer.sessionQuery(session, 'SELECT x + $1 AS y, $2::VARCHAR AS s FROM kept', [1, 'ok']),
    ).toEqual({ names: ['y', 's'], columns: [[42], ['ok']] });
  });

  it('closes a session: querying it then throws, and closing it again does nothing', async () => {
    const session = await writer.openSession();
    writer.closeSession(session);
    await expect(writer.sessionQuery(session, 'SELECT 1', [])).rejects.toThrow(`no open session ${session}`);
    writer.closeSession(session);
  });

  it('reports DuckDB’s memory only for the tags that hold some', async () => {
    const session = await writer.openSession();
    await writer.sessionQuery(
      session,
      'CREATE TEMP TABLE filler AS SELECT range AS i FROM range(100000)',
      [],
    );
    const tags = await writer.memory();
    expect(Object.keys(tags)).toContain('IN_MEMORY_TABLE');
    for (const tag of Object.values(tags)) expect(tag.memory + tag.temporary).toBeGreaterThan(0);
  });
});
