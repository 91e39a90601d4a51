import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AccountCompliance } from '../../src/risk/account-compliance.js';
import { AccountExposure } from '../../src/risk/account-exposure.js';
import { BUNDLED_PROFILE_IDS, loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import type { RuleProfile } from '../../src/risk/rule-profile.js';
import { microsFromIso } from '../../src/core/time.js';
import { accountAt, intentAt } from './scenario-helpers.js';

// Every limit of the bundled profiles, hit exactly and missed by the smallest step (a cent, a
// tick, a microsecond) on the other side. docs/profiles.md ("At exactly the limit") says which
// side each one is on and why; the last test keeps that table in step with the profiles.

const apex = loadRuleProfile('apex-50k-evaluation');
const topstep = loadRuleProfile('topstep-50k-combine');
/** The combine with a scaling plan on the live balance (a funded-account rule), to hit its steps exactly. */
const topstepScaling: RuleProfile = {
  ...topstep,
  rules: {
    ...topstep.rules,
    scalingPlan: {
      basis: 'balance',
      steps: [
        { fromProfit: 0, minis: 2 },
        { fromProfit: 1500, minis: 3 },
        { fromProfit: 2000, minis: 5 },
      ],
      source: { kind: 'own', note: 'test: steps at 1,500 and 2,000' },
    },
  },
};

/** Tuesday 24 Nov 2026, 10:00 New York / 09:00 Chicago: both sessions open. */
const TUESDAY = '2026-11-24T15:00:00Z';
const ORDER_TIME = '2026-11-24T15:00:01Z';

function statusAt(profile: RuleProfile, balance: number, equity = balance) {
  return new AccountCompliance('SIM-50K', profile).updateAccount(accountAt(TUESDAY, balance, equity));
}

/** A buy limit at 6000.00 with its stop `stopTicks` ES ticks ($12.50 each) below, checked on a fresh account. */
function bracketAt(profile: RuleProfile, stopTicks: number, equity = 50_000) {
  const compliance = new AccountCompliance('SIM-50K', profile);
  compliance.updateAccount(accountAt(TUESDAY, 50_000, equity));
  return compliance.checkIntent(
    intentAt(ORDER_TIME, { type: 'limit', limitPrice: 6000, stopLoss: 6000 - stopTicks * 0.25 }),
    new AccountExposure(),
  );
}

describe('trailing drawdown at exactly the threshold', () => {
  it('fails the account when equity equals the threshold (Apex 47,500), not a cent above it', () => {
    expect(statusAt(apex, 50_000, 47_500)).toMatchObject({
      breached: true,
      state: 'HALTED',
      flattenRequired: true,
    });
    expect(statusAt(apex, 50_000, 47_500.01)).toMatchObject({ breached: false, flattenRequired: false });
  });

  it('fails the account when equity equals the Topstep Maximum Loss Limit (48,000), not a cent above it', () => {
    expect(statusAt(topstep, 50_000, 48_000)).toMatchObject({ breached: true, state: 'HALTED' });
    expect(statusAt(topstep, 50_000, 48_000.01).breached).toBe(false);
  });

  it('goes REDUCING with exactly reducingWithin (250) of room left, stays ACTIVE a cent further', () => {
    expect(statusAt(apex, 50_000, 47_750).state).toBe('REDUCING');
    expect(statusAt(apex, 50_000, 47_750.01).state).toBe('ACTIVE');
  });

  it('stops trailing when the threshold reaches exactly start + 100 (peak 52,600), not at 52,599.99', () => {
    const stopped = statusAt(apex, 52_600);
    expect(stopped).toMatchObject({ threshold: 50_100, trailingStopped: true, contractLimit: 10 });
    const trailing = statusAt(apex, 52_599.99);
    expect(trailing).toMatchObject({ trailingStopped: false, contractLimit: 5 });
    expect(trailing.threshold).toBeCloseTo(50_099.99, 6);
  });

  it('stops the Topstep threshold when an end-of-day balance of exactly 52,000 puts it at the start', () => {
    for (const [close, threshold, stopped] of [
      [52_000, 50_000, true],
      [51_999.99, 49_999.99, false],
    ] as const) {
      const compliance = new AccountCompliance('SIM-50K', topstep);
      compliance.updateAccount(accountAt(TUESDAY, close));
      // 17:00 Chicago closes Tuesday's trading day at `close`.
      const status = compliance.advanceTime(microsFromIso('2026-11-24T23:00:00Z'));
      expect(status.threshold).toBeCloseTo(threshold, 6);
      expect(status.trailingStopped).toBe(stopped);
    }
  });

  it('denies with DRAWDOWN_ROOM an order whose loss at the stop equals the room left (the stop would touch the threshold)', () => {
    // Apex: equity 50,000, threshold 47,500, room 2,500 = 200 ES ticks × $12.50.
    expect(bracketAt(apex, 200)).toMatchObject({
      code: 'DRAWDOWN_ROOM',
      numbers: { lossAtStop: 2500, room: 2500, threshold: 47_500, equity: 50_000 },
    });
    // One tick less ($2,487.50) leaves a tick of room: allowed.
    expect(bracketAt(apex, 199)).toBeUndefined();
  });
});

describe('daily loss at exactly the limit', () => {
  it('locks (liquidate: HALTED and flatten) at a day P&L of exactly −1,000, not at −999.99', () => {
    expect(statusAt(topstep, 50_000, 49_000)).toMatchObject({
      dailyLock: 'hard',
      state: 'HALTED',
      flattenRequired: true,
    });
    expect(statusAt(topstep, 50_000, 49_000.01)).toMatchObject({
      dailyLock: 'none',
      state: 'REDUCING',
      flattenRequired: false,
    });
  });

  it('goes REDUCING at exactly reducingWithin (150) of the daily limit (day −850), stays ACTIVE at −849.99', () => {
    expect(statusAt(topstep, 50_000, 49_150).state).toBe('REDUCING');
    expect(statusAt(topstep, 50_000, 49_150.01).state).toBe('ACTIVE');
  });

  it('denies with DAILY_LOSS_ROOM an order whose loss at the stop equals the daily room, allows one a tick smaller', () => {
    // Topstep: day room 1,000 = 80 ES ticks (the drawdown room, 2,000, is larger).
    expect(bracketAt(topstep, 80)).toMatchObject({
      code: 'DAILY_LOSS_ROOM',
      numbers: { lossAtStop: 1000, room: 1000, dailyLimit: 1000, dailyPnl: 0 },
    });
    expect(bracketAt(topstep, 79)).toBeUndefined();
  });
});

describe('contract limits at exactly the limit', () => {
  it('allows exactly the Topstep limit of 5 lots, micros counted as full lots, and denies the 6th', () => {
    for (const symbol of ['ES 12-26', 'MES 12-26']) {
      const compliance = new AccountCompliance('SIM-50K', topstep);
      compliance.updateAccount(accountAt(TUESDAY, 50_000));
      const exposure = new AccountExposure();
      expect(compliance.checkIntent(intentAt(ORDER_TIME, { symbol, quantity: 5 }), exposure)).toBeUndefined();
      expect(compliance.checkIntent(intentAt(ORDER_TIME, { symbol, quantity: 6 }), exposure)).toMatchObject({
        code: 'CONTRACT_LIMIT',
        numbers: { limitMinis: 5, projectedMinis: 6 },
      });
    }
  });

  it('applies a scaling step from exactly its fromProfit (1,500 → 3, 2,000 → 5), not a cent below', () => {
    const limitAt = (balance: number) => statusAt(topstepScaling, balance).contractLimit;
    expect(limitAt(51_499.99)).toBe(2);
    expect(limitAt(51_500)).toBe(3);
    expect(limitAt(51_999.99)).toBe(3);
    expect(limitAt(52_000)).toBe(5);
  });

  it('allows an order that brings exposure to exactly the scaled limit on the step’s first cent', () => {
    const compliance = new AccountCompliance('SIM-50K', topstepScaling);
    compliance.updateAccount(accountAt(TUESDAY, 51_500));
    const exposure = new AccountExposure();
    expect(compliance.checkIntent(intentAt(ORDER_TIME, { quantity: 3 }), exposure)).toBeUndefined();
    expect(compliance.checkIntent(intentAt(ORDER_TIME, { quantity: 4 }), exposure)?.code).toBe(
      'CONTRACT_LIMIT',
    );
  });

  it('allows an order that leaves worst-case exposure exactly where it is over a limit, denies one a contract beyond', () => {
    // Long 6 ES against Apex's half-size limit of 5 (say, the limit was lowered): a bracket sell of
    // 12 would at worst be short 6, no more than now; 13 would be short 7.
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    const exposure = new AccountExposure();
    exposure.applyPosition({
      account: 'SIM-50K',
      symbol: 'ES 12-26',
      ts: 0,
      quantity: 6,
      averagePrice: 6000,
      unrealizedPnl: 0,
      realizedPnl: 0,
    });
    const sell = (quantity: number) =>
      compliance.checkIntent(intentAt(ORDER_TIME, { side: 'sell', quantity, stopLoss: 6010 }), exposure);
    expect(sell(12)).toBeUndefined();
    expect(sell(13)).toMatchObject({
      code: 'CONTRACT_LIMIT',
      numbers: { limitMinis: 5, currentMinis: 6, projectedMinis: 7 },
    });
  });
});

describe('health at exactly the reject window', () => {
  it('counts a rejected order against health for 15 minutes, and not at exactly 15 minutes', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    const rejected = microsFromIso(TUESDAY);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    compliance.recordReject(rejected);
    const healthAt = (ts: number) => compliance.updateAccount({ ...accountAt(TUESDAY, 50_000), ts }).health;
    expect(healthAt(rejected + 15 * 60_000_000 - 1)).toBe(95);
    expect(healthAt(rejected + 15 * 60_000_000)).toBe(100);
  });
});

