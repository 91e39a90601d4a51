import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AccountCompliance } from '../../src/risk/account-compliance.js';
import { AccountExposure } from '../../src/risk/account-exposure.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import type { RuleProfile } from '../../src/risk/rule-profile.js';
import { accountAt, intentAt } from './scenario-helpers.js';

const apex = loadRuleProfile('apex-50k-evaluation');
const topstep = loadRuleProfile('topstep-50k-combine');
/** The combine with the Express Funded Account's scaling plan added (not a combine rule since version 2). */
const topstepScaling: RuleProfile = {
  ...topstep,
  rules: {
    ...topstep.rules,
    scalingPlan: {
      basis: 'end-of-day-balance',
      steps: [
        { fromProfit: 0, minis: 2 },
        { fromProfit: 1500, minis: 3 },
        { fromProfit: 2000, minis: 5 },
      ],
      source: { kind: 'own', note: 'test: the Express Funded Account scaling plan' },
    },
  },
};
/** The combine with the daily loss limit in `soft` mode: no new entries, positions kept. */
const topstepSoft: RuleProfile = {
  ...topstep,
  rules: {
    ...topstep.rules,
    dailyLoss: {
      amount: 1000,
      mode: 'soft',
      reducingWithin: 150,
      source: { kind: 'own', note: 'test: soft mode' },
    },
  },
};

/** A scenario step: account update → expected threshold, state and whether to flatten. */
interface Step {
  readonly at: string;
  readonly balance: number;
  readonly equity?: number;
  readonly threshold: number;
  readonly state: 'ACTIVE' | 'REDUCING' | 'HALTED';
  readonly flatten?: boolean;
  readonly contractLimit?: number;
}

function runSteps(compliance: AccountCompliance, steps: readonly Step[]): void {
  for (const step of steps) {
    const status = compliance.updateAccount(accountAt(step.at, step.balance, step.equity));
    const label = `${step.at} balance ${step.balance} equity ${step.equity ?? step.balance}`;
    expect(status.threshold, label).toBe(step.threshold);
    expect(status.state, label).toBe(step.state);
    expect(status.flattenRequired, label).toBe(step.flatten ?? false);
    if (step.contractLimit !== undefined) expect(status.contractLimit, label).toBe(step.contractLimit);
  }
}

