/**
 * Position sizing and risk math in plain TypeScript: Kelly fractions, risk-budget caps, drawdown
 * tracking, rolling trade statistics and historical value-at-risk. This is the reference the
 * WebAssembly risk kernels are tested against, and what the risk engine calls per trade (these
 * functions run once per signal or fill, so there is nothing to win by crossing into WASM).
 *
 * Conventions: money in the account currency; a stop distance in price points; `pointValue` is
 * the money value of one full point for one contract (NQ: 20, ES: 50). Every function returns a
 * finite number for finite inputs and 0 contracts when the inputs make no sense.
 */

/**
 * Kelly fraction for a binary outcome: f* = p − (1 − p) / b, where p is the probability of a win
 * and b the payoff ratio (average win / average loss). Negative when the edge is negative (the
 * bet should not be taken); 0 when b is not positive or p is outside [0, 1].
 *
 * @example kellyFraction(0.6, 1) // 0.2
 */
export function kellyFraction(winProbability: number, payoffRatio: number): number {
  if (!(winProbability >= 0 && winProbability <= 1) || !(payoffRatio > 0) || !Number.isFinite(payoffRatio))
    return 0;
  return winProbability - (1 - winProbability) / payoffRatio;
}

/**
 * Kelly fraction for a continuous return distribution: f* = μ / σ² (the growth-optimal leverage
 * for small returns). 0 when the variance is not positive.
 *
 * @example kellyFractionContinuous(0.01, 0.04) // 0.25
 */
export function kellyFractionContinuous(mean: number, variance: number): number {
  if (!(variance > 0) || !Number.isFinite(variance) || !Number.isFinite(mean)) return 0;
  return mean / variance;
}

/**
 * Rounds a contract count down, forgiving float noise below 1e-9 contract: 0.5 × (0.6 − 0.4) ×
 * 50 000 / 200 computes as 24.999999999999996 and must size 25, not 24. The slack can overshoot a
 * budget by at most 1e-9 of one contract's risk (nano-dollars).
 */
export function wholeContracts(x: number): number {
  return Math.floor(x + 1e-9);
}

/**
 * Whole contracts whose loss at the stop fits a risk budget: ⌊budget / (stop × pointValue)⌋ (see `wholeContracts`).
 * 0 when any input is not finite or not positive.
 *
 * @example contractsForRiskBudget(1000, 10, 20) // 5 (NQ, 10-point stop, $1000 budget)
 */
export function contractsForRiskBudget(riskBudget: number, stopDistance: number, pointValue: number): number {
  // Stryker disable next-line EqualityOperator: a budget of exactly 0 sizes ⌊0⌋ = 0 either way
  if (!(riskBudget > 0)) return 0;
  if (!(stopDistance > 0) || !(pointValue > 0)) return 0;
  const riskPerContract = stopDistance * pointValue;
  if (!Number.isFinite(riskPerContract) || !Number.isFinite(riskBudget)) return 0;
  return wholeContracts(riskBudget / riskPerContract);
}

/**
 * A stop distance in ticks converted to price points (`ticks × tickSize`), for callers that think in ticks.
 *
 * @example stopDistanceFromTicks(40, 0.25) // 10
 */
export function stopDistanceFromTicks(ticks: number, tickSize: number): number {
  // Stryker disable next-line EqualityOperator: 0 ticks or a tick size of 0 give 0 points either way
  if (!(ticks > 0) || !(tickSize > 0)) return 0;
  return ticks * tickSize;
}

export interface KellyContractsInput {
  /** Probability of a winning trade, in [0, 1]. */
  readonly winProbability: number;
  /** Average win / average loss, > 0. */
  readonly payoffRatio: number;
  /** Fractional Kelly multiplier, typically 0.25 to 0.5; 1 is full Kelly. */
  readonly fraction: number;
  /** Account equity in money. */
  readonly equity: number;
  /** Distance from entry to the protective stop, in price points. */
  readonly stopDistance: number;
  /** Money per point per contract. */
  readonly pointValue: number;
  /** Largest loss allowed on this trade, in money. */
  readonly riskBudget: number;
  /** Hard cap on contracts. */
  readonly maxContracts: number;
}

/**
 * Contracts to trade under fractional Kelly, capped by the per-trade risk budget and a hard cap:
 * min(⌊fraction × f* × equity / (stop × pointValue)⌋, contractsForRiskBudget(…), ⌊maxContracts⌋).
 *
 * Rules: 1. 0 when f* ≤ 0 (no edge) or any input is not finite or not positive. 2. Never negative.
 * 3. The loss at the stop never exceeds `riskBudget`. 4. Never more than `maxContracts`.
 *
 * @example
 * kellyContracts({ winProbability: 0.6, payoffRatio: 1, fraction: 0.5, equity: 50_000,
 *   stopDistance: 10, pointValue: 20, riskBudget: 1_000, maxContracts: 10 }) // 5 − Kelly says 25, the budget 5
 */
