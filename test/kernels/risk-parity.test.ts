import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DrawdownTracker,
  RollingTailRisk,
  RollingTradeStats,
  contractsForRiskBudget,
  kellyContracts,
  kellyFraction,
  kellyFractionContinuous,
} from '../../src/kernels/reference/sizing.js';
import { WasmRiskKernels } from '../../src/kernels/wasm/risk.js';
import { close, random } from './helpers.js';

const risk = new WasmRiskKernels();
const TOLERANCE = 1e-9;

function expectSeriesClose(ours: Float64Array, reference: readonly number[]): void {
  expect(ours.length).toBe(reference.length);
  reference.forEach((value, i) => {
    if (!close(ours[i] as number, value, TOLERANCE))
      expect.fail(`index ${i}: wasm ${ours[i]}, reference ${value}`);
  });
}

describe('WASM sizing math vs TypeScript reference', () => {
  it('agrees on Kelly fractions and contract counts for any inputs', () => {
    const real = fc.double({ min: -10, max: 1e6, noNaN: true });
    fc.assert(
      fc.property(
        real,
        real,
        real,
        real,
        real,
        real,
        real,
        real,
        (p, b, fraction, equity, stop, pointValue, budget, max) => {
          const input = {
            winProbability: p,
            payoffRatio: b,
            fraction,
            equity,
            stopDistance: stop,
            pointValue,
            riskBudget: budget,
            maxContracts: max,
          };
          expect(risk.kellyFraction(p, b)).toBe(kellyFraction(p, b));
          expect(risk.kellyFractionContinuous(p, b)).toBe(kellyFractionContinuous(p, b));
          expect(risk.contractsForRiskBudget(budget, stop, pointValue)).toBe(
            contractsForRiskBudget(budget, stop, pointValue),
          );
          expect(risk.kellyContracts(input)).toBe(kellyContracts(input));
        },
      ),
    );
    expect(risk.kellyFraction(0.6, 1)).toBeCloseTo(0.2, 15);
  });

  it('agrees on the drawdown curve with a trailing threshold', () => {
    const next = random(41);
    let equity = 50_000;
    const curve = Array.from({ length: 5000 }, () => (equity += (next() - 0.49) * 400));
    const tracker = new DrawdownTracker(3_000);
    const states = curve.map((e) => tracker.update(e));
    const ours = risk.drawdownSeries(curve, 3_000);
    expectSeriesClose(
      ours.peak,
      states.map((s) => s.peak),
    );
    expectSeriesClose(
      ours.drawdown,
      states.map((s) => s.drawdown),
    );
    expectSeriesClose(
      ours.maxDrawdown,
      states.map((s) => s.maxDrawdown),
    );
    expectSeriesClose(
      ours.breached,
      states.map((s) => (s.breached ? 1 : 0)),
    );
    expect(states.some((s) => s.breached)).toBe(true);
  });

  it('agrees on rolling win rate, payoff ratio and expectancy', () => {
    const next = random(42);
    const pnls = Array.from({ length: 3000 }, () => (next() < 0.1 ? 0 : Math.round((next() - 0.45) * 2000)));
    const stats = new RollingTradeStats(50);
    const reference = pnls.map((p) => stats.push(p));
    const ours = risk.tradeStatisticsSeries(pnls, 50);
    expectSeriesClose(
      ours.winRate,
      reference.map((s) => s.winRate),
    );
    expectSeriesClose(
      ours.payoffRatio,
      reference.map((s) => s.payoffRatio),
    );
    expectSeriesClose(
      ours.expectancy,
      reference.map((s) => s.expectancy),
    );
  });

  it('agrees on rolling historical VaR and expected shortfall, ties included', () => {
    const next = random(43);
    const returns = Array.from({ length: 3000 }, () =>
      next() < 0.05 ? 0 : Math.round((next() - 0.5) * 400) / 10_000,
    );
    for (const [window, confidence] of [
      [250, 0.99],
      [100, 0.95],
      [7, 0.5],
    ] as const) {
      const rolling = new RollingTailRisk(window, confidence);
      const reference = returns.map((r) => {
        rolling.push(r);
        return rolling.tailRisk;
      });
      const ours = risk.tailRiskSeries(returns, window, confidence);
      expectSeriesClose(
        ours.valueAtRisk,
        reference.map((r) => r.valueAtRisk),
      );
      expectSeriesClose(
        ours.expectedShortfall,
        reference.map((r) => r.expectedShortfall),
      );
    }
  });

  it('rejects NaN in a series before it reaches WebAssembly', () => {
    expect(() => risk.drawdownSeries([1, Number.NaN, 2])).toThrow(/NaN or infinite/);
  });
});
