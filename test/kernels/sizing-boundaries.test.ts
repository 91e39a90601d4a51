import { describe, expect, it } from 'vitest';
import {
  DrawdownTracker,
  RollingTailRisk,
  RollingTradeStats,
  contractsForRiskBudget,
  historicalTailRisk,
  kellyContracts,
  kellyFraction,
  stopDistanceFromTicks,
  tradeStatistics,
} from '../../src/kernels/reference/sizing.js';

/**
 * Each guard of the sizing reference at exactly its boundary and just beyond it, on both sides:
 * the cases a flipped comparison or a dropped guard would get wrong (mutation testing found them
 * unpinned). Sizing must answer 0 contracts, never NaN or Infinity, when an input makes no sense.
 */

const NQ = {
  winProbability: 0.6,
  payoffRatio: 1,
  fraction: 0.5,
  equity: 50_000,
  stopDistance: 10,
  pointValue: 20,
  riskBudget: 100_000,
  maxContracts: 100,
};

describe('Kelly fraction at the edges of p', () => {
  it('takes p = 0 and p = 1 as probabilities (a sure loss, a sure win)', () => {
    expect(kellyFraction(0, 2)).toBe(-0.5);
    expect(kellyFraction(1, 2)).toBe(1);
  });

  it('gives 0 just outside [0, 1]', () => {
    expect(kellyFraction(-1e-12, 2)).toBe(0);
    expect(kellyFraction(1 + 1e-12, 2)).toBe(0);
  });
});

describe('contracts for a risk budget with inputs that make no sense', () => {
  it('sizes 0 for a stop at the entry (distance exactly 0) or beyond it, not an infinite count', () => {
    expect(contractsForRiskBudget(1000, 0, 20)).toBe(0);
    expect(contractsForRiskBudget(1000, -0.25, 20)).toBe(0);
    expect(contractsForRiskBudget(1000, 0.25, 20)).toBe(200);
  });

  it('sizes 0 for a point value of 0 or below, not an infinite count', () => {
    expect(contractsForRiskBudget(1000, 10, 0)).toBe(0);
    expect(contractsForRiskBudget(1000, 10, -20)).toBe(0);
  });

  it('sizes 0 for an infinite budget and for a risk per contract that overflows', () => {
    expect(contractsForRiskBudget(Number.POSITIVE_INFINITY, 10, 20)).toBe(0);
    expect(contractsForRiskBudget(1000, 1e300, 1e300)).toBe(0);
  });

  it('converts ticks to points only when both are positive', () => {
    expect(stopDistanceFromTicks(-4, 0.25)).toBe(0);
    expect(stopDistanceFromTicks(4, -0.25)).toBe(0);
    expect(stopDistanceFromTicks(4, 0.25)).toBe(1);
  });
});

describe('Kelly contracts at their guards', () => {
  it('trades 1 contract under a hard cap of exactly 1', () => {
    expect(kellyContracts({ ...NQ, maxContracts: 1 })).toBe(1);
    expect(kellyContracts({ ...NQ, maxContracts: 1.9 })).toBe(1);
    expect(kellyContracts({ ...NQ, maxContracts: 0.999 })).toBe(0);
  });

  it('sizes 0 for a negative fraction, equity or edge', () => {
    expect(kellyContracts({ ...NQ, fraction: -0.5 })).toBe(0);
    expect(kellyContracts({ ...NQ, equity: -50_000 })).toBe(0);
    expect(kellyContracts({ ...NQ, winProbability: 0.4 })).toBe(0);
  });

  it('sizes 0, never NaN or Infinity, for a non-finite fraction, equity, stop or cap', () => {
    for (const input of [
      { fraction: Number.POSITIVE_INFINITY },
      { equity: Number.POSITIVE_INFINITY },
      { stopDistance: Number.NaN },
      { maxContracts: Number.NaN },
    ])
      expect(kellyContracts({ ...NQ, ...input })).toBe(0);
  });
});

describe('drawdown tracker at the threshold', () => {
  it('counts equity exactly on the trailing threshold as a breach, a cent above as none', () => {
    const touching = new DrawdownTracker(2_500);
    touching.update(50_000);
    expect(touching.update(47_500.01).breached).toBe(false);
    expect(touching.update(47_500).breached).toBe(true);
  });

  it('gives the drawdown as a fraction of a positive peak, and 0 when the peak is not positive', () => {
    const tracker = new DrawdownTracker();
    tracker.update(100);
    expect(tracker.update(90).drawdownFraction).toBeCloseTo(0.1, 15);
    const fromZero = new DrawdownTracker();
    fromZero.update(0);
    expect(fromZero.update(-10)).toMatchObject({ drawdown: 10, drawdownFraction: 0 });
    const negative = new DrawdownTracker();
    negative.update(-5);
    expect(negative.update(-10).drawdownFraction).toBe(0);
  });
});

describe('trade statistics on degenerate samples', () => {
  it('gives 0 (not NaN) for an empty sample', () => {
    expect(tradeStatistics([])).toEqual({
      count: 0,
      winRate: 0,
      payoffRatio: 0,
      expectancy: 0,
      averageWin: 0,
      averageLoss: 0,
    });
  });

  it('gives a payoff ratio of 0 (not Infinity) without losses, and 0 without wins', () => {
    expect(tradeStatistics([100, 50]).payoffRatio).toBe(0);
    expect(tradeStatistics([-100, -50]).payoffRatio).toBe(0);
  });

  it('accepts a window of exactly 1 and refuses 0 or a fraction with its own message', () => {
    const one = new RollingTradeStats(1);
    one.push(5);
    expect(one.push(-3)).toMatchObject({ count: 1, expectancy: -3 });
    expect(() => new RollingTradeStats(0)).toThrow('window must be a positive integer');
    expect(() => new RollingTradeStats(2.5)).toThrow('window must be a positive integer');
  });
});

describe('tail risk at the edges of the confidence level', () => {
  it('refuses a confidence of 0, 1 or beyond with its own message', () => {
    for (const confidence of [0, 1, -0.5, 1.5])
      expect(() => historicalTailRisk([1, 2], confidence)).toThrow('confidence must be in (0, 1)');
  });

  it('refuses a rolling window of 0 or a fraction, and a confidence outside (0, 1)', () => {
    expect(() => new RollingTailRisk(0, 0.9)).toThrow('window must be a positive integer');
    expect(() => new RollingTailRisk(2.5, 0.9)).toThrow('window must be a positive integer');
    expect(() => new RollingTailRisk(5, 0)).toThrow('confidence must be in (0, 1)');
    expect(() => new RollingTailRisk(5, 1)).toThrow('confidence must be in (0, 1)');
    expect(new RollingTailRisk(1, 0.5).window).toBe(1);
  });

  it('is warm once the window is full and stays warm as it rolls', () => {
    const risk = new RollingTailRisk(3, 0.5);
    risk.push(1);
    risk.push(2);
    expect(risk.warm).toBe(false);
    risk.push(3);
    expect(risk.warm).toBe(true);
    risk.push(4);
    expect(risk.warm).toBe(true);
  });
});
