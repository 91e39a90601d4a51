import { KernelError } from '../../core/errors.js';
import { checkSeries } from '../input-guard.js';
import type { KellyContractsInput } from '../reference/sizing.js';
import { seriesScratch } from './feature-engine.js';
import { type KernelModule, loadKernelModuleSync } from './module.js';

/** Columns of a drawdown series, one value per equity point. */
export interface DrawdownSeries {
  readonly peak: Float64Array;
  readonly drawdown: Float64Array;
  readonly maxDrawdown: Float64Array;
  /** 1 once the trailing threshold has been touched, else 0. */
  readonly breached: Float64Array;
}

function columns(rows: Float64Array, width: number, n: number): Float64Array[] {
  return Array.from({ length: width }, (_, c) => {
    const column = new Float64Array(n);
    for (let i = 0; i < n; i++) column[i] = rows[i * width + c] as number;
    return column;
  });
}

/**
 * The sizing and risk math of `reference/sizing.ts` in WebAssembly: scalar functions, plus whole
 * series for backtests and analytics (drawdown curve, rolling trade statistics, rolling VaR/ES).
 *
 * @example
 * const risk = new WasmRiskKernels();
 * risk.kellyFraction(0.6, 1) // 0.2
 * risk.tailRiskSeries(dailyReturns, 250, 0.99).valueAtRisk
 */
export class WasmRiskKernels {
  constructor(readonly module: KernelModule = loadKernelModuleSync()) {}

  kellyFraction(winProbability: number, payoffRatio: number): number {
    return this.module.exports.kellyFraction(winProbability, payoffRatio);
  }

  kellyFractionContinuous(mean: number, variance: number): number {
    return this.module.exports.kellyFractionContinuous(mean, variance);
  }

  contractsForRiskBudget(riskBudget: number, stopDistance: number, pointValue: number): number {
    return this.module.exports.contractsForRiskBudget(riskBudget, stopDistance, pointValue);
  }

  kellyContracts(input: KellyContractsInput): number {
    const i = input;
    return this.module.exports.kellyContracts(
      i.winProbability,
      i.payoffRatio,
      i.fraction,
      i.equity,
      i.stopDistance,
      i.pointValue,
      i.riskBudget,
      i.maxContracts,
    );
  }

  /** Copies `values` into scratch followed by room for `outWords` outputs and `extraWords` scratch. */
  #stage(
    name: string,
    values: ArrayLike<number>,
    outWords: number,
    extraWords: number,
  ): { input: number; out: number; extra: number } {
    checkSeries(name, values);
    const input = seriesScratch(this.module, values.length + outWords + extraWords);
    this.module.heap.set(values, input / 8);
    const out = input + values.length * 8;
    return { input, out, extra: out + outWords * 8 };
  }

  drawdownSeries(equity: ArrayLike<number>, trail = Number.POSITIVE_INFINITY): DrawdownSeries {
    if (Number.isNaN(trail)) throw new KernelError('KERNEL_NOT_FINITE', 'trail is NaN');
    const n = equity.length;
    const { input, out } = this.#stage('equity', equity, n * 4, 0);
    this.module.exports.drawdownSeries(input, n, trail, out);
    const [peak, drawdown, maxDrawdown, breached] = columns(
      this.module.heap.slice(out / 8, out / 8 + n * 4),
      4,
      n,
    ) as [Float64Array, Float64Array, Float64Array, Float64Array];
    return { peak, drawdown, maxDrawdown, breached };
  }

  /** Rolling [winRate, payoffRatio, expectancy] after each trade, over the last `window` trades. */
  tradeStatisticsSeries(
    pnls: ArrayLike<number>,
    window: number,
  ): { winRate: Float64Array; payoffRatio: Float64Array; expectancy: Float64Array } {
    checkWindow(window);
    const n = pnls.length;
    const { input, out, extra } = this.#stage('pnls', pnls, n * 3, window);
    this.module.exports.tradeStatisticsSeries(input, n, window, extra, out);
    const [winRate, payoffRatio, expectancy] = columns(
      this.module.heap.slice(out / 8, out / 8 + n * 3),
      3,
      n,
    ) as [Float64Array, Float64Array, Float64Array];
    return { winRate, payoffRatio, expectancy };
  }

  /** Rolling historical VaR and ES (positive losses) after each return, over the last `window`. */
  tailRiskSeries(
    returns: ArrayLike<number>,
    window: number,
    confidence: number,
  ): { valueAtRisk: Float64Array; expectedShortfall: Float64Array } {
    checkWindow(window);
    if (!(confidence > 0 && confidence < 1))
      throw new KernelError('KERNEL_BAD_SPEC', 'confidence must be in (0, 1)');
    const n = returns.length;
    const { input, out, extra } = this.#stage('returns', returns, n * 2, 2 * window);
    this.module.exports.tailRiskSeries(input, n, window, confidence, extra, extra + window * 8, out);
    const [valueAtRisk, expectedShortfall] = columns(
      this.module.heap.slice(out / 8, out / 8 + n * 2),
      2,
      n,
    ) as [Float64Array, Float64Array];
    return { valueAtRisk, expectedShortfall };
  }
}

function checkWindow(window: number): void {
  if (!Number.isInteger(window) || window < 1)
    throw new KernelError('KERNEL_BAD_SPEC', `window must be a positive integer, got ${window}`);
}
