import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderIntent } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { parseSince } from '../../src/cli/commands/decisions.js';
import type { RiskDecision } from '../../src/risk/risk-events.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../store/helpers.js';
import { enigma } from './enigma-process.js';

const NOW = Date.now() * 1000;
const MINUTE = 60_000_000;

function decision(
  id: string,
  account: string,
  ts: number,
  outcome: RiskDecision['outcome'],
  extra: Partial<RiskDecision> = {},
): RiskDecision {
  const intent: OrderIntent = {
    id,
    account,
    symbol: 'ES 12-26',
    ts,
    side: 'buy',
    quantity: 2,
    type: 'market',
    timeInForce: 'day',
    reason: 'test',
  };
  return {
    ts,
    intentId: id,
    account,
    symbol: 'ES 12-26',
    outcome,
    reason: 'passed every rule',
    numbers: {},
    intent,
    ...extra,
  };
}

describe('enigma decisions', () => {
  const temp = tempDir('enigma-decisions-cli-');
  const db = temp.file('enigma.duckdb');

  beforeAll(async () => {
    const store = await Store.open(db);
    store.writeDecision(
      decision('nov', 'A', microsFromIso('2026-11-24T15:00:00Z'), 'denied', {
        code: 'OUTSIDE_TRADING_HOURS',
        reason: 'the session is closed: only orders that reduce a position',
        numbers: { position: 0 },
      }),
    );
    store.writeDecision(
      decision('stale', 'A', NOW - 120 * MINUTE, 'denied', {
        code: 'STALE_INTENT',
        reason: 'the intent is 7.0 s old; intents older than 5 s are not traded',
        numbers: { ageMicros: 7_000_000, maxAgeMicros: 5_000_000 },
      }),
    );
    store.writeDecision(
      decision('fine', 'A', NOW - 10 * MINUTE, 'approved', { numbers: { equity: 50_000 } }),
    );
    store.writeDecision(
      decision('big', 'B', NOW - 5 * MINUTE, 'denied', {
        code: 'CONTRACT_LIMIT',
        reason: 'would hold 9 full-size contracts (micros at 10:1), limit 5',
        numbers: { limitMinis: 5, projectedMinis: 9, currentMinis: 0, requested: 9 },
      }),
    );
    store.writeDecision(
      decision('big', 'B', NOW - 4 * MINUTE, 'confirmed', { reason: 'confirmed by alice', by: 'alice' }),
    );
    await store.close();
  });
  afterAll(() => temp.remove());

  it('prints every decision as a table, oldest first, with why, the limit, the value and the totals', async () => {
    const result = await enigma(['decisions', '--store', db]);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines[0]).toMatch(
      /^time \(UTC\)\s+account\s+outcome\s+why\s+order\s+limit\s+value\s+by\s+reason$/,
    );
    expect(lines.slice(1, 6).map((line) => line.split(/\s{2,}/)[2])).toEqual([
      'denied',
      'denied',
      'approved',
      'denied',
      'confirmed',
    ]);
    expect(lines[1]).toMatch(
      /^2026-11-24 15:00:00\.000\s+A\s+denied\s+session closed\s+buy 2 ES 12-26\s+the session is closed/,
    );
    expect(lines[4]).toMatch(
      /B\s+denied\s+contract limit\s+buy 2 ES 12-26\s+5\s+9\s+would hold 9 full-size contracts/,
    );
    expect(lines[5]).toMatch(/B\s+confirmed\s+buy 2 ES 12-26\s+alice\s+confirmed by alice$/);
    expect(lines[6]).toBe(
      '5 decisions: denied 3: contract limit 1, session closed 1, stale 1, approved 1, confirmed 1',
    );
  });

  it('keeps one account with --account and the recent ones with --since 1h or an ISO date', async () => {
    const account = await enigma(['decisions', '--store', db, '--account', 'B']);
    expect(account.code).toBe(0);
    expect(account.stdout).not.toMatch(/\n\S+ \S+\s+A\s/);
    expect(account.stdout).toContain('2 decisions: denied 1: contract limit 1, confirmed 1');

    const recent = await enigma(['decisions', '--store', db, '--since', '1h']);
    expect(recent.code).toBe(0);
    expect(recent.stdout).toContain('3 decisions: approved 1, denied 1: contract limit 1, confirmed 1');

    const sinceDate = await enigma(['decisions', '--store', db, '--since', '2026-11-25', '--account', 'A']);
    expect(sinceDate.code).toBe(0);
    expect(sinceDate.stdout).toContain('2 decisions: denied 1: stale 1, approved 1');
  });

  it('says where the decisions are when none is as recent as --since (a simulated session keeps its own dates)', async () => {
    const result = await enigma(['decisions', '--store', db, '--since', '1m', '--account', 'A']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^no decisions since \S+ \S+ UTC; the newest is at \S+ \S+ UTC\n$/);
    expect(result.stdout).not.toContain('2026-11-24');
  });

  it('prints JSON with --json and only the most recent with --limit', async () => {
    const result = await enigma(['decisions', '--store', db, '--json', '--limit', '2']);
    expect(result.code).toBe(0);
    const parsed = JSON.parse(result.stdout) as { intentId: string; outcome: string; limit: number | null }[];
    expect(parsed.map((d) => `${d.intentId}/${d.outcome}`)).toEqual(['big/denied', 'big/confirmed']);
    expect(parsed[0]).toMatchObject({ account: 'B', code: 'CONTRACT_LIMIT', limit: 5, value: 9 });
  });

  it('refuses a --since it cannot read and a store that does not exist, with their codes', async () => {
    const badSince = await enigma(['decisions', '--store', db, '--since', 'yesterday']);
    expect(badSince.code).toBe(2);
    expect(badSince.stderr).toContain('--since takes an ISO date or date-time');
    expect(badSince.stderr).toContain('[CLI_USAGE]');
    const missing = await enigma(['decisions', '--store', temp.file('nope.duckdb')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[STORE_OPEN_FAILED]');
  });

  it('reads --since as a time back from now, or as UTC when the date-time names no zone', () => {
    const now = microsFromIso('2026-12-07T12:00:00Z');
    expect(parseSince('30m', now)).toBe(now - 30 * MINUTE);
    expect(parseSince('2026-12-07T10:00', now)).toBe(microsFromIso('2026-12-07T10:00:00Z'));
    expect(parseSince('2026-12-07T10:00:00+01:00', now)).toBe(microsFromIso('2026-12-07T09:00:00Z'));
    expect(parseSince('2026-12-07', now)).toBe(microsFromIso('2026-12-07T00:00:00Z'));
    expect(() => parseSince('12/07/2026', now)).toThrow(/--since/);
  });
});