describe('order rate at exactly the window', () => {
  it('allows the 61st order exactly one minute after the first, and denies it one microsecond earlier', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    const exposure = new AccountExposure();
    const start = microsFromIso(ORDER_TIME);
    for (let i = 0; i < 60; i++)
      expect(compliance.checkIntent(intentAt(start + i * 1_000), exposure), `order ${i + 1}`).toBeUndefined();
    expect(compliance.checkIntent(intentAt(start + 60_000_000 - 1), exposure)).toMatchObject({
      code: 'ORDER_RATE',
      numbers: { limit: 60, windowMicros: 60_000_000 },
    });
    expect(compliance.checkIntent(intentAt(start + 60_000_000), exposure)).toBeUndefined();
    // The window slides: the 62nd is measured from the second order (start + 1 ms).
    expect(compliance.checkIntent(intentAt(start + 60_000_999), exposure)?.code).toBe('ORDER_RATE');
    expect(compliance.checkIntent(intentAt(start + 60_001_000), exposure)).toBeUndefined();
  });
});

describe('trading hours at exactly the cutoff', () => {
  it('starts the flat window exactly flattenLeadSeconds (30 s) before 16:59 New York, and reopens at exactly 18:00', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt(TUESDAY, 50_000));
    // Tuesday 24 Nov 2026 is EST (UTC−5): 16:58:30 New York = 21:58:30 UTC.
    const flattenAt = microsFromIso('2026-11-24T21:58:30Z');
    expect(compliance.status.flattenAt).toBe(flattenAt);
    expect(compliance.advanceTime(flattenAt - 1)).toMatchObject({ session: 'open', flattenRequired: false });
    expect(compliance.advanceTime(flattenAt)).toMatchObject({
      session: 'flat-window',
      flattenRequired: true,
    });
    const reopen = microsFromIso('2026-11-24T23:00:00Z');
    expect(compliance.advanceTime(reopen - 1).session).toBe('flat-window');
    expect(compliance.advanceTime(reopen)).toMatchObject({ session: 'open', flattenRequired: false });
  });
});

