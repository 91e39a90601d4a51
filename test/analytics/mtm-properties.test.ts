import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyseSeries } from '../../src/analytics/equity-analytics.js';
import { markToMarket, type MarketPrice, type MtmFill } from '../../src/analytics/mark-to-market.js';
import { returnStatistics } from '../../src/analytics/return-statistics.js';
import { TradingSessions } from '../../src/analytics/sessions.js';
import { formatStatistic, MIN_SESSIONS, type Statistic } from '../../src/analytics/statistic.js';
import type { Trade } from '../../src/analytics/trades.js';

const HOUR = 3_600_000_000;
const DAY = 24 * HOUR;
/** Monday 2025-01-06, 00:00 UTC, in microseconds. */
const MONDAY = Date.UTC(2025, 0, 6) * 1000;
const POINT_VALUE = 50;
const sessions = new TradingSessions();

/** A weekday `n` weekdays after MONDAY, at 15:00 UTC plus `minutes` (inside that date's CME session). */
const weekdayAt = (n: number, minutes: number): number =>
  MONDAY + (Math.floor(n / 5) * 7 + (n % 5)) * DAY + 15 * HOUR + minutes * 60_000_000;

interface Plan {
  readonly gap: number;
  readonly hold: number;
  readonly long: boolean;
  readonly quantity: number;
  readonly path: readonly number[];
}

/** Round trips one after another, each from flat to flat, with prices in between. */
const plans = fc.array(
  fc.record({
    gap: fc.integer({ min: 0, max: 6 }),
    hold: fc.integer({ min: 0, max: 4 }),
    long: fc.boolean(),
    quantity: fc.integer({ min: 1, max: 3 }),
    path: fc.array(fc.integer({ min: -40, max: 40 }), { minLength: 1, maxLength: 8 }),
  }),
  { minLength: 1, maxLength: 8 },
);

function history(list: readonly Plan[]): { fills: MtmFill[]; prices: MarketPrice[]; trades: Trade[] } {
  const fills: MtmFill[] = [];
  const prices: MarketPrice[] = [];
  const trades: Trade[] = [];
  let day = 0;
  let price = 5000;
  for (const plan of list) {
    day += plan.gap;
    const entryTs = weekdayAt(day, 0);
    const entryPrice = price;
    const fill = (ts: number, side: 'buy' | 'sell', at: number): void => {
      fills.push({
        account: 'A',
        symbol: 'ES 03-27',
        ts,
        side,
        quantity: plan.quantity,
        price: at,
        commission: 2 * plan.quantity,
      });
    };
    fill(entryTs, plan.long ? 'buy' : 'sell', entryPrice);
    // The prices spread over the holding days, a minute apart on each.
    plan.path.forEach((move, i) => {
      price = Math.max(100, price + move * 0.25);
      prices.push({
        symbol: 'ES 03-27',
        ts: weekdayAt(day + Math.floor((i * (plan.hold + 1)) / plan.path.length), 10 + i),
        price,
      });
    });
    day += plan.hold;
    const exitTs = weekdayAt(day, 30);
    fill(exitTs, plan.long ? 'sell' : 'buy', price);
    const points = plan.long ? price - entryPrice : entryPrice - price;
    const grossPnl = points * plan.quantity * POINT_VALUE;
    const commission = 4 * plan.quantity;
    trades.push({
      account: 'A',
      symbol: 'ES 03-27',
      direction: plan.long ? 'long' : 'short',
      quantity: plan.quantity,
      entryTs,
      exitTs,
      entryPrice,
      exitPrice: price,
      entryFillId: `e${trades.length}`,
      exitFillId: `x${trades.length}`,
      points,
      grossPnl,
      commission,
      netPnl: grossPnl - commission,
      source: null,
      pipeline: null,
      day: new Date(exitTs / 1000).toISOString().slice(0, 10),
    });
    day += 1;
  }
  prices.sort((a, b) => a.ts - b.ts);
  return { fills, prices, trades };
}

function run(list: readonly Plan[]) {
  const { fills, prices, trades } = history(list);
  const mtm = markToMarket({
    fills,
    prices,
    capital: new Map([['A', 100_000]]),
    sessions,
    pointValue: () => POINT_VALUE,
    firstDay: -Infinity,
    lastDay: Infinity,
  });
  return {
    fills,
    trades,
    mtm,
    analytics: analyseSeries(mtm.total, trades, { sessionsPerYear: sessions.sessionsPerYear }),
  };
}

