import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccountCompliance } from '../../src/risk/account-compliance.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import type { RuleProfile } from '../../src/risk/rule-profile.js';
import { SessionCalendar } from '../../src/core/session-calendar.js';
import { microsFromIso } from '../../src/core/time.js';
import { accountAt } from './scenario-helpers.js';

// How AccountCompliance turns balances and time into a status: the scaling plan's basis, the
// trailing threshold and peak across restores and day closes, time that arrives out of order,
// session phases, how rules combine into one state, the reasons a trader reads, and health.

const apex = loadRuleProfile('apex-50k-evaluation');
const topstep = loadRuleProfile('topstep-50k-combine');
const own = { kind: 'own', note: 'test' } as const;

/** Topstep's rules with some replaced (`undefined` removes a rule). */
function topstepWith(rules: Partial<RuleProfile['rules']>): RuleProfile {
  return { ...topstep, rules: { ...topstep.rules, ...rules } };
}

/** Whole days since the epoch of a UTC date, as `tradingDay` counts them. */
function dayOf(isoDate: string): number {
  return Date.parse(`${isoDate}T00:00:00Z`) / 86_400_000;
}

/** Tuesday 24 Nov 2026, 09:00 Chicago / 10:00 New York: both sessions open, trading day Tuesday. */
const TUESDAY = '2026-11-24T15:00:00Z';

describe('scaling plan', () => {
  it('on an end-of-day basis, counts an intraday profit only once the day has closed on it', () => {
    const compliance = new AccountCompliance(
      'SIM-50K',
      topstepWith({
        scalingPlan: {
          basis: 'end-of-day-balance',
          steps: [
            { fromProfit: 0, minis: 2 },
            { fromProfit: 2000, minis: 5 },
          ],
          source: own,
        },
      }),
    );
    // +2,000 during Tuesday: the last close is still the start, so the first step applies.
    expect(compliance.updateAccount(accountAt(TUESDAY, 52_000)).contractLimit).toBe(2);
    // 17:00 Chicago closes Tuesday at 52,000: profit 2,000 → 5.
    expect(compliance.advanceTime(microsFromIso('2026-11-24T23:00:00Z')).contractLimit).toBe(5);
  });
});

describe('trailing threshold and its peak', () => {
  it('keeps a restored threshold that sits above peak − amount when a new peak would put it lower', () => {
    const first = new AccountCompliance('SIM-50K', apex);
    first.updateAccount(accountAt(TUESDAY, 50_000));
    const compliance = new AccountCompliance('SIM-50K', apex);
    // The persisted threshold (49,000) is above peak − amount (47,500), e.g. the firm's own figure.
    compliance.restore({ ...first.snapshot(), threshold: 49_000 });
    const status = compliance.updateAccount(accountAt('2026-11-24T15:05:00Z', 50_000, 50_800));
    // The new peak puts the candidate at 48,300: the threshold never moves down.
    expect(status).toMatchObject({ peak: 50_800, threshold: 49_000 });
  });

  it('on an end-of-day basis, keeps the highest close as the peak when a later day closes lower', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt(TUESDAY, 51_000));
    // Tuesday closed at 51,000: peak 51,000, threshold 49,000.
    expect(compliance.updateAccount(accountAt('2026-11-25T15:00:00Z', 50_500))).toMatchObject({
      peak: 51_000,
      threshold: 49_000,
    });
    // Wednesday closed lower, at 50,500: the peak stays at Tuesday's close.
    expect(compliance.updateAccount(accountAt('2026-11-26T15:00:00Z', 50_700))).toMatchObject({
      peak: 51_000,
      threshold: 49_000,
    });
  });

  it('on an end-of-day basis, moves only on a close above the peak, not on one equal to it', () => {
    // A snapshot written when the amount was 2,500: threshold 48,500 under a peak of 51,000,
    // below peak − 2,000. A close equal to the peak is no new high and leaves it there.
    const first = new AccountCompliance('SIM-50K', topstep);
    first.updateAccount(accountAt(TUESDAY, 51_000));
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.restore({ ...first.snapshot(), peak: 51_000, threshold: 48_500 });
    compliance.updateAccount(accountAt('2026-11-24T15:01:00Z', 51_000));
    // Tuesday closes at exactly 51,000.
    expect(compliance.advanceTime(microsFromIso('2026-11-24T23:00:00Z'))).toMatchObject({
      peak: 51_000,
      threshold: 48_500,
    });
    // Wednesday closes a cent higher: a new high, threshold at 51,000.01 − 2,000.
    compliance.updateAccount(accountAt('2026-11-25T15:00:00Z', 51_000.01));
    const raised = compliance.advanceTime(microsFromIso('2026-11-25T23:00:00Z'));
    expect(raised.peak).toBe(51_000.01);
    expect(raised.threshold).toBeCloseTo(49_000.01, 6);
  });

  it('reports no peak for a profile without a trailing rule', () => {
    const status = new AccountCompliance(
      'SIM-50K',
      topstepWith({ trailingDrawdown: undefined }),
    ).updateAccount(accountAt(TUESDAY, 50_500));
    expect(status).toMatchObject({ threshold: undefined, peak: undefined });
  });
});

