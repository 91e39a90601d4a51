import { DuckDBInstance } from '@duckdb/node-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { ReplayClock } from '../../src/core/clock.js';
import { microsFromIso } from '../../src/core/time.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import { MIGRATIONS, type Migration } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { accountAt, intentAt } from '../risk/scenario-helpers.js';
import { queryFile, tempDir } from './helpers.js';

const TUESDAY = '2026-11-24T15:00:00Z';
const T = microsFromIso(TUESDAY);
const apex = loadRuleProfile('apex-50k-evaluation');

describe('the decisions table', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir('enigma-decisions-');
  });
  afterEach(() => temp.remove());

  it('keeps every outcome of the risk engine with its code, reason, limit, value, numbers, intent and who', async () => {
    const path = temp.file('decisions.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    store.attach(bus);
    const clock = new ReplayClock(T);
    const risk = new RiskEngine(bus, clock, {
      accounts: [
        { id: 'AUTO', profile: apex, mode: 'auto' },
        { id: 'CONFIRM', profile: apex, mode: 'confirm' },
      ],
      haltStore: new HaltStore(haltFilePath(temp.dir)),
    }).start();
    risk.process({ kind: 'account', state: accountAt(TUESDAY, 50_000, 50_000, 'AUTO') });
    risk.process({ kind: 'account', state: accountAt(TUESDAY, 50_000, 50_000, 'CONFIRM') });
    risk.process({ kind: 'market', symbol: 'ES 12-26', ts: T, price: 6000 });

    risk.process({ kind: 'intent', intent: intentAt(T, { id: 'ok', account: 'AUTO', quantity: 2 }) });
    risk.process({ kind: 'intent', intent: intentAt(T, { id: 'big', account: 'AUTO', quantity: 9 }) });
    for (const id of ['yes', 'no', 'late'])
      risk.process({ kind: 'intent', intent: intentAt(T, { id, account: 'CONFIRM', side: 'sell' }) });
    expect(risk.execute({ type: 'confirm', proposalId: 'yes', by: 'alice' }).ok).toBe(true);
    expect(risk.execute({ type: 'reject', proposalId: 'no', by: 'bob' }).ok).toBe(true);
    // Three minutes on, the last proposal has expired (2-minute TTL) and an old intent is stale.
    clock.advanceTo(T + 180_000_000);
    risk.process({ kind: 'market', symbol: 'ES 12-26', ts: T + 180_000_000, price: 6000 });
    risk.process({ kind: 'intent', intent: intentAt(T + 170_000_000, { id: 'old', account: 'AUTO' }) });
    risk.close();
    await store.close();

    const rows = await queryFile(
      path,
      `SELECT intent_id, account, outcome, code, side, quantity, limit_value, value, decided_by, reason, numbers, intent
         FROM decisions ORDER BY seq`,
    );
    const table = rows.map((row) => row.slice(0, 9));
    expect(table).toEqual([
      ['ok', 'AUTO', 'approved', null, 'buy', 2, null, null, null],
      ['big', 'AUTO', 'denied', 'CONTRACT_LIMIT', 'buy', 9, 5, 9, null],
      ['yes', 'CONFIRM', 'proposed', null, 'sell', 1, null, null, null],
      ['no', 'CONFIRM', 'proposed', null, 'sell', 1, null, null, null],
      ['late', 'CONFIRM', 'proposed', null, 'sell', 1, null, null, null],
      ['yes', 'CONFIRM', 'confirmed', null, 'sell', 1, null, null, 'alice'],
      ['no', 'CONFIRM', 'rejected', null, 'sell', 1, null, null, 'bob'],
      ['late', 'CONFIRM', 'expired', 'PROPOSAL_EXPIRED', 'sell', 1, T + 120_000_000, T + 180_000_000, null],
      ['old', 'AUTO', 'denied', 'STALE_INTENT', 'buy', 1, 5_000_000, 10_000_000, null],
    ]);
    const byOutcome = new Map(rows.map((row) => [`${String(row[0])}/${String(row[2])}`, row]));
    expect(byOutcome.get('big/denied')?.[9]).toBe(
      'would hold 9 full-size contracts (micros at 10:1), limit 5',
    );
    expect(JSON.parse(String(byOutcome.get('big/denied')?.[10]))).toEqual({
      limitMinis: 5,
      projectedMinis: 9,
      currentMinis: 0,
      requested: 9,
    });
    // An approval keeps the room the intent passed with.
    expect(JSON.parse(String(byOutcome.get('ok/approved')?.[10]))).toMatchObject({
      equity: 50_000,
      contractLimit: 5,
    });
    expect(byOutcome.get('no/rejected')?.[9]).toBe('rejected by bob');
    expect(JSON.parse(String(byOutcome.get('old/denied')?.[11]))).toMatchObject({
      id: 'old',
      account: 'AUTO',
      symbol: 'ES 12-26',
      ts: T + 170_000_000,
    });
  });

  it('keeps a denial of an intent whose quantity is not a number (the quantity as NULL)', async () => {
    const path = temp.file('nan.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    store.attach(bus);
    const risk = new RiskEngine(bus, new ReplayClock(T), {
      accounts: [{ id: 'SIM-50K', profile: apex, mode: 'auto' }],
      haltStore: new HaltStore(haltFilePath(temp.dir)),
    }).start();
    risk.process({ kind: 'intent', intent: intentAt(T, { id: 'nan', quantity: Number.NaN }) });
    await store.close();
    expect(await queryFile(path, 'SELECT intent_id, code, quantity FROM decisions')).toEqual([
      ['nan', 'INVALID_QUANTITY', null],
    ]);
    expect(await queryFile(path, 'SELECT count(*) FROM rejects')).toEqual([[0n]]);
  });

  it('adds the table to a database of schema version 1 when it is opened', async () => {
    const path = temp.file('v1.duckdb');
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run(
      'CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at BIGINT NOT NULL)',
    );
    await connection.run("INSERT INTO schema_migrations VALUES (1, 'initial schema', 0)");
    for (const statement of (MIGRATIONS[0] as Migration).statements) await connection.run(statement);
    connection.closeSync();
    instance.closeSync();

    const store = await Store.open(path);
    await store.close();
    expect(await queryFile(path, 'SELECT version FROM schema_migrations ORDER BY version')).toEqual(
      MIGRATIONS.map((migration) => [migration.version]),
    );
    expect(await queryFile(path, 'SELECT count(*) FROM decisions')).toEqual([[0n]]);
  });
});