describe('marked-to-market properties', () => {
  it('a session without a position and without a fill is in the series with a return of exactly 0', () => {
    fc.assert(
      fc.property(plans, (list) => {
        const { fills, mtm } = run(list);
        const days = mtm.total.sessions.map((s) => s.day);
        // Every weekday between the first and the last fill is a session: none is skipped.
        const first = sessions.tradingDayOf(fills[0]?.ts ?? 0);
        const last = sessions.tradingDayOf(fills[fills.length - 1]?.ts ?? 0);
        expect(days).toEqual(sessions.between(first, last));
        const fillDays = new Set(fills.map((f) => sessions.tradingDayOf(f.ts)));
        mtm.total.sessions.forEach((session, i) => {
          const flatBefore = i === 0 || mtm.total.sessions[i - 1]?.openContracts === 0;
          if (flatBefore && session.openContracts === 0 && !fillDays.has(session.day)) {
            expect(session.return).toBe(0);
            expect(session.pnl).toBe(0);
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('with one position at a time, the intraday marked-to-market drawdown is never smaller than the realised one', () => {
    fc.assert(
      fc.property(plans, (list) => {
        const { drawdown } = run(list).analytics;
        expect(drawdown.intraday.maxDepth).toBeGreaterThanOrEqual(drawdown.realised.maxDepth - 1e-9);
        expect(drawdown.intraday.maxDepthPercent).toBeGreaterThanOrEqual(
          drawdown.realised.maxDepthPercent - 1e-12,
        );
        expect(drawdown.intraday.maxDepth).toBeGreaterThanOrEqual(drawdown.endOfDay.maxDepth - 1e-9);
      }),
      { numRuns: 300 },
    );
  });

  it('over fewer sessions than the minimum, no ratio is a number and each says why', () => {
    const ratios = (s: ReturnType<typeof returnStatistics>): Statistic[] => [
      s.sharpe,
      s.sortino,
      s.calmar,
      s.volatility,
      s.annualReturnArithmetic,
      s.annualReturnGeometric,
    ];
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -0.2, max: 0.2, noNaN: true }), { maxLength: MIN_SESSIONS - 1 }),
        fc.double({ min: 0, max: 0.5, noNaN: true }),
        (returns, drawdown) => {
          const statistics = returnStatistics(returns, {
            sessionsPerYear: 252,
            maxDrawdownPercent: drawdown,
          });
          for (const ratio of ratios(statistics)) {
            expect('value' in ratio).toBe(false);
            expect('missing' in ratio && ratio.missing).toMatch(/fewer than the 20/);
            expect(formatStatistic(ratio, (v) => v.toFixed(2))).toBe('–');
          }
        },
      ),
      { numRuns: 300 },
    );
    // From the minimum on, varying returns give numbers.
    const enough = Array.from({ length: MIN_SESSIONS }, (_, i) => (i % 3 === 0 ? -0.01 : 0.01));
    const statistics = returnStatistics(enough, { sessionsPerYear: 252, maxDrawdownPercent: 0.01 });
    for (const ratio of ratios(statistics)) expect('value' in ratio).toBe(true);
  });

  it('the end-of-session drawdown can be shallower than the realised one when a trade closes at a peak mid-session', () => {
    // Long 1 closes +100 intraday (realised peak), a new long is down 100 at the session's end,
    // and closes there the next day: realised drawdown 100 + commissions, end of session ≈ 0.
    const { fills, prices, trades } = history([
      { gap: 0, hold: 0, long: true, quantity: 1, path: [8] },
      { gap: 0, hold: 1, long: true, quantity: 1, path: [-8, 0] },
    ]);
    // Make the second trade open the same session as the first one closes.
    const shifted = fills.map((f, i) => (i === 2 ? { ...f, ts: weekdayAt(0, 40) } : f));
    const mtm = markToMarket({
      fills: shifted.sort((a, b) => a.ts - b.ts),
      prices,
      capital: new Map([['A', 100_000]]),
      sessions,
      pointValue: () => POINT_VALUE,
      firstDay: -Infinity,
      lastDay: Infinity,
    });
    const { drawdown } = analyseSeries(mtm.total, trades, { sessionsPerYear: 252 });
    expect(drawdown.endOfDay.maxDepth).toBeLessThan(drawdown.realised.maxDepth);
    expect(drawdown.intraday.maxDepth).toBeGreaterThanOrEqual(drawdown.realised.maxDepth);
  });
});
