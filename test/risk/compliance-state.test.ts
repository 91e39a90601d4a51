import { describe, expect, it } from 'vitest';
import type { Position } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { AccountCompliance, type ComplianceSnapshot } from '../../src/risk/account-compliance.js';
import { AccountExposure } from '../../src/risk/account-exposure.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import type { RuleProfile } from '../../src/risk/rule-profile.js';
import { accountAt, intentAt } from './scenario-helpers.js';

const apex = loadRuleProfile('apex-50k-evaluation');
const topstep = loadRuleProfile('topstep-50k-combine');
const own = { kind: 'own', note: 'test' } as const;

/** Apex without a trailing threshold (and so without a half-size limit to lift). */
const { trailingDrawdown: apexTrailing, ...apexRulesWithoutTrailing } = apex.rules;
if (!apexTrailing) throw new Error('the Apex profile has a trailing threshold');
const noTrailing: RuleProfile = { ...apex, id: 'test-no-trailing', rules: apexRulesWithoutTrailing };
/** Apex without trading hours: no calendar, so no trading day and no session phases. */
const { tradingHours: _apexHours, ...apexRulesWithoutHours } = apex.rules;
const noHours: RuleProfile = { ...apex, id: 'test-no-hours', rules: apexRulesWithoutHours };
/** A threshold with no distance that stops at the start: it starts at its final level. */
const zeroTrailing: RuleProfile = {
  ...apex,
  id: 'test-zero-trailing',
  rules: {
    ...apex.rules,
    trailingDrawdown: { basis: 'peak-equity', amount: 0, stopsTrailingAtProfit: 0, source: own },
  },
};
/** The combine with the daily loss limit in `hard` mode: locked until the next session, no lift time. */
const topstepHard: RuleProfile = {
  ...topstep,
  rules: { ...topstep.rules, dailyLoss: { amount: 1000, mode: 'hard', source: own } },
};

const TUESDAY = '2026-11-24T15:00:00Z';

function longPosition(symbol: string, quantity: number): Position {
  return {
    account: 'SIM-50K',
    symbol,
    ts: 0,
    quantity,
    averagePrice: 6000,
    unrealizedPnl: 0,
    realizedPnl: 0,
  };
}

function exposureWith(quantity: number): AccountExposure {
  const exposure = new AccountExposure();
  if (quantity !== 0) exposure.applyPosition(longPosition('ES 12-26', quantity));
  return exposure;
}