describe('time arriving out of order', () => {
  /** Tuesday 16:59:59 Chicago (flat window of Tuesday's trading day) and 17:00:30 (Wednesday's session). */
  const BEFORE_OPEN = '2026-11-24T22:59:59Z';
  const AFTER_OPEN = '2026-11-24T23:00:30Z';

  it('keeps the latest trading day, session and flatten time when a delayed update from before the open arrives', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    expect(compliance.updateAccount(accountAt(AFTER_OPEN, 50_400))).toMatchObject({
      session: 'open',
      tradingDay: dayOf('2026-11-25'),
    });
    const late = compliance.updateAccount(accountAt(BEFORE_OPEN, 50_400));
    expect(late).toMatchObject({
      session: 'open',
      tradingDay: dayOf('2026-11-25'),
      state: 'ACTIVE',
      // Wednesday 15:10 Chicago − 30 s, not the 17:00 open the late update was stamped before.
      flattenAt: microsFromIso('2026-11-25T21:09:30Z'),
    });
  });

  it('does not move a daily lock’s lift time when a delayed update from the previous trading day arrives', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    // −1,000 just after Wednesday's session opened: locked until Wednesday 17:00 Chicago.
    const locked = compliance.updateAccount(accountAt(AFTER_OPEN, 50_000, 49_000));
    const wednesdayOpen = microsFromIso('2026-11-25T23:00:00Z');
    expect(locked).toMatchObject({ dailyLock: 'hard', dailyLockUntil: wednesdayOpen, state: 'HALTED' });
    const late = compliance.updateAccount(accountAt(BEFORE_OPEN, 50_000, 48_900));
    expect(late).toMatchObject({ dailyLock: 'hard', dailyLockUntil: wednesdayOpen, state: 'HALTED' });
  });

  it('evaluates the first update after a restore in its session, even at the snapshot’s own time', () => {
    const first = new AccountCompliance('SIM-50K', topstep);
    first.updateAccount(accountAt(TUESDAY, 50_000));
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.restore(first.snapshot());
    expect(compliance.updateAccount(accountAt(TUESDAY, 50_000))).toMatchObject({
      session: 'open',
      flattenAt: microsFromIso('2026-11-24T21:09:30Z'),
    });
  });

  it('does not close a day on the first update after a snapshot taken before any trading day', () => {
    // A snapshot without a trading day (written before the profile had trading hours) in the
    // middle of a +1,000 day: that balance is not a close, so neither the end-of-day peak nor
    // the day's start moves.
    const first = new AccountCompliance('SIM-50K', topstep);
    first.updateAccount(accountAt(TUESDAY, 50_000));
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.restore({ ...first.snapshot(), tradingDay: null, balance: 51_000 });
    expect(compliance.updateAccount(accountAt('2026-11-24T15:01:00Z', 51_000))).toMatchObject({
      peak: 50_000,
      threshold: 48_000,
      dailyPnl: 1_000,
    });
  });
});