export function kellyContracts(input: KellyContractsInput): number {
  const { fraction, equity, stopDistance, pointValue, riskBudget, maxContracts } = input;
  const f = kellyFraction(input.winProbability, input.payoffRatio);
  // These guards alone keep the count from going negative: past them every factor is positive.
  // Stryker disable next-line EqualityOperator: an edge, fraction or equity of exactly 0 sizes ⌊0⌋ = 0 either way
  if (!(f > 0) || !(fraction > 0) || !(equity > 0)) return 0;
  if (!(maxContracts >= 1)) return 0;
  if (!Number.isFinite(fraction) || !Number.isFinite(equity)) return 0;
  const budgetCap = contractsForRiskBudget(riskBudget, stopDistance, pointValue);
  if (budgetCap === 0) return 0;
  const kelly = wholeContracts((fraction * f * equity) / (stopDistance * pointValue));
  return Math.min(kelly, budgetCap, Math.floor(maxContracts));
}

/** State of a drawdown tracker after an update. */
export interface DrawdownState {
  /** Highest equity seen. */
  readonly peak: number;
  /** Peak − equity, ≥ 0. */
  readonly drawdown: number;
  /** Drawdown as a fraction of the peak (0 when the peak is not positive). */
  readonly drawdownFraction: number;
  /** Largest drawdown seen so far; never decreases. */
  readonly maxDrawdown: number;
  /** Trailing threshold: peak − trail (the equity at which a trailing-drawdown rule breaches). */
  readonly threshold: number;
  /** True once equity has touched or gone below the trailing threshold. */
  readonly breached: boolean;
}

/**
 * Tracks peak equity, drawdown, maximum drawdown and a trailing threshold (prop-firm style
 * "trailing drawdown": the threshold follows the peak up and never comes down).
 *
 * @example
 * const tracker = new DrawdownTracker(2_500);
 * tracker.update(50_000); tracker.update(51_000); tracker.update(48_400).breached // true
 */
export class DrawdownTracker {
  #peak = Number.NEGATIVE_INFINITY;
  #maxDrawdown = 0;
  #breached = false;
  #last: DrawdownState | undefined;

  /** @param trail Distance of the trailing threshold below the peak, in money (Infinity: none). */
  constructor(readonly trail: number = Number.POSITIVE_INFINITY) {}

  update(equity: number): DrawdownState {
    // Stryker disable next-line EqualityOperator: at equality the assignment stores the same value
    if (equity > this.#peak) this.#peak = equity;
    const drawdown = this.#peak - equity;
    // Stryker disable next-line EqualityOperator: at equality the assignment stores the same value
    if (drawdown > this.#maxDrawdown) this.#maxDrawdown = drawdown;
    const threshold = this.#peak - this.trail;
    if (equity <= threshold) this.#breached = true;
    this.#last = {
      peak: this.#peak,
      drawdown,
      drawdownFraction: this.#peak > 0 ? drawdown / this.#peak : 0,
      maxDrawdown: this.#maxDrawdown,
      threshold,
      breached: this.#breached,
    };
    return this.#last;
  }

  /** The state after the last update; undefined before the first. */
  get state(): DrawdownState | undefined {
    return this.#last;
  }
}

/** Maximum drawdown of a whole equity curve (peak-to-trough, in money). */
export function maxDrawdown(equity: ArrayLike<number>): number {
  let peak = Number.NEGATIVE_INFINITY;
  let worst = 0;
  // Stryker disable next-line EqualityOperator: one step past the end reads undefined, whose NaN drawdown never counts
  for (let i = 0; i < equity.length; i++) {
    const value = equity[i] as number;
    // Stryker disable next-line EqualityOperator: at equality the assignment stores the same value
    if (value > peak) peak = value;
    const drawdown = peak - value;
    // Stryker disable next-line EqualityOperator: at equality the assignment stores the same value
    if (drawdown > worst) worst = drawdown;
  }
  return worst;
}

/** Rolling statistics of closed trades. */
export interface TradeStatistics {
  /** Trades in the window. */
  readonly count: number;
  /** Share of trades with P&L > 0. */
  readonly winRate: number;
  /** Average win / average loss (both positive); 0 without losses or without wins. */
  readonly payoffRatio: number;
  /** Mean P&L per trade = winRate × averageWin − lossRate × averageLoss. */
  readonly expectancy: number;
  readonly averageWin: number;
  readonly averageLoss: number;
}

/**
 * Win rate, payoff ratio and expectancy over the last `window` closed trades. A trade with P&L of
 * exactly 0 counts as a trade but neither as a win nor as a loss.
 *
 * @example
 * const stats = new RollingTradeStats(50);
 * stats.push(200); stats.push(-100); stats.statistics.payoffRatio // 2
 */
export class RollingTradeStats {
  readonly #ring: Float64Array;
  #next = 0;
  #count = 0;