describe('snapshot and restore', () => {
  it('a restored engine continues with the saved threshold, peak and closed day results', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt(TUESDAY, 51_000));
    compliance.updateAccount(accountAt('2026-11-25T15:00:00Z', 51_400));
    const restored = new AccountCompliance('SIM-50K', apex);
    expect(restored.restore(compliance.snapshot())).toBe(true);
    expect(restored.status).toMatchObject({ threshold: 48_900, peak: 51_400, balance: 51_400 });
    expect(restored.consistency()?.days).toEqual(compliance.consistency()?.days);
    expect([...(restored.consistency()?.days.values() ?? [])]).toEqual([1000, 400]);
  });

  it('refuses a snapshot of another profile and keeps its own state', () => {
    const other = new AccountCompliance('SIM-50K', topstep);
    other.updateAccount(accountAt(TUESDAY, 49_500));
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    expect(compliance.restore(other.snapshot())).toBe(false);
    expect(compliance.status).toMatchObject({ threshold: 47_500, balance: 50_000, dailyLock: 'none' });
    expect(compliance.startingBalance).toBe(50_000);
  });

  it('a restart after a breach survives an engine restart: the threshold stays at the new start − amount', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    expect(compliance.updateAccount(accountAt(TUESDAY, 47_400)).breached).toBe(true);
    // A person resumes: the rules start again from 47,400 (threshold 44,900).
    expect(compliance.restart(microsFromIso('2026-11-24T15:10:00Z'))).toMatchObject({
      threshold: 44_900,
      state: 'ACTIVE',
    });
    // The engine restarts with the profile's 50,000 start and restores the saved state.
    const restored = new AccountCompliance('SIM-50K', apex);
    restored.restore(compliance.snapshot());
    expect(restored.startingBalance).toBe(47_400);
    expect(restored.status).toMatchObject({ threshold: 44_900, breached: false, state: 'ACTIVE' });
  });

  it('a restore never puts the threshold below its start − amount, and keeps a higher saved one', () => {
    const saved = new AccountCompliance('SIM-50K', apex).snapshot();
    const low = new AccountCompliance('SIM-50K', apex);
    low.restore({ ...saved, threshold: 47_000 });
    expect(low.status.threshold).toBe(47_500);
    const high = new AccountCompliance('SIM-50K', apex);
    high.restore({ ...saved, threshold: 47_600, peak: 50_100 });
    expect(high.status.threshold).toBe(47_600);
    // Saved while the profile had no trailing rule: the threshold starts at start − amount.
    const none = new AccountCompliance('SIM-50K', apex);
    none.restore({ ...saved, threshold: null });
    expect(none.status.threshold).toBe(47_500);
  });

  it('after a restore under a smaller trailing amount, the threshold moves only with a new peak', () => {
    const before = new AccountCompliance('SIM-50K', apex);
    before.updateAccount(accountAt(TUESDAY, 50_000, 51_000));
    expect(before.status.threshold).toBe(48_500);
    const tighter: RuleProfile = {
      ...apex,
      version: apex.version + 1,
      rules: { ...apex.rules, trailingDrawdown: { ...apexTrailing, amount: 2000 } },
    };
    const after = new AccountCompliance('SIM-50K', tighter);
    after.restore(before.snapshot());
    // Equity back at the saved peak is not a new peak: the saved threshold stays.
    expect(after.updateAccount(accountAt('2026-11-24T15:05:00Z', 50_000, 51_000)).threshold).toBe(48_500);
    // A new peak trails by the new amount.
    expect(after.updateAccount(accountAt('2026-11-24T15:06:00Z', 50_000, 51_100)).threshold).toBe(49_100);
  });

  it('restores when a liquidate lock lifts; without a lock, or with a lock that is not liquidate, nothing lifts', () => {
    // Tuesday 09:00 Chicago, −1,000: the liquidate lock lifts at 17:00 Chicago (23:00 UTC).
    const locked = new AccountCompliance('SIM-50K', topstep);
    locked.updateAccount(accountAt(TUESDAY, 49_000));
    const restoredLock = new AccountCompliance('SIM-50K', topstep);
    restoredLock.restore(locked.snapshot());
    expect(restoredLock.status).toMatchObject({
      dailyLock: 'hard',
      dailyLockUntil: microsFromIso('2026-11-24T23:00:00Z'),
      state: 'HALTED',
    });

    const unlocked = new AccountCompliance('SIM-50K', topstep);
    unlocked.updateAccount(accountAt(TUESDAY, 49_500));
    const restoredUnlocked = new AccountCompliance('SIM-50K', topstep);
    restoredUnlocked.restore(unlocked.snapshot());
    expect(restoredUnlocked.status).toMatchObject({ dailyLock: 'none', dailyLockUntil: undefined });

    const hard = new AccountCompliance('SIM-50K', topstepHard);
    hard.updateAccount(accountAt(TUESDAY, 49_000));
    const restoredHard = new AccountCompliance('SIM-50K', topstepHard);
    restoredHard.restore(hard.snapshot());
    expect(restoredHard.status).toMatchObject({
      dailyLock: 'hard',
      dailyLockUntil: undefined,
      state: 'HALTED',
    });
    expect(restoredHard.status.reasons).toEqual([
      'daily loss limit 1000 reached: locked until the next session',
    ]);
  });
});