describe('session phases', () => {
  it('is closed, not in the flat window, in the last seconds before Sunday’s open', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    // Sunday 29 Nov 16:59:45 Chicago: no session since Friday; 15 s before the 17:00 open.
    const status = compliance.updateAccount(accountAt('2026-11-29T22:59:45Z', 50_000));
    expect(status).toMatchObject({
      session: 'closed',
      state: 'REDUCING',
      reasons: ['outside trading hours (closed)'],
      flattenRequired: true,
      flattenAt: undefined,
    });
  });

  it('requires flat on a closed day (Saturday) and gives no flatten time outside a session', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    expect(compliance.updateAccount(accountAt('2026-11-28T18:00:00Z', 50_000))).toMatchObject({
      session: 'closed',
      state: 'REDUCING',
      flattenRequired: true,
      flattenAt: undefined,
    });
  });

  it('gives the flatten time inside a session and none in the flat window', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    // 15:10 Chicago − 30 s lead.
    expect(compliance.updateAccount(accountAt(TUESDAY, 50_000)).flattenAt).toBe(
      microsFromIso('2026-11-24T21:09:30Z'),
    );
    // 15:20 Chicago.
    expect(compliance.updateAccount(accountAt('2026-11-24T21:20:00Z', 50_000))).toMatchObject({
      session: 'flat-window',
      reasons: ['outside trading hours (flat-window)'],
      flattenAt: undefined,
    });
  });
});

describe('the next trading day’s open, found from the session calendar', () => {
  /** A zone and its 2026 spring-forward instant (the hour, or half hour, that does not exist). */
  const springForward = [
    ['America/New_York', '2026-03-08T07:00:00Z'],
    ['Europe/London', '2026-03-29T01:00:00Z'],
    ['Australia/Lord_Howe', '2026-10-03T15:00:00Z'],
    ['Pacific/Chatham', '2026-09-26T14:00:00Z'],
  ] as const;

  it('is reached within 24 boundaries for any hours and open days, across a DST gap too', () => {
    // The daily lock's lift time walks the calendar's boundaries (at most 32); each boundary is
    // later than the last, even when the open or forced-flat time does not exist that day, and a
    // session swallowed by the gap (01:43–01:44 London on 29 Mar) only defers the open a week.
    // Any minute, or one between 01:00 and 03:59, where the four gaps are.
    const hourMinute = fc
      .oneof(fc.integer({ min: 0, max: 1439 }), fc.integer({ min: 60, max: 239 }))
      .map(
        (minute) =>
          `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`,
      );
    fc.assert(
      fc.property(
        fc.constantFrom(...springForward),
        fc.integer({ min: 0, max: 15 * 86_400 }),
        hourMinute,
        hourMinute,
        fc.oneof(
          fc.integer({ min: 0, max: 6 }).map((day) => [day]),
          fc.uniqueArray(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 7 }),
        ),
        ([timeZone, change], secondsBefore, open, forcedFlat, openDays) => {
          fc.pre(open !== forcedFlat);
          const calendar = new SessionCalendar({ timeZone, open, forcedFlat, openDays });
          let position = calendar.at(microsFromIso(change) - secondsBefore * 1_000_000);
          const today = position.tradingDay;
          for (let step = 1; step <= 24; step++) {
            const from = position.until;
            position = calendar.at(from);
            expect(position.until).toBeGreaterThan(from);
            if (position.phase === 'open' && position.tradingDay !== today) return;
          }
          expect.unreachable('no open of a later trading day within 24 boundaries');
        },
      ),
      { numRuns: 3000 },
    );
  });
});

