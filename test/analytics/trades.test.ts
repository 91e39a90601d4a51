import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DuckDBConnection } from '@duckdb/node-api';
import { openReadOnly } from '../../src/reports/open-database.js';
import { dailyPnl, equityCurve, performanceStats, statsBy } from '../../src/analytics/performance.js';
import { periodOf } from '../../src/analytics/period.js';
import { roundTrips, type Trade } from '../../src/analytics/trades.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../store/helpers.js';
import { DAY, DAY1, HOUR, writeFixture } from './fixtures.js';

describe('round trips and performance', () => {
  const temp = tempDir('enigma-analytics-');
  let database: Awaited<ReturnType<typeof openReadOnly>>;
  let connection: DuckDBConnection;
  let trades: Trade[];

  beforeAll(async () => {
    const store = await Store.open(temp.file('analytics.duckdb'));
    writeFixture(store);
    await store.close();
    database = await openReadOnly(temp.file('analytics.duckdb'));
    connection = database.connection;
    trades = await roundTrips(connection);
  });
  afterAll(async () => {
    database.close();
    temp.remove();
  });

  it('matches fills first in, first out, through partial fills and a reversal', () => {
    expect(
      trades.map((t) => [
        t.symbol,
        t.direction,
        t.quantity,
        t.entryPrice,
        t.exitPrice,
        t.entryFillId,
        t.exitFillId,
      ]),
    ).toEqual([
      ['ES 12-26', 'long', 1, 5000, 5002, 'f1', 'f2'],
      ['ES 12-26', 'long', 1, 5000, 5004, 'f1', 'f3'],
      ['ES 12-26', 'short', 2, 5004, 5010, 'f3', 'f4'],
      ['NQ 12-26', 'short', 1, 21000, 20990, 'f5', 'f6'],
    ]);
  });

  it('prices trades in dollars from the point value, net of their share of commissions', () => {
    expect(trades.map((t) => [t.points, t.grossPnl, t.commission, t.netPnl])).toEqual([
      [2, 100, 4, 96],
      [4, 200, 4, 196],
      [-6, -600, 8, -608],
      [10, 200, 5, 195],
    ]);
    expect(trades.map((t) => t.day)).toEqual(['2026-11-23', '2026-11-24', '2026-11-24', '2026-11-25']);
  });

  it('attributes a trade to the signal source and pipeline of its entry order', () => {
    expect(trades.map((t) => [t.source, t.pipeline])).toEqual([
      ['trend.cross', 'trend'],
      ['trend.cross', 'trend'],
      [null, null],
      [null, null],
    ]);
  });

  it('computes win rate, payoff, profit factor and expectancy', () => {
    const stats = performanceStats(trades);
    expect(stats.trades).toBe(4);
    expect(stats.netPnl).toBe(-121);
    expect(stats.wins).toBe(3);
    expect(stats.losses).toBe(1);
    expect(stats.winRate).toBe(0.75);
    expect(stats.averageWin).toBeCloseTo(487 / 3, 10);
    expect(stats.averageLoss).toBe(-608);
    expect(stats.payoffRatio).toBeCloseTo(487 / 3 / 608, 12);
    expect(stats.profitFactor).toBeCloseTo(487 / 608, 12);
    expect(stats.expectancy).toBe(-30.25);
    expect(stats.commission).toBe(21);
  });

  it('measures drawdown on the trade-by-trade equity curve', () => {
    expect(equityCurve(trades).map((p) => [p.equity, p.drawdown])).toEqual([
      [100_096, 0],
      [100_292, 0],
      [99_684, 608],
      [99_879, 413],
    ]);
    const stats = performanceStats(trades);
    expect(stats.maxDrawdown).toBe(608);
    expect(stats.maxDrawdownPercent).toBeCloseTo(608 / 100_292, 12);
    // Peak at the exit of trade 2 (D2 14:00); never recovered by the last exit (D3 15:00).
    expect(stats.longestDrawdownMicros).toBe(DAY + HOUR);
  });

  it('computes daily Sharpe, Sortino and Calmar with the stated convention', () => {
    const r1 = 96 / 100_000;
    const r2 = -412 / 100_096;
    const r3 = 195 / 99_684;
    expect(dailyPnl(trades).map((d) => [d.day, d.netPnl, d.trades])).toEqual([
      ['2026-11-23', 96, 1],
      ['2026-11-24', -412, 2],
      ['2026-11-25', 195, 1],
    ]);
    const mean = (r1 + r2 + r3) / 3;
    const stdev = Math.sqrt(((r1 - mean) ** 2 + (r2 - mean) ** 2 + (r3 - mean) ** 2) / 2);
    const downside = Math.sqrt(r2 ** 2 / 3);
    const stats = performanceStats(trades);
    expect(stats.tradingDays).toBe(3);
    expect(stats.sharpe).toBeCloseTo((mean / stdev) * Math.sqrt(252), 10);
    expect(stats.sortino).toBeCloseTo((mean / downside) * Math.sqrt(252), 10);
    expect(stats.calmar).toBeCloseTo((mean * 252) / (608 / 100_292), 10);
  });

  it('groups statistics by instrument and by pipeline', () => {
    expect(statsBy(trades, 'symbol').map((g) => [g.key, g.stats.netPnl, g.stats.trades])).toEqual([
      ['ES 12-26', -316, 3],
      ['NQ 12-26', 195, 1],
    ]);
    expect(statsBy(trades, 'pipeline').map((g) => [g.key, g.stats.netPnl])).toEqual([
      ['(none)', -413],
      ['trend', 292],
    ]);
  });

  it('keeps only the trades that closed in the period, matching against earlier fills', async () => {
    const period = periodOf('day', '2026-11-24');
    const day2 = await roundTrips(connection, period);
    expect(day2.map((t) => [t.entryFillId, t.exitFillId, t.netPnl])).toEqual([
      ['f1', 'f3', 196],
      ['f3', 'f4', -608],
    ]);
    // The first trade opened the day before the period (f1, day 1 14:00) and still counts in it.
    expect(day2[0]?.entryTs).toBe(DAY1 + 14 * HOUR);
    expect(day2[0]?.entryTs).toBeLessThan(period.from);
    expect(day2.every((t) => t.exitTs >= period.from && t.exitTs < period.to)).toBe(true);
  });

  it('reports no ratios for an empty set of trades', () => {
    const stats = performanceStats([]);
    expect([stats.winRate, stats.profitFactor, stats.sharpe, stats.calmar, stats.maxDrawdown]).toEqual([
      null,
      null,
      null,
      null,
      0,
    ]);
  });
});
