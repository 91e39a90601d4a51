import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { recordAudit } from '../../src/server/auth/audit.js';
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
