import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { OrderIntent } from '../../src/core/events.js';
import { AccountCompliance } from '../../src/risk/account-compliance.js';
import { AccountExposure } from '../../src/risk/account-exposure.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import type { RuleProfile } from '../../src/risk/rule-profile.js';
import { accountAt, intentAt } from './scenario-helpers.js';

// What an order itself is checked for once the account may trade: its prices (present, finite, at
// least a tick, on the grid, stop and target on the right side of the entry), the contracts it
// would add at worst, and the loss it would take at its stop. Each limit is hit exactly and missed
// by one tick or one contract on the other side.

const apex = loadRuleProfile('apex-50k-evaluation');
const topstep = loadRuleProfile('topstep-50k-combine');

/** Tuesday 24 Nov 2026, 10:00 New York / 09:00 Chicago: both sessions open. */
const TUESDAY = '2026-11-24T15:00:00Z';
const ORDER_TIME = '2026-11-24T15:00:01Z';
/** The last ES price, the entry of market orders. */
const LAST = 6000;

function freshAccount(profile: RuleProfile): AccountCompliance {
  const compliance = new AccountCompliance('SIM-50K', profile);
  compliance.updateAccount(accountAt(TUESDAY, 50_000));
  return compliance;
}

/** One ES intent checked on a fresh Topstep account with no exposure, the last price at 6000. */
function check(overrides: Partial<OrderIntent>) {
  return freshAccount(topstep).checkIntent(intentAt(ORDER_TIME, overrides), new AccountExposure(), LAST);
}

/** An exposure holding `positions` (symbol → signed quantity) and `working` live orders. */
function exposureOf(
  positions: Record<string, number>,
  working: readonly { symbol: string; side: 'buy' | 'sell'; quantity: number }[] = [],
): AccountExposure {
  const exposure = new AccountExposure();
  for (const [symbol, quantity] of Object.entries(positions)) {
    exposure.applyPosition({
      account: 'SIM-50K',
      symbol,
      ts: 0,
      quantity,
      averagePrice: LAST,
      unrealizedPnl: 0,
      realizedPnl: 0,
    });
  }
  working.forEach(({ symbol, side, quantity }, i) =>
    exposure.applyOrder({
      clientOrderId: `working-${i}`,
      account: 'SIM-50K',
      symbol,
      ts: 0,
      side,
      quantity,
      filledQuantity: 0,
      type: 'limit',
      limitPrice: side === 'buy' ? LAST - 10 : LAST + 10,
      timeInForce: 'day',
      status: 'working',
    }),
  );
  return exposure;
}

describe('order types need their prices', () => {
  it('denies a stop-limit order without a limit price, naming the order type', () => {
    expect(check({ type: 'stop-limit', stopPrice: 6010 })).toMatchObject({
      code: 'INVALID_PRICE',
      reason: 'a stop-limit order needs a limit price',
    });
  });

  it('denies a limit order without a limit price, naming the order type', () => {
    expect(check({ type: 'limit' })).toMatchObject({
      code: 'INVALID_PRICE',
      reason: 'a limit order needs a limit price',
    });
  });

  it('denies a stop order and a stop-limit order without a stop price', () => {
    expect(check({ type: 'stop' })).toMatchObject({
      code: 'INVALID_PRICE',
      reason: 'a stop order needs a stop price',
    });
    expect(check({ type: 'stop-limit', limitPrice: 6010 })).toMatchObject({
      code: 'INVALID_PRICE',
      reason: 'a stop-limit order needs a stop price',
    });
  });

  it('allows each order type with the prices it needs', () => {
    expect(check({ type: 'market' })).toBeUndefined();
    expect(check({ type: 'limit', limitPrice: 5990 })).toBeUndefined();
    expect(check({ type: 'stop', stopPrice: 6010 })).toBeUndefined();
    expect(check({ type: 'stop-limit', stopPrice: 6010, limitPrice: 6011 })).toBeUndefined();
  });
});