describe('trailing stopped: the threshold at its final level', () => {
  it('an account without a trailing rule never reports trailing stopped, before or after a restart', () => {
    const compliance = new AccountCompliance('SIM-50K', noTrailing);
    expect(compliance.status.trailingStopped).toBe(false);
    expect(compliance.snapshot().trailingStopped).toBe(false);
    expect(compliance.restart(microsFromIso(TUESDAY)).trailingStopped).toBe(false);
    const restored = new AccountCompliance('SIM-50K', noTrailing);
    expect(restored.restore(compliance.snapshot())).toBe(true);
    expect(restored.status).toMatchObject({ threshold: undefined, trailingStopped: false });
  });

  it('a threshold that starts at its final level has stopped trailing at once, and again after a restart', () => {
    const compliance = new AccountCompliance('SIM-50K', zeroTrailing);
    expect(compliance.status).toMatchObject({ threshold: 50_000, trailingStopped: true, contractLimit: 10 });
    compliance.updateAccount(accountAt(TUESDAY, 50_500));
    expect(compliance.restart(microsFromIso('2026-11-24T15:10:00Z'))).toMatchObject({
      threshold: 50_500,
      trailingStopped: true,
      contractLimit: 10,
    });
  });

  it('a restart starts trailing afresh: not stopped, half the contracts again', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt(TUESDAY, 52_600));
    expect(compliance.status).toMatchObject({ threshold: 50_100, trailingStopped: true, contractLimit: 10 });
    compliance.updateAccount(accountAt('2026-11-24T15:05:00Z', 50_100));
    expect(compliance.status.breached).toBe(true);
    expect(compliance.restart(microsFromIso('2026-11-24T15:10:00Z'))).toMatchObject({
      threshold: 47_600,
      trailingStopped: false,
      contractLimit: 5,
      state: 'ACTIVE',
    });
  });
});

describe('time passing', () => {
  it('inside one session phase the rules are not evaluated again: the same status comes back', () => {
    const withHours = new AccountCompliance('SIM-50K', apex);
    const open = withHours.updateAccount(accountAt(TUESDAY, 50_000));
    expect(withHours.advanceTime(microsFromIso('2026-11-24T15:01:00Z'))).toBe(open);
    // The flat window (16:58:30 New York) is a new phase: a new status.
    expect(withHours.advanceTime(microsFromIso('2026-11-24T21:58:30Z'))).toMatchObject({
      session: 'flat-window',
      state: 'REDUCING',
    });
  });
});