describe('rules combined into one state', () => {
  it('is HALTED when a daily lock comes on top of a REDUCING trailing margin', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    // Room to the threshold (48,000) 200 ≤ 250: REDUCING; day −1,800: liquidate lock.
    const status = compliance.updateAccount(accountAt(TUESDAY, 50_000, 48_200));
    expect(status.state).toBe('HALTED');
    expect(status.reasons).toEqual([
      'within 250 of the trailing threshold (room 200)',
      'daily loss limit 1000 reached: liquidated, no new orders until 2026-11-24 17:00 America/Chicago (next trading day)',
    ]);
  });
});

describe('daily loss lock', () => {
  it('in hard mode, halts and flattens until the next trading day, with no lift time to show', () => {
    const compliance = new AccountCompliance(
      'SIM-50K',
      topstepWith({ dailyLoss: { amount: 1000, mode: 'hard', source: own } }),
    );
    expect(compliance.updateAccount(accountAt(TUESDAY, 50_000, 49_000))).toMatchObject({
      state: 'HALTED',
      dailyLock: 'hard',
      dailyLockUntil: undefined,
      flattenRequired: true,
      reasons: ['daily loss limit 1000 reached: locked until the next session'],
    });
    // Flattened at a realized −1,000; 17:00 Chicago starts Wednesday's trading day.
    compliance.updateAccount(accountAt('2026-11-24T21:20:00Z', 49_000));
    expect(compliance.advanceTime(microsFromIso('2026-11-24T23:00:00Z'))).toMatchObject({
      state: 'ACTIVE',
      dailyLock: 'none',
    });
  });

  it('in soft mode, allows reducing only, says so, and has no lift time', () => {
    const compliance = new AccountCompliance(
      'SIM-50K',
      topstepWith({ dailyLoss: { amount: 1000, mode: 'soft', source: own } }),
    );
    expect(compliance.updateAccount(accountAt(TUESDAY, 50_000, 49_000))).toMatchObject({
      state: 'REDUCING',
      dailyLock: 'soft',
      dailyLockUntil: undefined,
      flattenRequired: false,
      reasons: ['daily loss limit 1000 reached: no new entries until the next session'],
    });
  });

  it('says how far the day is from the limit when within the margin', () => {
    expect(
      new AccountCompliance('SIM-50K', topstep).updateAccount(accountAt(TUESDAY, 50_000, 49_150)).reasons,
    ).toEqual(['within 150 of the daily loss limit (day -850)']);
  });

  it('lifts a lock taken before a day session opens at the next day’s open, not at today’s', () => {
    // A day session, 09:30–16:00 New York on weekdays.
    const compliance = new AccountCompliance(
      'SIM-50K',
      topstepWith({
        tradingHours: {
          timeZone: 'America/New_York',
          open: '09:30',
          forcedFlat: '16:00',
          openDays: [1, 2, 3, 4, 5],
          source: own,
        },
      }),
    );
    // Tuesday 08:00 New York (closed, Tuesday's trading day): −1,000.
    const status = compliance.updateAccount(accountAt('2026-11-24T13:00:00Z', 50_000, 49_000));
    expect(status).toMatchObject({
      session: 'closed',
      dailyLock: 'hard',
      dailyLockUntil: microsFromIso('2026-11-25T14:30:00Z'),
    });
    expect(status.reasons).toContain(
      'daily loss limit 1000 reached: liquidated, no new orders until 2026-11-25 09:30 America/New_York (next trading day)',
    );
  });

  it('lifts a lock at the open after a DST gap when the open time falls inside the gap', () => {
    // 02:30 New York does not exist on Sunday 8 Mar 2026 (02:00 EST → 03:00 EDT): the session
    // opens at 03:30 EDT, an hour of wall clock after the gap began.
    const compliance = new AccountCompliance(
      'SIM-50K',
      topstepWith({
        tradingHours: {
          timeZone: 'America/New_York',
          open: '02:30',
          forcedFlat: '16:00',
          openDays: [0, 1, 2, 3, 4, 5, 6],
          source: own,
        },
      }),
    );
    // Saturday 7 Mar, 10:00 EST: −1,000.
    const status = compliance.updateAccount(accountAt('2026-03-07T15:00:00Z', 50_000, 49_000));
    expect(status).toMatchObject({
      state: 'HALTED',
      dailyLock: 'hard',
      dailyLockUntil: microsFromIso('2026-03-08T07:30:00Z'),
    });
    expect(status.reasons).toEqual([
      'daily loss limit 1000 reached: liquidated, no new orders until 2026-03-08 03:30 America/New_York (next trading day)',
    ]);
  });

  it('shows a lift time on the hour with two-digit minutes (17:00, not 17:0)', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    expect(compliance.updateAccount(accountAt(TUESDAY, 50_000, 48_900)).reasons).toEqual([
      'daily loss limit 1000 reached: liquidated, no new orders until 2026-11-24 17:00 America/Chicago (next trading day)',
    ]);
  });
});

