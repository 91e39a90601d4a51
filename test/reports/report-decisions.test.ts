import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { reportCommand } from '../../src/cli/commands/report.js';
import type { OrderIntent } from '../../src/core/events.js';
import type { RiskDecision } from '../../src/risk/risk-events.js';
import { Store } from '../../src/store/store.js';
import { DAY1, HOUR, writeFixture } from '../analytics/fixtures.js';
import { tempDir } from '../store/helpers.js';

const WEEK = ['--period', 'week', '--date', '2026-11-24'];

function decision(
  id: string,
  ts: number,
  outcome: RiskDecision['outcome'],
  code?: RiskDecision['code'],
): RiskDecision {
  const intent: OrderIntent = {
    id,
    account: 'A',
    symbol: 'ES 12-26',
    ts,
    side: 'sell',
    quantity: 1,
    type: 'market',
    timeInForce: 'day',
    reason: 'test',
  };
  return {
    ts,
    intentId: id,
    account: 'A',
    symbol: 'ES 12-26',
    outcome,
    ...(code !== undefined && { code }),
    reason: code === undefined ? 'passed every rule' : `refused: ${code}`,
    numbers: code === 'STALE_INTENT' ? { ageMicros: 9_000_000, maxAgeMicros: 5_000_000 } : {},
    intent,
  };
}

describe('enigma report: starting balance and risk decisions', () => {
  const temp = tempDir('enigma-report-capital-');
  const db = temp.file('enigma.duckdb');
  const bare = temp.file('bare.duckdb');
  let log: string[] = [];

  beforeAll(async () => {
    const store = await Store.open(db);
    writeFixture(store);
    // The first stored state of account A comes after its first fill ($4 commission): the
    // starting balance is the balance less what was realised that day, 49,996 − (−4) = 50,000.
    store.writeAccount({
      account: 'A',
      ts: DAY1 + 14 * HOUR,
      currency: 'USD',
      balance: 49_996,
      equity: 49_996,
      realizedPnlToday: -4,
      unrealizedPnl: 0,
    });
    store.writeAccount({
      account: 'A',
      ts: DAY1 + 15 * HOUR,
      currency: 'USD',
      balance: 50_092,
      equity: 50_092,
      realizedPnlToday: 92,
      unrealizedPnl: 0,
    });
    store.writeDecision(decision('d1', DAY1 + 13 * HOUR, 'approved'));
    store.writeDecision(decision('d2', DAY1 + 13 * HOUR + 1, 'denied', 'STALE_INTENT'));
    store.writeDecision(decision('d3', DAY1 + 13 * HOUR + 2, 'denied', 'STALE_INTENT'));
    store.writeDecision(decision('d4', DAY1 + 13 * HOUR + 3, 'denied', 'OUTSIDE_TRADING_HOURS'));
    await store.close();
    const other = await Store.open(bare);
    writeFixture(other);
    await other.close();
  });
  beforeAll(() => {
    vi.spyOn(console, 'log').mockImplementation((text: unknown) => void log.push(String(text)));
    vi.spyOn(console, 'error').mockImplementation((text: unknown) => void log.push(String(text)));
  });
  afterEach(() => {
    log = [];
  });
  afterAll(() => {
    vi.restoreAllMocks();
    temp.remove();
  });

  it("measures returns on the account's stored starting balance, not on a fixed 100,000", async () => {
    const out = temp.file('stored');
    expect(await reportCommand.run([...WEEK, '--db', db, '--out', out])).toBe(0);
    expect(log[0]).toContain('initial capital 50,000.00 (starting balance of A)');
    const html = readFileSync(join(out, 'week-2026-11-23', 'report.html'), 'utf8');
    expect(html).toContain('initial capital 50,000.00 (starting balance of A)');
    // Trades +96, +196, −608, +195 from 50,000: the peak 50,292 falls by 608, 608 / 50,292 = 1.21%.
    expect(html).toContain('1.21%');
    const daily = readFileSync(join(out, 'week-2026-11-23', 'daily.csv'), 'utf8');
    // The first day's return: 96 / 50,000.
    expect(daily).toContain(`2026-11-23,96,1,${96 / 50_000}`);
  });

  it('takes an explicit --capital over the stored balance', async () => {
    const out = temp.file('given');
    expect(await reportCommand.run([...WEEK, '--db', db, '--out', out, '--capital', '100000'])).toBe(0);
    const html = readFileSync(join(out, 'week-2026-11-23', 'report.html'), 'utf8');
    expect(html).toContain('initial capital 100,000.00 (--capital)');
    // 608 / 100,292 = 0.61%.
    expect(html).toContain('0.61%');
  });

  it('refuses, with its code, to guess a capital for trades of an account with no stored state', async () => {
    expect(await reportCommand.run([...WEEK, '--db', bare, '--out', temp.file('bare')])).toBe(1);
    expect(log.join('\n')).toContain(
      'the store has no account state for A, so no starting balance: pass --capital [REPORT_NO_STARTING_BALANCE]',
    );
  });

  it('shows the decisions of the period: counts by outcome and code, and each one in decisions.csv', async () => {
    const out = temp.file('decisions');
    expect(await reportCommand.run([...WEEK, '--db', db, '--out', out])).toBe(0);
    const html = readFileSync(join(out, 'week-2026-11-23', 'report.html'), 'utf8');
    expect(html).toContain('<h2>Risk decisions</h2>');
    expect(html).toMatch(/<td>denied<\/td><td>STALE_INTENT<\/td><td class="n">2<\/td>/);
    expect(html).toMatch(/<td>denied<\/td><td>OUTSIDE_TRADING_HOURS<\/td><td class="n">1<\/td>/);
    expect(html).toMatch(/<td>approved<\/td><td><\/td><td class="n">1<\/td>/);
    const csv = readFileSync(join(out, 'week-2026-11-23', 'decisions.csv'), 'utf8')
      .trim()
      .split('\r\n');
    expect(csv[0]).toBe(
      'ts,account,intentId,symbol,side,quantity,outcome,code,reason,limit,value,numbers,by',
    );
    expect(csv.slice(1).map((line) => line.split(',')[2])).toEqual(['d1', 'd2', 'd3', 'd4']);
    expect(csv[2]).toContain('STALE_INTENT,refused: STALE_INTENT,5000000,9000000,');
  });
});