  constructor(readonly window: number) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError('window must be a positive integer');
    this.#ring = new Float64Array(window);
  }

  push(pnl: number): TradeStatistics {
    this.#ring[this.#next] = pnl;
    this.#next = (this.#next + 1) % this.window;
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a count past the window only feeds subarray(), which stops at the window
    if (this.#count < this.window) this.#count++;
    return this.statistics;
  }

  /** Recomputed from the window (O(window)); trades close rarely, so exactness beats a running sum. */
  get statistics(): TradeStatistics {
    return tradeStatistics(this.#ring.subarray(0, this.#count));
  }
}

/** Trade statistics of a list of trade P&Ls. */
export function tradeStatistics(pnls: ArrayLike<number>): TradeStatistics {
  let wins = 0;
  let losses = 0;
  let winSum = 0;
  let lossSum = 0;
  let total = 0;
  for (let i = 0; i < pnls.length; i++) {
    const pnl = pnls[i] as number;
    total += pnl;
    if (pnl > 0) {
      wins++;
      winSum += pnl;
    } else if (pnl < 0) {
      losses++;
      lossSum -= pnl;
    }
  }
  const count = pnls.length;
  const averageWin = wins > 0 ? winSum / wins : 0;
  const averageLoss = losses > 0 ? lossSum / losses : 0;
  return {
    count,
    winRate: count > 0 ? wins / count : 0,
    payoffRatio: averageLoss > 0 ? averageWin / averageLoss : 0,
    expectancy: count > 0 ? total / count : 0,
    averageWin,
    averageLoss,
  };
}

/** Historical value-at-risk and expected shortfall, both as positive losses. */
export interface TailRisk {
  readonly valueAtRisk: number;
  readonly expectedShortfall: number;
}

/**
 * Historical VaR and ES of a sample of returns (or P&Ls) at a confidence level c in (0, 1).
 *
 * Rules: 1. Sort ascending; k = max(1, ⌈(1 − c) × n⌉) worst observations form the tail.
 * 2. VaR = −(k-th worst); ES = −mean(k worst). 3. Both are losses: positive when the tail loses.
 * 4. An empty sample gives 0 for both.
 *
 * @example historicalTailRisk([-5, -1, 0, 1, 2, 3, 4, 5, 6, 7], 0.9) // { valueAtRisk: 5, expectedShortfall: 5 }
 */
export function historicalTailRisk(returns: ArrayLike<number>, confidence: number): TailRisk {
  const n = returns.length;
  if (n === 0) return { valueAtRisk: 0, expectedShortfall: 0 };
  if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be in (0, 1)');
  const sorted = Float64Array.from(returns).sort();
  const k = Math.max(1, Math.ceil((1 - confidence) * n - 1e-12));
  let tail = 0;
  for (let i = 0; i < k; i++) tail += sorted[i] as number;
  return { valueAtRisk: -(sorted[k - 1] as number), expectedShortfall: -tail / k };
}

/**
 * Historical VaR and ES over the last `window` returns.
 *
 * @example
 * const risk = new RollingTailRisk(250, 0.99);
 * for (const r of dailyReturns) risk.push(r);
 * risk.tailRisk.valueAtRisk
 */
export class RollingTailRisk {
  readonly #ring: Float64Array;
  #next = 0;
  #count = 0;

  constructor(
    readonly window: number,
    readonly confidence: number,
  ) {
    if (!Number.isInteger(window) || window < 1) throw new RangeError('window must be a positive integer');
    if (!(confidence > 0 && confidence < 1)) throw new RangeError('confidence must be in (0, 1)');
    this.#ring = new Float64Array(window);
  }

  push(value: number): void {
    this.#ring[this.#next] = value;
    this.#next = (this.#next + 1) % this.window;
    if (this.#count < this.window) this.#count++;
  }

  /** True once the window is full. */
  get warm(): boolean {
    return this.#count === this.window;
  }

  get tailRisk(): TailRisk {
    return historicalTailRisk(this.#ring.subarray(0, this.#count), this.confidence);
  }
}
