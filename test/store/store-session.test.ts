import { afterEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { tempDir } from './helpers.js';

const temp = tempDir();
afterEach(() => temp.remove());

describe('Store.session', () => {
  it('keeps one connection for all its queries (temp tables hold between them), binds values, and closes it after', async () => {
    const store = await Store.open(temp.file('session.duckdb'));
    try {
      const seen = await store.session(async (query) => {
        await query('CREATE TEMP TABLE kept AS SELECT 41 AS answer');
        const bound = await query('SELECT answer + $1 AS answer, $2 AS name FROM kept', [1n, 'ES']);
        return bound;
      });
      expect(seen).toEqual({ names: ['answer', 'name'], columns: [[42n], ['ES']] });
      // Another session is another connection: the temp table went with the first.
      await expect(store.session((query) => query('SELECT * FROM kept'))).rejects.toThrow(/kept/);
      // A query DuckDB refuses rejects with its reason, and the session is closed all the same.
      await expect(store.session((query) => query('SELECT * FROM no_such_table'))).rejects.toThrow(
        /no_such_table/,
      );
      expect(store.stats.commitErrors).toBe(0);
    } finally {
      await store.close();
    }
    expect(() => store.session(() => Promise.resolve())).toThrow(/closed/);
  });
});
