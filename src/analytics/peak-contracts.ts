import { CONTRACT_SPECS } from '../core/instruments.js';
import type { Micros } from '../core/time.js';
import type { MtmFill } from './mark-to-market.js';

/** The most full-size contracts an account held at once, and the first instant it held them. */
export interface PeakContracts {
  /** Full-size contracts: a micro counts as 1 / `microsPerMini` of one, as the contract rule counts it. */
  readonly minis: number;
  readonly ts: Micros;
}

/**
 * The largest position the fills built, in full-size contracts across every symbol (the sum of
 * each symbol's absolute net position; a micro weighs 1 / `microsPerMini`), from `from` on: the
 * position held at `from` counts at `from`. This is what was held; the risk engine's contract rule
 * also counts working orders, so its figure at the time was at least this. Fills in time order,
 * from before `from` too (they make the position held then). Null when nothing was held.
 */
export function peakContracts(
  fills: readonly MtmFill[],
  microsPerMini: number,
  from: Micros = Number.NEGATIVE_INFINITY,
): PeakContracts | null {
  const positions = new Map<string, number>();
  let units = 0;
  let peak: { units: number; ts: Micros } | null = null;
  const consider = (ts: Micros): void => {
    if (units > 0 && (!peak || units > peak.units)) peak = { units, ts };
  };
  let started = false;
  for (const fill of fills) {
    if (!started && fill.ts >= from) {
      started = true;
      consider(from);
    }
    const before = positions.get(fill.symbol) ?? 0;
    const after = before + (fill.side === 'buy' ? fill.quantity : -fill.quantity);
    positions.set(fill.symbol, after);
    units += weight(fill.symbol, microsPerMini) * (Math.abs(after) - Math.abs(before));
    if (started) consider(fill.ts);
  }
  if (!started && Number.isFinite(from)) consider(from);
  const found = peak as { units: number; ts: Micros } | null;
  return found && { minis: found.units / microsPerMini, ts: found.ts };
}

/** A micro contract weighs 1 unit, a full-size contract `microsPerMini` (the contract rule's units). */
function weight(symbol: string, microsPerMini: number): number {
  return CONTRACT_SPECS.get(symbol.split(' ')[0] ?? '')?.microOf ? 1 : microsPerMini;
}
