// How the Performance view writes its figures: a missing one is "–" with its reason, never a number.
import type { Figures, Statistic } from './report-types.js';

/** A shown figure: its text, and why it is missing when it is. */
export interface Shown {
  readonly text: string;
  readonly missing: string | null;
}

export const MISSING = '–';

export function statistic(s: Statistic, digits = 2): Shown {
  return 'value' in s
    ? { text: s.value.toFixed(digits), missing: null }
    : { text: MISSING, missing: s.missing };
}

export function winRate(f: Figures): Shown {
  return f.winRate === null
    ? { text: MISSING, missing: 'no closed trade' }
    : { text: `${(f.winRate * 100).toFixed(1)} %`, missing: null };
}

/** Profit factor = gross wins / |gross losses|: no number without a losing trade (the report's rule). */
export function profitFactor(f: Figures): Shown {
  if (f.profitFactor !== null) return { text: f.profitFactor.toFixed(2), missing: null };
  return { text: MISSING, missing: f.trades === 0 ? 'no closed trade' : 'no losing trade' };
}

/** `12.5 %` of a fraction; a negative one with a real minus sign, as money is written. */
export const percent = (fraction: number, digits = 1): string =>
  `${fraction < 0 ? '−' : ''}${Math.abs(fraction * 100).toFixed(digits)} %`;

/** `60 s`, `5 min`, `1 h`: a signal horizon. */
export function horizon(seconds: number): string {
  if (seconds < 60) return `${String(seconds)} s`;
  if (seconds < 3600) return `${String(seconds / 60)} min`;
  return `${String(seconds / 3600)} h`;
}
