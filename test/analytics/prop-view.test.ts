import { describe, expect, it } from 'vitest';
import type { IntradayPoint } from '../../src/analytics/mark-to-market.js';
import { propView } from '../../src/analytics/prop-view.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';

const HOUR = 3_600_000_000;
/** Tuesday 2025-01-07 15:00 UTC (10:00 New York, 09:00 Chicago), in microseconds. */
const TUESDAY = Date.UTC(2025, 0, 7, 15) * 1000;

const point = (ts: number, equity: number, balance = equity): IntradayPoint => ({
  ts,
  session: 0,
  equity,
  balance,
});

describe('the prop view replays the risk engine’s trailing threshold', () => {
  it('trails peak equity, open profit included, for an intraday-trailing profile (Apex-style: $2,500)', () => {
    const view = propView('A', loadRuleProfile('apex-50k-evaluation'), 50_000, [
      point(TUESDAY, 50_000),
      point(TUESDAY + HOUR, 51_000, 50_000), // open profit raises the peak
      point(TUESDAY + 2 * HOUR, 48_600, 50_000),
    ]);
    expect(view.basis).toBe('peak-equity');
    expect(view.finalThreshold).toBe(51_000 - 2_500);
    expect(view.closestApproach).toMatchObject({ equity: 48_600, threshold: 48_500, distance: 100 });
    expect(view.breachedAt).toBeNull();
    const breached = propView('A', loadRuleProfile('apex-50k-evaluation'), 50_000, [
      point(TUESDAY, 51_000, 50_000),
      point(TUESDAY + HOUR, 48_500, 48_500),
    ]);
    expect(breached.breachedAt).toBe(TUESDAY + HOUR);
  });

  it('trails only the end-of-day balance for an end-of-day profile (Topstep-style: $2,000)', () => {
    const view = propView('A', loadRuleProfile('topstep-50k-combine'), 50_000, [
      point(TUESDAY, 51_500, 51_000), // an intraday high of open profit does not move the threshold
      point(TUESDAY + 9 * HOUR, 51_000), // 18:00 Chicago: the next trading day, the day closed at 51,000
      point(TUESDAY + 24 * HOUR, 49_100),
    ]);
    expect(view.basis).toBe('end-of-day-balance');
    expect(view.finalThreshold).toBe(51_000 - 2_000);
    expect(view.closestApproach?.distance).toBe(100);
    expect(view.breachedAt).toBeNull();
    // 51,000 → 49,100 in one trading day is past the $1,000 daily loss: one liquidating lock.
    expect(view.dailyLocks).toBe(1);
  });

  it('finds the closest approach to the daily loss limit: the lowest equity against the day’s starting balance', () => {
    const view = propView('A', loadRuleProfile('topstep-50k-combine'), 50_000, [
      point(TUESDAY, 50_000),
      point(TUESDAY + HOUR, 49_400, 50_000), // −600 on the day, open loss included
      point(TUESDAY + 2 * HOUR, 50_200),
      point(TUESDAY + 9 * HOUR, 50_200), // 18:00 Chicago: the next trading day starts at 50,200
      point(TUESDAY + 10 * HOUR, 49_700, 50_200), // −500 on that day
    ]);
    expect(view.rules).toEqual(expect.arrayContaining(['trailingDrawdown', 'dailyLoss', 'maxContracts']));
    expect(view.rules).not.toContain('allowedInstrumentsSource');
    expect(view.dailyLossLimit).toBe(1_000);
    expect(view.worstDailyPnl).toEqual({ ts: TUESDAY + HOUR, pnl: -600 });
    expect(view.stateChanges.HALTED).toBeUndefined();
  });

  it('counts the halt the rules require once equity touches the threshold', () => {
    const view = propView('A', loadRuleProfile('apex-50k-evaluation'), 50_000, [
      point(TUESDAY, 51_000, 50_000),
      point(TUESDAY + HOUR, 48_500, 48_500),
      point(TUESDAY + 2 * HOUR, 48_400, 48_400),
    ]);
    expect(view.stateChanges.HALTED).toBe(1);
  });
});
