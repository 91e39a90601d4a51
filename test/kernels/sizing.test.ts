import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DrawdownTracker,
  RollingTailRisk,
  RollingTradeStats,
  contractsForRiskBudget,
  historicalTailRisk,
  kellyContracts,
  kellyFraction,
  kellyFractionContinuous,
  maxDrawdown,
  stopDistanceFromTicks,
  tradeStatistics,
} from '../../src/kernels/reference/sizing.js';

const probability = fc.double({ min: 0, max: 1, noNaN: true });
const payoff = fc.double({ min: 0.01, max: 100, noNaN: true });
const positive = (max: number) => fc.double({ min: 1e-6, max, noNaN: true, noDefaultInfinity: true });

describe('Kelly fraction', () => {
  it('gives the closed form f* = p − (1 − p)/b', () => {
    expect(kellyFraction(0.6, 1)).toBeCloseTo(0.2, 15);
    expect(kellyFraction(0.5, 2)).toBeCloseTo(0.25, 15);
    expect(kellyFraction(0.4, 1)).toBeCloseTo(-0.2, 15);
    expect(kellyFraction(1, 3)).toBe(1);
  });

  it('is at most 0 whenever the edge p·b − (1 − p) is not positive', () => {
    fc.assert(
      fc.property(probability, payoff, (p, b) => {
        fc.pre(p * b - (1 - p) <= 0);
        expect(kellyFraction(p, b)).toBeLessThanOrEqual(1e-15);
      }),
    );
  });

  it('gives 0 for a payoff ratio that is not positive and for p outside [0, 1]', () => {
    expect(kellyFraction(0.6, 0)).toBe(0);
    expect(kellyFraction(0.6, -1)).toBe(0);
    expect(kellyFraction(1.2, 1)).toBe(0);
    expect(kellyFraction(Number.NaN, 1)).toBe(0);
  });

  it('gives μ/σ² for a continuous distribution, 0 without variance', () => {
    expect(kellyFractionContinuous(0.01, 0.04)).toBeCloseTo(0.25, 15);
    expect(kellyFractionContinuous(-0.02, 0.04)).toBeCloseTo(-0.5, 15);
    expect(kellyFractionContinuous(0.01, 0)).toBe(0);
  });
});

describe('risk-budget sizing', () => {
  it('fits whole contracts into the budget', () => {
    expect(contractsForRiskBudget(1000, 10, 20)).toBe(5);
    expect(contractsForRiskBudget(999, 10, 20)).toBe(4);
    expect(contractsForRiskBudget(1000, 0, 20)).toBe(0);
    expect(contractsForRiskBudget(-5, 10, 20)).toBe(0);
    expect(stopDistanceFromTicks(40, 0.25)).toBe(10);
  });

  it('caps fractional Kelly by the budget and the hard limit', () => {
    const base = {
      winProbability: 0.6,
      payoffRatio: 1,
      fraction: 0.5,
      equity: 50_000,
      stopDistance: 10,
      pointValue: 20,
    };
    // Kelly: 0.5 × 0.2 × 50 000 / 200 = 25 contracts; budget 1000/200 = 5; max 10.
    expect(kellyContracts({ ...base, riskBudget: 1_000, maxContracts: 10 })).toBe(5);
    expect(kellyContracts({ ...base, riskBudget: 100_000, maxContracts: 10 })).toBe(10);
    expect(kellyContracts({ ...base, riskBudget: 100_000, maxContracts: 100 })).toBe(25);
    expect(kellyContracts({ ...base, winProbability: 0.4, riskBudget: 100_000, maxContracts: 100 })).toBe(0);
  });

  it('never goes negative, never exceeds the risk budget nor the hard cap', () => {
    fc.assert(
      fc.property(
        probability,
        payoff,
        fc.double({ min: 0, max: 1, noNaN: true }),
        positive(1e7),
        positive(500),
        positive(100),
        positive(1e5),
        fc.integer({ min: 0, max: 500 }),
        (
          winProbability,
          payoffRatio,
          fraction,
          equity,
          stopDistance,
          pointValue,
          riskBudget,
          maxContracts,
        ) => {
          const contracts = kellyContracts({
            winProbability,
            payoffRatio,
            fraction,
            equity,
            stopDistance,
            pointValue,
            riskBudget,
            maxContracts,
          });
          expect(Number.isInteger(contracts)).toBe(true);
          expect(contracts).toBeGreaterThanOrEqual(0);
          expect(contracts).toBeLessThanOrEqual(maxContracts);
          // Float slack: at most 1e-9 of one contract's risk (see wholeContracts).
          expect((contracts - 1e-9) * stopDistance * pointValue).toBeLessThanOrEqual(
            riskBudget * (1 + 1e-12),
          );
          if (kellyFraction(winProbability, payoffRatio) <= 0) expect(contracts).toBe(0);
        },
      ),
    );
  });
});