describe('Apex-style 50K: trailing threshold on peak equity including open profit', () => {
  it('follows open profit intraday, never comes down, freezes at start + $100 and fails at the threshold', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    runSteps(compliance, [
      // Tuesday 24 Nov 2026, 10:00 New York. Starts at 50,000 − 2,500.
      { at: '2026-11-24T15:00:00Z', balance: 50_000, threshold: 47_500, state: 'ACTIVE', contractLimit: 5 },
      // Open profit of $1,000 lifts the peak to 51,000 and the threshold with it.
      { at: '2026-11-24T15:05:00Z', balance: 50_000, equity: 51_000, threshold: 48_500, state: 'ACTIVE' },
      // The trade gives most of it back and closes at +200: the threshold stays where the peak put it.
      { at: '2026-11-24T15:10:00Z', balance: 50_200, threshold: 48_500, state: 'ACTIVE' },
      // Peak 52,000 → 49,500.
      { at: '2026-11-24T15:20:00Z', balance: 50_200, equity: 52_000, threshold: 49_500, state: 'ACTIVE' },
      // Peak 52,600 → 50,100 = start + 100: trailing stops, full size (10) is allowed.
      { at: '2026-11-24T15:30:00Z', balance: 52_600, threshold: 50_100, state: 'ACTIVE', contractLimit: 10 },
      // A new high no longer moves it.
      { at: '2026-11-24T15:40:00Z', balance: 52_600, equity: 53_500, threshold: 50_100, state: 'ACTIVE' },
      // Within $250 of the threshold → REDUCING.
      { at: '2026-11-24T15:50:00Z', balance: 52_600, equity: 50_350, threshold: 50_100, state: 'REDUCING' },
      // Touching it fails the account: flatten, cancel, HALTED.
      {
        at: '2026-11-24T15:55:00Z',
        balance: 52_600,
        equity: 50_100,
        threshold: 50_100,
        state: 'HALTED',
        flatten: true,
      },
      // Recovering does not undo a breach.
      { at: '2026-11-24T16:00:00Z', balance: 51_000, threshold: 50_100, state: 'HALTED', flatten: true },
    ]);
    expect(compliance.status.trailingStopped).toBe(true);
    expect(compliance.status.peak).toBe(53_500);
    expect(compliance.status.health).toBe(0);
  });

  it('allows only half the contracts until the threshold stops trailing', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    compliance.updateAccount(accountAt('2026-11-24T15:00:00Z', 50_000));
    const exposure = new AccountExposure();
    expect(
      compliance.checkIntent(intentAt('2026-11-24T15:00:01Z', { quantity: 5 }), exposure),
    ).toBeUndefined();
    const denied = compliance.checkIntent(intentAt('2026-11-24T15:00:02Z', { quantity: 6 }), exposure);
    expect(denied).toMatchObject({ code: 'CONTRACT_LIMIT', numbers: { limitMinis: 5, projectedMinis: 6 } });
    // Micros count at 10:1: 50 MES fit the 5-contract limit, 51 do not.
    expect(
      compliance.checkIntent(
        intentAt('2026-11-24T15:00:03Z', { symbol: 'MES 12-26', quantity: 50 }),
        exposure,
      ),
    ).toBeUndefined();
    expect(
      compliance.checkIntent(
        intentAt('2026-11-24T15:00:04Z', { symbol: 'MES 12-26', quantity: 51 }),
        exposure,
      )?.code,
    ).toBe('CONTRACT_LIMIT');
  });

  it('forces flat at 16:59 New York on both sides of the November DST change', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    // Friday 30 Oct 2026 (EDT, UTC−4): 16:58 → open, 16:59 = 20:59 UTC → flatten.
    expect(compliance.updateAccount(accountAt('2026-10-30T20:58:00Z', 50_000)).flattenRequired).toBe(false);
    const fridayFlat = compliance.advanceTime(accountAt('2026-10-30T20:59:00Z', 50_000).ts);
    expect(fridayFlat).toMatchObject({ session: 'flat-window', flattenRequired: true, state: 'REDUCING' });
    // Monday 2 Nov 2026 (EST, UTC−5): 20:59 UTC is only 15:59 → still open; 21:59 UTC is 16:59 → flatten.
    expect(compliance.advanceTime(accountAt('2026-11-02T20:59:00Z', 50_000).ts)).toMatchObject({
      session: 'open',
      flattenRequired: false,
      state: 'ACTIVE',
    });
    expect(compliance.advanceTime(accountAt('2026-11-02T21:59:00Z', 50_000).ts)).toMatchObject({
      session: 'flat-window',
      flattenRequired: true,
    });
    // Entries are refused in the flat window; an order that reduces a position is not.
    const exposure = new AccountExposure();
    exposure.applyPosition({
      account: 'SIM-50K',
      symbol: 'ES 12-26',
      ts: 0,
      quantity: 2,
      averagePrice: 6000,
      unrealizedPnl: 0,
      realizedPnl: 0,
    });
    expect(compliance.checkIntent(intentAt('2026-11-02T22:00:00Z'), exposure)?.code).toBe(
      'OUTSIDE_TRADING_HOURS',
    );
    expect(
      compliance.checkIntent(intentAt('2026-11-02T22:00:01Z', { side: 'sell', quantity: 2 }), exposure),
    ).toBeUndefined();
    // 18:00 EST (23:00 UTC) reopens for Tuesday.
    expect(compliance.advanceTime(accountAt('2026-11-02T23:00:00Z', 50_000).ts).session).toBe('open');
  });

  it('measures consistency at payout: best day at most 30 % of total profit', () => {
    const compliance = new AccountCompliance('SIM-50K', apex);
    // Day results +1,000 (Tue), +500 (Wed), +1,500 (Thu): total 3,000, best 1,500 = 50 %.
    compliance.updateAccount(accountAt('2026-11-24T15:00:00Z', 51_000));
    compliance.updateAccount(accountAt('2026-11-25T15:00:00Z', 51_500));
    compliance.updateAccount(accountAt('2026-11-26T15:00:00Z', 53_000));
    const failing = compliance.consistency();
    expect(failing).toMatchObject({
      totalProfit: 3000,
      bestDay: 1500,
      bestDayShare: 0.5,
      passes: false,
      profitNeeded: 5000,
    });
    // Two more days of +1,000 bring the total to 5,000: 1,500 / 5,000 = 30 % passes.
    compliance.updateAccount(accountAt('2026-11-30T15:00:00Z', 54_000));
    compliance.updateAccount(accountAt('2026-12-01T15:00:00Z', 55_000));
    expect(compliance.consistency()).toMatchObject({
      totalProfit: 5000,
      bestDay: 1500,
      bestDayShare: 0.3,
      passes: true,
    });
  });
});