describe('profit target and consistency at exactly the limit', () => {
  it('counts the profit target as reached at exactly +3,000, not at +2,999.99', () => {
    expect(statusAt(topstep, 53_000).profitTargetReached).toBe(true);
    expect(statusAt(topstep, 52_999.99).profitTargetReached).toBe(false);
  });

  /** Closed-day results, one trading day each from Tuesday 24 Nov (updates at 09:00 Chicago). */
  function consistencyOf(profile: RuleProfile, days: readonly number[]) {
    const compliance = new AccountCompliance('SIM-50K', profile);
    const dates = ['2026-11-24', '2026-11-25', '2026-11-26', '2026-11-30', '2026-12-01', '2026-12-02'];
    let balance = 50_000;
    days.forEach((pnl, i) => {
      balance += pnl;
      compliance.updateAccount(accountAt(`${dates[i]}T15:00:00Z`, balance));
    });
    return compliance.consistency();
  }

  it('passes Apex consistency with a best day of exactly 30 % ("no more than"), fails just above it', () => {
    expect(consistencyOf(apex, [1_500, 1_000, 1_000, 1_000, 500])).toMatchObject({
      bestDayShare: 0.3,
      passes: true,
    });
    expect(consistencyOf(apex, [1_500, 1_000, 1_000, 1_000, 499.99])?.passes).toBe(false);
  });

  it('fails Topstep consistency with a best day of exactly 50 % ("below"), passes just under it', () => {
    expect(consistencyOf(topstep, [1_000, 1_000])).toMatchObject({ bestDayShare: 0.5, passes: false });
    expect(consistencyOf(topstep, [1_000, 1_000, 0.01])?.passes).toBe(true);
  });
});

describe('the boundary table in docs/profiles.md', () => {
  it('has a row for every numeric limit of every bundled profile', () => {
    const doc = readFileSync(new URL('../../docs/profiles.md', import.meta.url), 'utf8');
    expect(doc).toContain('## At exactly the limit');
    const table = doc.slice(doc.indexOf('## At exactly the limit'));
    const limits = new Set<string>();
    for (const id of BUNDLED_PROFILE_IDS) {
      const { account, rules } = loadRuleProfile(id);
      if (account.profitTarget !== undefined) limits.add('account.profitTarget');
      for (const [rule, body] of Object.entries(rules)) {
        if (!body || typeof body !== 'object' || Array.isArray(body)) continue;
        for (const [field, value] of Object.entries(body))
          if (typeof value === 'number' && field !== 'microsPerMini') limits.add(`${rule}.${field}`);
      }
      if (rules.tradingHours) limits.add('tradingHours.forcedFlat').add('tradingHours.open');
    }
    limits.add('scalingPlan.fromProfit');
    for (const limit of limits) expect(table, limit).toContain(`\`${limit}\``);
  });
});