describe('every price is finite, at least one tick and on the tick grid', () => {
  const fields = [
    ['limitPrice', { type: 'limit' }],
    ['stopPrice', { type: 'stop' }],
    ['stopLoss', { type: 'market' }],
    ['takeProfit', { type: 'market' }],
  ] as const;

  it('names the price field and its value when it is off the 0.25 grid', () => {
    for (const [name, order] of fields) {
      expect(check({ ...order, [name]: 6000.1 }), name).toMatchObject({
        code: 'INVALID_PRICE',
        reason: `${name} 6000.1 is not on the 0.25 tick grid`,
        numbers: { [name]: 6000.1, tickSize: 0.25 },
      });
    }
  });

  it('denies a price of zero, below zero, under one tick or not finite, in each field', () => {
    for (const [name, order] of fields) {
      for (const price of [
        0,
        -0.25,
        -6000,
        0.25e-6,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
      ]) {
        expect(check({ ...order, [name]: price }), `${name} ${price}`).toMatchObject({
          code: 'INVALID_PRICE',
          reason: `${name} ${price} must be a finite price of at least one tick (0.25)`,
        });
      }
    }
  });

  it('allows exactly one tick (0.25) and a price within float noise of it, denies one within float noise of 0', () => {
    // A sell limit far below the market: no stop loss, so only the price itself is checked.
    expect(check({ side: 'sell', type: 'limit', limitPrice: 0.25 })).toBeUndefined();
    expect(check({ side: 'sell', type: 'limit', limitPrice: 0.25 - 1e-9 })).toBeUndefined();
    // 1e-6 of a tick above 0 is on the grid at tick 0: a price of 0, refused.
    expect(check({ side: 'sell', type: 'limit', limitPrice: 0.25e-6 })?.reason).toBe(
      'limitPrice 2.5e-7 must be a finite price of at least one tick (0.25)',
    );
    // Half a tick rounds up to tick 1 but is off the grid.
    expect(check({ side: 'sell', type: 'limit', limitPrice: 0.125 })?.reason).toBe(
      'limitPrice 0.125 is not on the 0.25 tick grid',
    );
  });
});

describe('a bracket: stop on the losing side of the entry, target on the winning side', () => {
  it('denies a buy whose stop loss is at the entry, allows one a tick below', () => {
    expect(check({ side: 'buy', stopLoss: LAST })).toEqual(
      expect.objectContaining({
        code: 'INVALID_PRICE',
        reason: 'the stop loss 6000 is not on the losing side of the entry 6000',
        numbers: { stopLoss: 6000, entry: 6000 },
      }),
    );
    expect(check({ side: 'buy', stopLoss: LAST - 0.25 })).toBeUndefined();
  });

  it('denies a sell whose stop loss is at or below the entry, allows one a tick above', () => {
    expect(check({ side: 'sell', stopLoss: LAST })?.reason).toBe(
      'the stop loss 6000 is not on the losing side of the entry 6000',
    );
    expect(check({ side: 'sell', stopLoss: LAST - 0.25 })?.reason).toBe(
      'the stop loss 5999.75 is not on the losing side of the entry 6000',
    );
    expect(check({ side: 'sell', stopLoss: LAST + 0.25 })).toBeUndefined();
  });

  it('denies a buy whose target is at or below the entry, allows one a tick above', () => {
    expect(check({ side: 'buy', takeProfit: LAST })).toEqual(
      expect.objectContaining({
        code: 'INVALID_PRICE',
        reason: 'the take profit 6000 is not on the winning side of the entry 6000',
        numbers: { takeProfit: 6000, entry: 6000 },
      }),
    );
    expect(check({ side: 'buy', takeProfit: LAST - 0.25 })?.reason).toBe(
      'the take profit 5999.75 is not on the winning side of the entry 6000',
    );
    expect(check({ side: 'buy', takeProfit: LAST + 0.25 })).toBeUndefined();
  });

  it('denies a sell whose target is at the entry, allows one a tick below', () => {
    expect(check({ side: 'sell', takeProfit: LAST })?.reason).toBe(
      'the take profit 6000 is not on the winning side of the entry 6000',
    );
    expect(check({ side: 'sell', takeProfit: LAST - 0.25 })).toBeUndefined();
  });

  it('measures from the limit price, then the stop price, before the last price', () => {
    expect(check({ type: 'limit', limitPrice: 5990, stopLoss: 5995 })?.reason).toBe(
      'the stop loss 5995 is not on the losing side of the entry 5990',
    );
    expect(check({ type: 'stop', stopPrice: 6010, stopLoss: 6005 })).toBeUndefined();
  });
});