describe('Topstep-style 50K: end-of-day trailing, soft daily loss, scaling plan', () => {
  it('trails the end-of-day balance only, and stops at the starting balance', () => {
    const compliance = new AccountCompliance('SIM-50K', topstepScaling);
    runSteps(compliance, [
      // Tuesday 24 Nov, 09:00 Chicago (15:00 UTC). MLL 48,000.
      { at: '2026-11-24T15:00:00Z', balance: 50_000, threshold: 48_000, state: 'ACTIVE', contractLimit: 2 },
      // Intraday open profit does not move the threshold.
      { at: '2026-11-24T16:00:00Z', balance: 50_000, equity: 51_500, threshold: 48_000, state: 'ACTIVE' },
      { at: '2026-11-24T20:00:00Z', balance: 51_000, threshold: 48_000, state: 'ACTIVE' },
      // 17:00 Chicago reopens: Tuesday closed at 51,000 → threshold 49,000. Profit 1,000 → still 2 contracts.
      { at: '2026-11-24T23:00:00Z', balance: 51_000, threshold: 49_000, state: 'ACTIVE', contractLimit: 2 },
      { at: '2026-11-25T16:00:00Z', balance: 51_600, threshold: 49_000, state: 'ACTIVE' },
      // Wednesday closed at 51,600: threshold 49,600; profit 1,600 → 3 contracts.
      { at: '2026-11-25T23:00:00Z', balance: 51_600, threshold: 49_600, state: 'ACTIVE', contractLimit: 3 },
      { at: '2026-11-26T16:00:00Z', balance: 52_300, threshold: 49_600, state: 'ACTIVE' },
      // Thursday closed at 52,300: 52,300 − 2,000 = 50,300 is capped at the start, 50,000; 5 contracts.
      { at: '2026-11-26T23:00:00Z', balance: 52_300, threshold: 50_000, state: 'ACTIVE', contractLimit: 5 },
      { at: '2026-11-27T16:00:00Z', balance: 53_000, threshold: 50_000, state: 'ACTIVE' },
      { at: '2026-11-29T23:30:00Z', balance: 53_000, threshold: 50_000, state: 'ACTIVE' },
    ]);
    expect(compliance.status.trailingStopped).toBe(true);
  });

  it('locks new entries at −$1,000 on the day (soft) and lifts the lock at the next session', () => {
    const compliance = new AccountCompliance('SIM-50K', topstepSoft);
    const exposure = new AccountExposure();
    runSteps(compliance, [
      { at: '2026-11-24T15:00:00Z', balance: 50_000, threshold: 48_000, state: 'ACTIVE' },
      // −860: within $150 of the daily limit → REDUCING.
      { at: '2026-11-24T15:30:00Z', balance: 50_000, equity: 49_140, threshold: 48_000, state: 'REDUCING' },
      // −1,000 including open loss: soft lock, no flatten.
      { at: '2026-11-24T16:00:00Z', balance: 50_000, equity: 49_000, threshold: 48_000, state: 'REDUCING' },
      // Recovering intraday does not lift a lock.
      { at: '2026-11-24T17:00:00Z', balance: 49_600, threshold: 48_000, state: 'REDUCING' },
    ]);
    expect(compliance.status.dailyLock).toBe('soft');
    expect(compliance.checkIntent(intentAt('2026-11-24T17:00:01Z'), exposure)?.code).toBe('REDUCING_ONLY');
    // 17:00 Chicago opens Wednesday's session: the lock is gone.
    runSteps(compliance, [
      { at: '2026-11-24T23:00:00Z', balance: 49_600, threshold: 48_000, state: 'ACTIVE' },
    ]);
    expect(compliance.status).toMatchObject({ dailyLock: 'none', dailyPnl: 0 });
    expect(compliance.checkIntent(intentAt('2026-11-24T23:00:01Z'), exposure)).toBeUndefined();
  });

  it('forces flat at 15:10 Chicago on both sides of the November DST change', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt('2026-10-30T20:09:00Z', 50_000));
    expect(compliance.advanceTime(accountAt('2026-10-30T20:10:00Z', 50_000).ts).flattenRequired).toBe(true);
    expect(compliance.advanceTime(accountAt('2026-11-02T20:10:00Z', 50_000).ts).flattenRequired).toBe(false);
    expect(compliance.advanceTime(accountAt('2026-11-02T21:10:00Z', 50_000).ts).flattenRequired).toBe(true);
  });

  it('denies a stop that would risk more than the daily loss room, with the numbers', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt('2026-11-24T15:00:00Z', 50_000, 49_700));
    // Room 1,000 − 300 = 700. ES buy 1 at 6000.00, stop 5985.00: 60 ticks × $12.50 = $750.
    const denied = compliance.checkIntent(
      intentAt('2026-11-24T15:00:01Z', { type: 'limit', limitPrice: 6000, stopLoss: 5985 }),
      new AccountExposure(),
    );
    expect(denied).toMatchObject({ code: 'DAILY_LOSS_ROOM', numbers: { lossAtStop: 750, room: 700 } });
    // A 10-point stop: 40 ticks × $12.50 = $500 fits.
    expect(
      compliance.checkIntent(
        intentAt('2026-11-24T15:00:02Z', { type: 'limit', limitPrice: 6000, stopLoss: 5990 }),
        new AccountExposure(),
      ),
    ).toBeUndefined();
  });

  it('limits the order rate', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt('2026-11-24T15:00:00Z', 50_000));
    const exposure = new AccountExposure();
    const start = accountAt('2026-11-24T15:00:00Z', 50_000).ts;
    for (let i = 0; i < 60; i++) {
      expect(
        compliance.checkIntent(intentAt(start + i * 1000, { side: i % 2 ? 'sell' : 'buy' }), exposure),
      ).toBeUndefined();
    }
    expect(compliance.checkIntent(intentAt(start + 61_000), exposure)?.code).toBe('ORDER_RATE');
    expect(compliance.checkIntent(intentAt(start + 60_000_001), exposure)).toBeUndefined();
  });

  it('refuses instruments outside the profile and unknown symbols', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt('2026-11-24T15:00:00Z', 50_000));
    expect(
      compliance.checkIntent(intentAt('2026-11-24T15:00:01Z', { symbol: 'ZZ 12-26' }), new AccountExposure())
        ?.code,
    ).toBe('UNKNOWN_INSTRUMENT');
    const narrow = { ...topstep, rules: { ...topstep.rules, allowedInstruments: ['NQ'] } };
    const narrowCompliance = new AccountCompliance('SIM-50K', narrow);
    narrowCompliance.updateAccount(accountAt('2026-11-24T15:00:00Z', 50_000));
    expect(narrowCompliance.checkIntent(intentAt('2026-11-24T15:00:01Z'), new AccountExposure())?.code).toBe(
      'INSTRUMENT_NOT_ALLOWED',
    );
  });
});