describe('drawdown tracking', () => {
  it('tracks peak, drawdown, max drawdown and a trailing threshold', () => {
    const tracker = new DrawdownTracker(2_500);
    tracker.update(50_000);
    expect(tracker.update(51_000)).toMatchObject({
      peak: 51_000,
      drawdown: 0,
      threshold: 48_500,
      breached: false,
    });
    expect(tracker.update(49_000)).toMatchObject({ drawdown: 2_000, maxDrawdown: 2_000, breached: false });
    expect(tracker.update(50_500)).toMatchObject({ drawdown: 500, maxDrawdown: 2_000 });
    expect(tracker.update(48_400).breached).toBe(true);
    expect(tracker.update(60_000)).toMatchObject({
      peak: 60_000,
      drawdown: 0,
      maxDrawdown: 2_600,
      breached: true,
    });
  });

  it('never lets max drawdown decrease, and ends equal to the whole-curve maximum', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 1, maxLength: 300 }),
        (equity) => {
          const tracker = new DrawdownTracker();
          let previous = 0;
          for (const value of equity) {
            const state = tracker.update(value);
            expect(state.maxDrawdown).toBeGreaterThanOrEqual(previous);
            expect(state.drawdown).toBeGreaterThanOrEqual(0);
            expect(state.peak).toBeGreaterThanOrEqual(value);
            previous = state.maxDrawdown;
          }
          expect(previous).toBe(maxDrawdown(equity));
        },
      ),
    );
  });
});

describe('rolling trade statistics', () => {
  it('computes win rate, payoff ratio and expectancy over the window', () => {
    const stats = new RollingTradeStats(4);
    for (const pnl of [-1000, 200, -100, 300, 0]) stats.push(pnl);
    // Window: 200, −100, 300, 0.
    expect(stats.statistics).toMatchObject({
      count: 4,
      winRate: 0.5,
      averageWin: 250,
      averageLoss: 100,
      payoffRatio: 2.5,
      expectancy: 100,
    });
  });

  it('has expectancy = winRate × averageWin − lossRate × averageLoss', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5000, max: 5000 }), { minLength: 1, maxLength: 200 }),
        (pnls) => {
          const s = tradeStatistics(pnls);
          const losses = pnls.filter((p) => p < 0).length / pnls.length;
          expect(s.expectancy).toBeCloseTo(s.winRate * s.averageWin - losses * s.averageLoss, 6);
        },
      ),
    );
  });
});

describe('historical VaR and expected shortfall', () => {
  it('takes the k = ⌈(1 − c)·n⌉ worst observations', () => {
    expect(historicalTailRisk([-5, -1, 0, 1, 2, 3, 4, 5, 6, 7], 0.9)).toEqual({
      valueAtRisk: 5,
      expectedShortfall: 5,
    });
    expect(historicalTailRisk([-5, -1, 0, 1, 2, 3, 4, 5, 6, 7], 0.8)).toEqual({
      valueAtRisk: 1,
      expectedShortfall: 3,
    });
    expect(historicalTailRisk([], 0.95)).toEqual({ valueAtRisk: 0, expectedShortfall: 0 });
  });

  it('has ES ≥ VaR and both within the sample range', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: 1, maxLength: 300 }),
        fc.double({ min: 0.5, max: 0.999, noNaN: true }),
        (returns, confidence) => {
          const { valueAtRisk, expectedShortfall } = historicalTailRisk(returns, confidence);
          expect(expectedShortfall).toBeGreaterThanOrEqual(valueAtRisk - 1e-12);
          expect(valueAtRisk).toBeLessThanOrEqual(-Math.min(...returns));
          expect(valueAtRisk).toBeGreaterThanOrEqual(-Math.max(...returns));
        },
      ),
    );
  });

  it('rolls over the last window of returns', () => {
    const risk = new RollingTailRisk(5, 0.8);
    for (const r of [-0.5, 0.1, 0.2, 0.3, 0.4]) risk.push(r);
    expect(risk.warm).toBe(true);
    expect(risk.tailRisk.valueAtRisk).toBe(0.5);
    risk.push(-0.1);
    expect(risk.tailRisk).toEqual({ valueAtRisk: 0.1, expectedShortfall: 0.1 });
  });
});