describe('denials say why, with the numbers', () => {
  it('a HALTED account gives every reason, one after another', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    // −2,000 at once: the end-of-day threshold (48,000) is touched and the daily loss limit too.
    compliance.updateAccount(accountAt(TUESDAY, 48_000));
    const denied = compliance.checkIntent(intentAt('2026-11-24T15:00:01Z'), exposureWith(0));
    expect(denied?.code).toBe('HALTED');
    expect(denied?.reason).toBe(
      'account is HALTED: trailing drawdown breached: equity 48000 at or below threshold 48000; ' +
        'daily loss limit 1000 reached: liquidated, no new orders until 2026-11-24 17:00 America/Chicago (next trading day)',
    );
  });

  it.each([0, -1, 1.5, Number.NaN])(
    'refuses a quantity of %s: it must be a positive whole number',
    (quantity) => {
      const compliance = new AccountCompliance('SIM-50K', apex);
      compliance.updateAccount(accountAt(TUESDAY, 50_000));
      const denied = compliance.checkIntent(intentAt('2026-11-24T15:00:01Z', { quantity }), exposureWith(0));
      expect(denied).toMatchObject({
        code: 'INVALID_QUANTITY',
        reason: 'quantity must be a positive whole number',
        numbers: { requested: quantity },
      });
    },
  );

  it('accepts a quantity of 1, the smallest whole number', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    expect(
      compliance.checkIntent(intentAt('2026-11-24T15:00:01Z', { quantity: 1 }), exposureWith(0)),
    ).toBeUndefined();
  });

  it('names the symbol it does not know and the root the profile does not allow', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    expect(
      compliance.checkIntent(intentAt('2026-11-24T15:00:01Z', { symbol: 'XYZ 12-26' }), exposureWith(0)),
    ).toMatchObject({ code: 'UNKNOWN_INSTRUMENT', reason: "'XYZ 12-26' is not a known instrument" });
    expect(
      compliance.checkIntent(intentAt('2026-11-24T15:00:02Z', { symbol: 'GC 02-27' }), exposureWith(0)),
    ).toMatchObject({
      code: 'INSTRUMENT_NOT_ALLOWED',
      reason: 'GC is not allowed by profile apex-50k-evaluation',
    });
  });

  it('allows 60 orders a minute and refuses the 61st with the limit and the window', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    const start = microsFromIso(TUESDAY);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    for (let i = 0; i < 60; i++)
      expect(
        compliance.checkIntent(intentAt(start + i * 1000), exposureWith(0)),
        `order ${i + 1}`,
      ).toBeUndefined();
    expect(compliance.checkIntent(intentAt(start + 60_000), exposureWith(0))).toEqual(
      expect.objectContaining({
        code: 'ORDER_RATE',
        reason: 'more than 60 orders per 1m',
        numbers: { limit: 60, windowMicros: 60_000_000 },
      }),
    );
  });

  it('in the flat window refuses an entry, naming the session and the position', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    // 16:58:30 New York: the flat window of the 16:59 cutoff.
    const denied = compliance.checkIntent(intentAt('2026-11-24T21:58:30Z'), exposureWith(2));
    expect(denied).toMatchObject({
      code: 'OUTSIDE_TRADING_HOURS',
      reason: 'the session is flat-window: only orders that reduce a position',
      numbers: { position: 2 },
    });
  });
});

describe('REDUCING: only orders that reduce a position', () => {
  /** Apex at 47,700: within 250 of the 47,500 threshold, and held by a broker disagreement too. */
  function reducingAccount(): AccountCompliance {
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt(TUESDAY, 47_700));
    compliance.holdReducing("the broker's positions disagree", microsFromIso(TUESDAY));
    expect(compliance.status.state).toBe('REDUCING');
    return compliance;
  }

  it('refuses an entry, giving every reason and the position and the order', () => {
    const denied = reducingAccount().checkIntent(intentAt('2026-11-24T15:00:01Z'), exposureWith(2));
    expect(denied).toMatchObject({
      code: 'REDUCING_ONLY',
      reason:
        "account is REDUCING (within 250 of the trailing threshold (room 200); the broker's positions disagree): " +
        'only orders that reduce a position',
      numbers: { position: 2, requested: 1 },
    });
  });

  it('allows a plain sell of at most the long position', () => {
    const compliance = reducingAccount();
    const sell = { side: 'sell', quantity: 2 } as const;
    expect(compliance.checkIntent(intentAt('2026-11-24T15:00:01Z', sell), exposureWith(2))).toBeUndefined();
    expect(
      compliance.checkIntent(intentAt('2026-11-24T15:00:02Z', { ...sell, quantity: 3 }), exposureWith(2))
        ?.code,
    ).toBe('REDUCING_ONLY');
  });

  it('a sell without a position is an entry', () => {
    const denied = reducingAccount().checkIntent(
      intentAt('2026-11-24T15:00:01Z', { side: 'sell' }),
      exposureWith(0),
    );
    expect(denied).toMatchObject({ code: 'REDUCING_ONLY', numbers: { position: 0, requested: -1 } });
  });

  it('a sell with a take profit opens a bracket: it is an entry', () => {
    const bracket = {
      side: 'sell',
      type: 'limit',
      limitPrice: 6000,
      takeProfit: 5990,
    } as const;
    expect(
      reducingAccount().checkIntent(intentAt('2026-11-24T15:00:01Z', bracket), exposureWith(2))?.code,
    ).toBe('REDUCING_ONLY');
  });
});