describe('contract limit: the worst case after the order, on the side it adds to', () => {
  // Topstep: 5 lots, a micro counts as a full lot.
  const contracts = (exposure: AccountExposure, overrides: Partial<OrderIntent>) =>
    freshAccount(topstep).checkIntent(intentAt(ORDER_TIME, overrides), exposure, LAST);

  it('adds a buy to an open long: long 3 may buy 2 (5 lots), not 3 (6 lots)', () => {
    expect(contracts(exposureOf({ 'ES 12-26': 3 }), { side: 'buy', quantity: 2 })).toBeUndefined();
    expect(contracts(exposureOf({ 'ES 12-26': 3 }), { side: 'buy', quantity: 3 })).toMatchObject({
      code: 'CONTRACT_LIMIT',
      numbers: { limitMinis: 5, currentMinis: 3, projectedMinis: 6, requested: 3 },
    });
  });

  it('adds a sell to an open short: short 3 may sell 2, not 3', () => {
    expect(contracts(exposureOf({ 'ES 12-26': -3 }), { side: 'sell', quantity: 2 })).toBeUndefined();
    expect(contracts(exposureOf({ 'ES 12-26': -3 }), { side: 'sell', quantity: 3 })).toMatchObject({
      code: 'CONTRACT_LIMIT',
      numbers: { currentMinis: 3, projectedMinis: 6 },
    });
  });

  it('counts a reversing order only on the side it ends on: short 3 may buy 8 (long 5), not 9', () => {
    expect(contracts(exposureOf({ 'ES 12-26': -3 }), { side: 'buy', quantity: 8 })).toBeUndefined();
    expect(contracts(exposureOf({ 'ES 12-26': -3 }), { side: 'buy', quantity: 9 })).toMatchObject({
      code: 'CONTRACT_LIMIT',
      numbers: { currentMinis: 3, projectedMinis: 6 },
    });
    expect(contracts(exposureOf({ 'ES 12-26': 3 }), { side: 'sell', quantity: 8 })).toBeUndefined();
    expect(contracts(exposureOf({ 'ES 12-26': 3 }), { side: 'sell', quantity: 9 })?.code).toBe(
      'CONTRACT_LIMIT',
    );
  });

  it('denies exactly when the worst case after the order passes the limit and the worst case now (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -6, max: 6 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 0, max: 4 }),
        fc.constantFrom('buy' as const, 'sell' as const),
        fc.integer({ min: 1, max: 12 }),
        (position, workingBuys, workingSells, side, quantity) => {
          const working = [
            ...(workingBuys > 0 ? [{ symbol: 'ES 12-26', side: 'buy' as const, quantity: workingBuys }] : []),
            ...(workingSells > 0
              ? [{ symbol: 'ES 12-26', side: 'sell' as const, quantity: workingSells }]
              : []),
          ];
          // A bracket (stop a point away) never counts as reducing the position.
          const stopLoss = side === 'buy' ? LAST - 1 : LAST + 1;
          const denial = contracts(exposureOf({ 'ES 12-26': position }, working), {
            side,
            quantity,
            stopLoss,
          });
          const worst = (buy: number, sell: number) =>
            Math.max(Math.abs(position + workingBuys + buy), Math.abs(position - workingSells - sell));
          const now = worst(0, 0);
          const after = side === 'buy' ? worst(quantity, 0) : worst(0, quantity);
          if (after > 5 && after > now) {
            expect(denial).toMatchObject({
              code: 'CONTRACT_LIMIT',
              numbers: { currentMinis: now, projectedMinis: after },
            });
          } else expect(denial).toBeUndefined();
        },
      ),
      { numRuns: 400 },
    );
  });
});

describe('open exposure in full-size contracts', () => {
  it('sums the worst case of every symbol, micros at the profile ratio (Apex 10:1, Topstep 1:1)', () => {
    const exposure = exposureOf({ 'ES 12-26': 3, 'MES 12-26': -5, 'NQ 12-26': 0 }, [
      { symbol: 'NQ 12-26', side: 'sell', quantity: 2 },
    ]);
    expect(new AccountCompliance('SIM-50K', apex).openMinis(exposure)).toBe(5.5);
    expect(new AccountCompliance('SIM-50K', topstep).openMinis(exposure)).toBe(10);
  });

  it('is 0 for a flat account and for a profile without a contract rule', () => {
    expect(new AccountCompliance('SIM-50K', apex).openMinis(new AccountExposure())).toBe(0);
    const { maxContracts: _, ...rules } = apex.rules;
    const noRule: RuleProfile = { ...apex, rules };
    expect(new AccountCompliance('SIM-50K', noRule).openMinis(exposureOf({ 'ES 12-26': 3 }))).toBe(0);
  });
});

describe('loss at the stop against the room left', () => {
  /** A buy limit of `quantity` ES at 6000 with its stop `stopTicks` ticks ($12.50 each) below. */
  const bracket = (profile: RuleProfile, quantity: number, stopTicks: number) =>
    freshAccount(profile).checkIntent(
      intentAt(ORDER_TIME, { type: 'limit', limitPrice: 6000, quantity, stopLoss: 6000 - stopTicks * 0.25 }),
      new AccountExposure(),
    );

  it('counts every contract: 2 ES risking 100 ticks each reach the Apex room of 2,500, 99 ticks do not', () => {
    expect(bracket(apex, 2, 100)).toMatchObject({
      code: 'DRAWDOWN_ROOM',
      reason: 'loss at the stop 2500 would reach the trailing threshold (room 2500)',
      numbers: { lossAtStop: 2500, room: 2500 },
    });
    expect(bracket(apex, 2, 99)).toBeUndefined();
  });

  it('says the loss and the daily room in the reason: 4 ES risking 20 ticks reach Topstep’s 1,000', () => {
    expect(bracket(topstep, 4, 20)).toMatchObject({
      code: 'DAILY_LOSS_ROOM',
      reason: 'loss at the stop 1000 would reach the daily loss limit (room 1000)',
      numbers: { lossAtStop: 1000, room: 1000 },
    });
    expect(bracket(topstep, 4, 19)).toBeUndefined();
  });
});
