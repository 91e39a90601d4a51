import type { Signal, TradeDecision } from './trading-types.js';

/**
 * The risk decisions that followed a signal: those whose intent names the signal's time (live
 * updates carry the intent; one with no signal time came from no signal), else those of its instrument from its time until the instrument's next
 * signal (the store's rows do not name the signal, so this is by time; on
 * one instrument signals come seconds apart while a decision follows its signal within
 * microseconds, so the window holds that signal's decisions.
 * `signals` and `decisions` newest first, as the view keeps them.
 */
export function decisionsOf(
  signal: Signal,
  signals: readonly Signal[],
  decisions: readonly TradeDecision[],
): TradeDecision[] {
  const next = signals
    .filter((s) => s.symbol === signal.symbol && s.ts > signal.ts)
    .reduce((soonest, s) => Math.min(soonest, s.ts), Number.POSITIVE_INFINITY);
  return decisions
    .filter((d) =>
      d.linked
        ? d.signalTs === signal.ts && d.symbol === signal.symbol
        : d.symbol === signal.symbol && d.ts >= signal.ts && d.ts < next,
    )
    .reverse();
}

/** `SIM-50K approved 2`, `SIM-TS denied: daily loss room 0 < 1 contract`. */
export function describeDecision(decision: TradeDecision): string {
  const size = decision.quantity === null ? '' : ` ${String(decision.quantity)}`;
  const why = decision.outcome === 'approved' ? '' : `: ${decision.reason}`;
  return `${decision.account} ${decision.outcome}${size}${why}`;
}