describe('consistency: best day against total profit', () => {
  it('a flat day is no trading-day result', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    const tuesday = compliance.updateAccount(accountAt(TUESDAY, 51_000)).tradingDay;
    // Wednesday ends where Tuesday did: only Tuesday's +1,000 is a day.
    compliance.updateAccount(accountAt('2026-11-25T15:00:00Z', 51_000));
    expect([...(compliance.consistency()?.days ?? [])]).toEqual([[tuesday, 1000]]);
  });

  it('without trading hours there is no trading day: profit counts in the total only', () => {
    const compliance = new AccountCompliance('SIM-50K', noHours);
    compliance.updateAccount(accountAt(TUESDAY, 51_000));
    expect(compliance.consistency()).toMatchObject({ totalProfit: 1000, bestDay: 0, days: new Map() });
  });

  it('without profit the best-day share is infinite and consistency fails', () => {
    const fresh = new AccountCompliance('SIM-50K', apex);
    expect(fresh.consistency()).toMatchObject({
      totalProfit: 0,
      bestDay: 0,
      bestDayShare: Infinity,
      passes: false,
    });
    // +500 on Tuesday, −1,000 on Wednesday: a best day of 500 in a total of −500.
    const losing = new AccountCompliance('SIM-50K', apex);
    losing.updateAccount(accountAt(TUESDAY, 50_500));
    losing.updateAccount(accountAt('2026-11-25T15:00:00Z', 49_500));
    expect(losing.consistency()).toMatchObject({
      totalProfit: -500,
      bestDay: 500,
      bestDayShare: Infinity,
      passes: false,
    });
  });

  /** A total profit of exactly 1 whose one closed day made `best`. */
  function bestDayOf(profile: RuleProfile, best: number): AccountCompliance {
    const compliance = new AccountCompliance('SIM-50K', profile);
    const snapshot: ComplianceSnapshot = {
      ...compliance.snapshot(),
      balance: 50_001,
      dayStartBalance: 50_001,
      lastCloseBalance: 50_001,
      dayResults: [[20_000, best]],
    };
    compliance.restore(snapshot);
    return compliance;
  }

  it('"at most 30 %": a share of exactly 30 % passes, within 1e-12 above too, and not beyond', () => {
    expect(bestDayOf(apex, 0.3).consistency()?.passes).toBe(true);
    expect(bestDayOf(apex, 0.3 + 1e-12).consistency()?.passes).toBe(true);
    expect(bestDayOf(apex, 0.3 + 2e-12).consistency()?.passes).toBe(false);
  });

  it('"below 50 %": a share of exactly 50 % fails, within 1e-12 below too, and passes beneath', () => {
    expect(bestDayOf(topstep, 0.5).consistency()?.passes).toBe(false);
    expect(bestDayOf(topstep, 0.5 - 1e-12).consistency()?.passes).toBe(false);
    expect(bestDayOf(topstep, 0.5 - 2e-12).consistency()?.passes).toBe(true);
  });
});

describe('health: rejected orders of the last 15 minutes', () => {
  it('remembers the 64 rejects recorded last, in the order they are recorded', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    const now = microsFromIso(TUESDAY);
    const anHourAgo = microsFromIso('2026-11-24T14:00:00Z');
    expect(compliance.updateAccount(accountAt(TUESDAY, 50_000)).health).toBe(100);
    compliance.recordReject(now);
    // 63 late reports of rejects an hour old: 64 in all, the recent one is still counted.
    for (let i = 0; i < 63; i++) compliance.recordReject(anHourAgo);
    expect(compliance.updateAccount(accountAt('2026-11-24T15:00:01Z', 50_000)).health).toBe(95);
    // The 65th pushes out the first recorded, the recent one.
    compliance.recordReject(anHourAgo);
    expect(compliance.updateAccount(accountAt('2026-11-24T15:00:02Z', 50_000)).health).toBe(100);
  });
});