describe('trailing threshold invariants (property)', () => {
  it('never moves down, never passes start + stop level, and fails the account from the first touch on, never before', () => {
    for (const profile of [apex, topstep]) {
      const trailing = profile.rules.trailingDrawdown;
      if (!trailing) throw new Error('profile without a trailing rule');
      fc.assert(
        fc.property(
          fc.array(
            fc.record({
              minutes: fc.integer({ min: 1, max: 600 }),
              // Steps of $50 (and a cent either way) so equity lands on the threshold, and a cent
              // either side of it, often.
              move: fc.integer({ min: -16, max: 18 }).map((n) => n * 50),
              open: fc
                .tuple(fc.integer({ min: -10, max: 10 }), fc.constantFrom(-0.01, 0, 0.01))
                .map(([n, cent]) => n * 50 + cent),
            }),
            {
              maxLength: 80,
            },
          ),
          (steps) => {
            const compliance = new AccountCompliance('SIM-50K', profile);
            let ts = Date.parse('2026-11-23T15:00:00Z') * 1000;
            let balance = 50_000;
            let previous = compliance.status.threshold as number;
            let touched = false;
            for (const step of steps) {
              ts += step.minutes * 60_000_000;
              balance += step.move;
              const status = compliance.updateAccount({
                account: 'SIM-50K',
                ts,
                currency: 'USD',
                balance,
                equity: balance + step.open,
                realizedPnlToday: 0,
                unrealizedPnl: step.open,
              });
              const threshold = status.threshold as number;
              expect(threshold).toBeGreaterThanOrEqual(previous);
              expect(threshold).toBeLessThanOrEqual(50_000 + trailing.stopsTrailingAtProfit);
              // Both sides: breached (and HALTED) once equity has touched the threshold, and not before.
              touched ||= balance + step.open <= threshold;
              expect(status.breached).toBe(touched);
              if (touched) expect(status.state).toBe('HALTED');
              previous = threshold;
            }
          },
        ),
        { numRuns: 300 },
      );
    }
  });
});

describe('intent prices', () => {
  it('denies prices off the tick grid, missing limit prices and a stop on the wrong side', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt('2026-11-24T15:00:00Z', 50_000));
    const exposure = new AccountExposure();
    const check = (overrides: Parameters<typeof intentAt>[1]) =>
      compliance.checkIntent(intentAt('2026-11-24T15:00:01Z', overrides), exposure, 6000);
    expect(check({ type: 'limit', limitPrice: 6000.1 })).toMatchObject({
      code: 'INVALID_PRICE',
      numbers: { limitPrice: 6000.1, tickSize: 0.25 },
    });
    expect(check({ type: 'limit' })?.code).toBe('INVALID_PRICE');
    expect(check({ stopLoss: 6001 })).toMatchObject({
      code: 'INVALID_PRICE',
      numbers: { stopLoss: 6001, entry: 6000 },
    });
    expect(check({ side: 'sell', takeProfit: 6010 })?.code).toBe('INVALID_PRICE');
    expect(check({ stopLoss: Number.NaN })?.code).toBe('INVALID_PRICE');
    expect(check({ stopLoss: 5990, takeProfit: 6010 })).toBeUndefined();
  });
});