describe('trailing drawdown reasons', () => {
  it('names the equity and the threshold it touched', () => {
    const status = new AccountCompliance('SIM-50K', apex).updateAccount(accountAt(TUESDAY, 50_000, 47_500));
    expect(status.reasons).toEqual(['trailing drawdown breached: equity 47500 at or below threshold 47500']);
  });

  it('names the margin and the room left', () => {
    const status = new AccountCompliance('SIM-50K', apex).updateAccount(accountAt(TUESDAY, 50_000, 47_700));
    expect(status.reasons).toEqual(['within 250 of the trailing threshold (room 200)']);
  });
});

describe('health', () => {
  it('is the smaller of the drawdown room and the daily room, as a percentage of each limit', () => {
    // Topstep on a fresh day: threshold 48,000 (amount 2,000), daily limit 1,000; the margins
    // (REDUCING) start 250 above the threshold and at a day of −850.
    fc.assert(
      fc.property(fc.integer({ min: 49_151, max: 50_999 }), (equity) => {
        const status = new AccountCompliance('SIM-50K', topstep).updateAccount(
          accountAt(TUESDAY, 50_000, equity),
        );
        const drawdownRoom = (equity - 48_000) / 2_000;
        const dailyRoom = (1_000 + equity - 50_000) / 1_000;
        expect(status.state).toBe('ACTIVE');
        expect(status.health).toBe(Math.round(100 * Math.min(1, drawdownRoom, dailyRoom)));
      }),
    );
    // Day −500: daily room 50 %, drawdown room 75 %.
    expect(
      new AccountCompliance('SIM-50K', topstep).updateAccount(accountAt(TUESDAY, 50_000, 49_500)).health,
    ).toBe(50);
  });

  it('is at most 50 while REDUCING, even with every limit far away', () => {
    // Saturday: closed, REDUCING; no loss on the day and 2,000 above the threshold.
    const status = new AccountCompliance('SIM-50K', topstep).updateAccount(
      accountAt('2026-11-28T18:00:00Z', 50_000),
    );
    expect(status).toMatchObject({ state: 'REDUCING', health: 50 });
  });

  it('does not measure a daily room against a daily limit of 0', () => {
    // A soft lock at any loss: REDUCING with a health of 50, not 0 (or NaN on a flat day).
    const compliance = new AccountCompliance(
      'SIM-50K',
      topstepWith({ trailingDrawdown: undefined, dailyLoss: { amount: 0, mode: 'soft', source: own } }),
    );
    expect(compliance.updateAccount(accountAt(TUESDAY, 50_000))).toMatchObject({
      state: 'REDUCING',
      health: 50,
    });
    expect(compliance.updateAccount(accountAt('2026-11-24T15:01:00Z', 50_000, 49_900))).toMatchObject({
      state: 'REDUCING',
      health: 50,
    });
  });
});
