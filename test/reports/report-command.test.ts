import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { exportCommand } from '../../src/cli/commands/export.js';
import { reportCommand } from '../../src/cli/commands/report.js';
import { Store } from '../../src/store/store.js';
import { DAY1, HOUR, writeFixture } from '../analytics/fixtures.js';
import { queryFile, tempDir } from '../store/helpers.js';

describe('enigma report and enigma export', () => {
  const temp = tempDir('enigma-report-');
  const db = temp.file('enigma.duckdb');

  beforeAll(async () => {
    const store = await Store.open(db);
    writeFixture(store);
    // The account's opening state: the report measures returns on its starting balance.
    store.writeAccount({
      account: 'A',
      ts: DAY1,
      currency: 'USD',
      balance: 50_000,
      equity: 50_000,
      realizedPnlToday: 0,
      unrealizedPnl: 0,
    });
    for (let i = 0; i < 600; i++) {
      const price = 5000 + (i % 40) * 0.25;
      store.writeTick({
        symbol: 'ES 12-26',
        ts: DAY1 + 14 * HOUR + i * 1_000_000,
        price,
        size: 2,
        bid: price - 0.25,
        ask: price,
        side: 'buy',
      });
    }
    store.writeDeadLetter({
      ts: DAY1 + 15 * HOUR,
      origin: 'gateway',
      code: 'INPUT_NOT_FINITE',
      reason: 'NaN price',
      message: '{}',
    });
    await store.close();
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
  });
  afterAll(() => {
    vi.restoreAllMocks();
    temp.remove();
  });

  it('writes a self-contained HTML report with the figures, charts and CSVs of the week', async () => {
    const out = temp.file('reports');
    const code = await reportCommand.run([
      '--period',
      'week',
      '--date',
      '2026-11-24',
      '--db',
      db,
      '--out',
      out,
    ]);
    expect(code).toBe(0);
    const directory = join(out, 'week-2026-11-23');
    const html = readFileSync(join(directory, 'report.html'), 'utf8');
    expect(html).toContain('<h1>Enigma-Apex report: week-2026-11-23</h1>');
    expect(html).toContain('-121.00'); // net P&L of the hand-worked fills
    expect(html).toContain('75.00%'); // win rate
    expect(html).toContain('608.00'); // realised max drawdown (trade by trade)
    expect(html).toContain('Realised only');
    // Marked to market, by hand: sessions end at 50,194 / 49,684 / 49,877; the end-of-session
    // drawdown is 50,194 − 49,684 = 510; intraday the long 2 ES reached 50,971 (ticks up to
    // 5009.75) before the account fell to 49,684 and paid 2.50 to open the NQ short: 1,289.50.
    expect(html).toContain('510.00');
    expect(html).toContain('1,289.50');
    // Three sessions: no ratio is a number, and the report says why.
    expect(html).toContain('3 sessions, fewer than the 20 a ratio needs');
    expect(html).toContain('risk-free rate 0.00% a year');
    expect(html).toContain('trend.cross');
    expect(html).toContain('INPUT_NOT_FINITE');
    // Seven tearsheet charts, then the realised-only equity, drawdown and P&L per day.
    expect(html.match(/<svg /g)?.length).toBe(10);
    // Opens without a network: nothing to fetch, no script.
    expect(html).not.toMatch(/<script|<link|<img|<iframe|\bsrc=|\bhref=|url\(|@import/i);
    expect(html.replace(/xmlns="http:\/\/www\.w3\.org\/2000\/svg"/g, '')).not.toMatch(/https?:\/\//);
    const trades = readFileSync(join(directory, 'trades.csv'), 'utf8').trim().split('\r\n');
    expect(trades).toHaveLength(5);
    expect(trades[0]).toContain('netPnl');
    const equity = readFileSync(join(directory, 'equity.csv'), 'utf8').trim().split('\r\n');
    expect(equity[0]).toContain('equity');
    expect(equity.filter((line) => line.startsWith('total,'))).toHaveLength(3);
    for (const name of [
      'mtm-stats.csv',
      'daily.csv',
      'stats.csv',
      'signals.csv',
      'slippage.csv',
      'correlation.csv',
      'market.csv',
    ]) {
      expect(existsSync(join(directory, name))).toBe(true);
    }
  });

  it('states the risk-free rate it was given and adds the prop view of a rule profile', async () => {
    const out = temp.file('with-profile');
    const code = await reportCommand.run([
      ...['--period', 'week', '--date', '2026-11-24', '--db', db, '--out', out],
      ...['--risk-free', '4.5', '--profile', 'apex-50k-evaluation'],
    ]);
    expect(code).toBe(0);
    const html = readFileSync(join(out, 'week-2026-11-23', 'report.html'), 'utf8');
    expect(html).toContain('risk-free rate 4.50% a year');
    // Apex-style: the threshold trails peak equity (50,971 intraday) by $2,500: 48,471.
    expect(html).toMatch(
      /<td>A<\/td><td>apex-50k-evaluation<\/td><td>peak-equity<\/td><td class="n">2,500.00<\/td><td class="n">48,471.00<\/td>/,
    );
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await reportCommand.run(['--risk-free', 'lots', '--db', db])).toBe(2);
  });

  it('keeps only the trades of the requested day', async () => {
    const out = temp.file('daily');
    expect(
      await reportCommand.run(['--period', 'day', '--date', '2026-11-24', '--db', db, '--out', out]),
    ).toBe(0);
    const trades = readFileSync(join(out, '2026-11-24', 'trades.csv'), 'utf8')
      .trim()
      .split('\r\n');
    expect(trades).toHaveLength(3);
  });

  it('rejects a bad period with a usage error', async () => {
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await reportCommand.run(['--period', 'year', '--db', db])).toBe(2);
    expect(await reportCommand.run(['--date', '2026-02-30', '--db', db])).toBe(2);
  });

  it('exports a table to Parquet and a query to CSV', async () => {
    const parquet = temp.file('exports/ticks.parquet');
    expect(
      await exportCommand.run(['--format', 'parquet', '--table', 'ticks_v', '--db', db, '--out', parquet]),
    ).toBe(0);
    expect(
      await queryFile(':memory:', `SELECT count(*), min(price), max(price) FROM read_parquet('${parquet}')`),
    ).toEqual([[600n, 5000, 5009.75]]);
    const csv = temp.file('exports/fills.csv');
    expect(
      await exportCommand.run([
        '--format',
        'csv',
        '--query',
        "SELECT fill_id, price FROM fills WHERE side = 'sell' ORDER BY seq",
        '--db',
        db,
        '--out',
        csv,
      ]),
    ).toBe(0);
    expect(readFileSync(csv, 'utf8').trim().split('\n')).toEqual([
      'fill_id,price',
      'f2,5002.0',
      'f3,5004.0',
      'f5,21000.0',
    ]);
  });
});
