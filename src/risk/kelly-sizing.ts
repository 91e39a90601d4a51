import type { Signal } from '../core/events.js';
import type { Instrument } from '../core/instruments.js';
import { kellyContracts, kellyFraction } from '../kernels/reference/sizing.js';
import { priceToTicks } from '../core/money.js';
import type { RiskLimits } from './risk-events.js';

export interface KellySizingParams {
  /** Fractional Kelly multiplier (0.25 = quarter Kelly). */
  readonly fraction: number;
  /** Largest loss at the stop allowed per trade, in dollars. */
  readonly riskBudget: number;
  /** Hard cap on contracts per order (of the traded instrument). */
  readonly maxContracts: number;
  /** Share of the remaining drawdown or daily-loss room one trade may risk. */
  readonly roomShare: number;
  /** Stop distance in ticks for signals without a stop. */
  readonly defaultStopTicks: number;
  /** Prior win probability and payoff, used until enough trades of the source have closed. */
  readonly winProbability: number;
  readonly payoffRatio: number;
  /** Equity to size from when no account state has been seen. */
  readonly equity: number;
}

/** Where the edge estimate came from. */
export type EdgeSource = 'confidence-model' | 'rolling-statistics' | 'prior';

export interface Edge {
  readonly winProbability: number;
  readonly payoffRatio: number;
  readonly source: EdgeSource;
}

export interface SizingResult {
  readonly quantity: number;
  /** Distance from entry to stop in whole ticks. */
  readonly stopTicks: number;
  readonly stopPrice: number;
  /** The risk budget after the room caps, in dollars. */
  readonly riskBudget: number;
  /** The contract cap after the rule profile's limit. */
  readonly contractCap: number;
  readonly kellyFraction: number;
  readonly edge: Edge;
}

/** Payoff ratio implied by the signal's first target and stop, undefined when it has neither. */
export function signalPayoff(signal: Signal): number | undefined {
  const target = signal.targets?.[0];
  if (signal.stop === undefined || target === undefined) return undefined;
  const risk = Math.abs(signal.price - signal.stop);
  const reward = Math.abs(target - signal.price);
  return risk > 0 && reward > 0 ? reward / risk : undefined;
}

/**
 * Contracts for a signal under fractional Kelly, with every cap applied:
 *
 * 1. Edge: the confidence model's `winProbability`/`payoffRatio` (signal metadata) when present,
 *    else the source's rolling statistics (given by the caller), else the prior; the payoff
 *    falls back to the signal's target/stop ratio before the prior.
 * 2. Risk budget = min(riskBudget, roomShare × drawdown room, roomShare × daily-loss room).
 * 3. Contract cap = min(maxContracts, the profile's limit less what is already open, in this
 *    instrument's contracts (a micro counts 1/microsPerMini of a full-size contract)).
 * 4. quantity = kellyContracts(…) from the kernels' reference: 0 without an edge; the loss at the
 *    stop (ticks × tick value × quantity) never exceeds the budget; never above the cap.
 */
export function sizeSignal(
  signal: Signal,
  instrument: Instrument,
  params: KellySizingParams,
  limits: RiskLimits | undefined,
  statistics: { readonly winProbability: number; readonly payoffRatio: number } | undefined,
): SizingResult {
  const edge = edgeOf(signal, params, statistics);
  const stopTicks =
    signal.stop !== undefined
      ? Math.abs(
          priceToTicks(signal.price, instrument.tickSize) - priceToTicks(signal.stop, instrument.tickSize),
        )
      : params.defaultStopTicks;
  const direction = signal.direction === 'short' ? -1 : 1;
  const stopPrice =
    signal.stop ??
    Number(
      (
        (priceToTicks(signal.price, instrument.tickSize) - direction * stopTicks) *
        instrument.tickSize
      ).toPrecision(12),
    );
  let riskBudget = params.riskBudget;
  let contractCap = params.maxContracts;
  if (limits) {
    riskBudget = Math.min(
      riskBudget,
      params.roomShare * limits.drawdownRoom,
      params.roomShare * limits.dailyLossRoom,
    );
    const perMini = instrument.microOf ? limits.microsPerMini : 1;
    const roomMinis = Math.max(0, limits.contractLimit - limits.openMinis);
    contractCap = Math.min(contractCap, Math.floor(roomMinis * perMini + 1e-9));
  }
  const quantity =
    // Stryker disable next-line ConditionalExpression,EqualityOperator: kellyContracts also sizes 0 for a stop distance of 0 or less (contractsForRiskBudget's guard); tested with a stop at the price
    stopTicks > 0
      ? kellyContracts({
          winProbability: edge.winProbability,
          payoffRatio: edge.payoffRatio,
          fraction: params.fraction,
          equity: limits?.equity ?? params.equity,
          // Points from whole ticks, and the money of one point: stop × pointValue = ticks × tick value.
          stopDistance: stopTicks * instrument.tickSize,
          pointValue: instrument.pointValue,
          riskBudget: riskBudget * (1 - 1e-12),
          maxContracts: contractCap,
        })
      : 0;
  return {
    quantity,
    stopTicks,
    stopPrice,
    riskBudget,
    contractCap,
    kellyFraction: kellyFraction(edge.winProbability, edge.payoffRatio),
    edge,
  };
}

function edgeOf(
  signal: Signal,
  params: KellySizingParams,
  statistics: { readonly winProbability: number; readonly payoffRatio: number } | undefined,
): Edge {
  const modelP = signal.metadata?.['winProbability'];
  const modelB = signal.metadata?.['payoffRatio'];
  if (typeof modelP === 'number') {
    return {
      winProbability: modelP,
      payoffRatio: typeof modelB === 'number' ? modelB : (signalPayoff(signal) ?? params.payoffRatio),
      source: 'confidence-model',
    };
  }
  if (statistics) return { ...statistics, source: 'rolling-statistics' };
  return {
    winProbability: params.winProbability,
    payoffRatio: signalPayoff(signal) ?? params.payoffRatio,
    source: 'prior',
  };
}
