import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { recordAudit } from '../../src/server/auth/audit.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { queryFile, tempDir } from './helpers.js';

const TS = 1_796_000_000_000_000;

describe('audit log', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.remove());

  it('keeps every entry recorded on the bus in the audit table, with who, what, the outcome and why', async () => {
    const path = temp.file('audit.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    store.attach(bus);
    recordAudit(bus, {
      ts: TS,
      principal: 'root',
      role: 'admin',
      action: 'halt',
      target: 'APEX-1',
      outcome: 'ok',
      detail: 'news',
    });
    recordAudit(bus, {
      ts: TS + 1,
      principal: 'screen',
      role: 'viewer',
      action: 'resume',
      target: '*',
      outcome: 'refused',
    });
    await store.close();
    expect(
      await queryFile(
        path,
        'SELECT seq, ts, principal, role, action, target, outcome, detail FROM audit ORDER BY seq',
      ),
    ).toEqual([
      [1n, BigInt(TS), 'root', 'admin', 'halt', 'APEX-1', 'ok', 'news'],
      [2n, BigInt(TS + 1), 'screen', 'viewer', 'resume', '*', 'refused', null],
    ]);
  });

  it('adds the audit table to a database that already has a later migration (written side by side)', async () => {
    const path = temp.file('later.duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at BIGINT NOT NULL)',
    );
    // What a build with migration 5 but not yet 4 leaves behind.
    for (const migration of MIGRATIONS.filter((m) => m.version !== 4)) {
      for (const statement of migration.statements) await connection.run(statement);
      await connection.run(`INSERT INTO schema_migrations VALUES (${String(migration.version)}, 'old', 0)`);
    }
    connection.closeSync();
    instance.closeSync();
    await (await Store.open(path)).close();
    expect(await queryFile(path, 'SELECT count(*) FROM audit')).toEqual([[0n]]);
    expect(await queryFile(path, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual([
      [1],
      [2],
      [3],
      [4],
      [5],
    ]);
  });

  it('sends an entry with a time that is not integer microseconds to rejects, not the audit table', async () => {
    const path = temp.file('bad.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    store.attach(bus);
    recordAudit(bus, {
      ts: 1.5,
      principal: 'root',
      role: 'admin',
      action: 'halt',
      target: '*',
      outcome: 'ok',
    });
    await store.close();
    expect(await queryFile(path, 'SELECT count(*) FROM audit')).toEqual([[0n]]);
    expect(await queryFile(path, "SELECT code FROM rejects WHERE origin = 'store'")).toEqual([
      ['STORE_INVALID_ROW'],
    ]);
  });
});
