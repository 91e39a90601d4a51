import { MICROS_PER_DAY, MICROS_PER_MILLISECOND, type Micros } from '../core/time.js';

export type PeriodKind = 'day' | 'week' | 'month';

/** A half-open time range [from, to) in epoch microseconds, with a label for file names. */
export interface Period {
  readonly kind: PeriodKind | 'all';
  readonly from: Micros;
  readonly to: Micros;
  readonly label: string;
}

/** Every time there is. */
export const ALL_TIME: Period = {
  kind: 'all',
  from: -Number.MAX_SAFE_INTEGER,
  to: Number.MAX_SAFE_INTEGER,
  label: 'all',
};

/**
 * The UTC day, ISO week (Monday to Monday) or calendar month containing `date` (`YYYY-MM-DD`).
 * Days are UTC calendar days: the convention of every per-day figure in the analytics.
 */
export function periodOf(kind: PeriodKind, date: string): Period {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`'${date}' is not a date such as 2026-11-25`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const start = Date.UTC(year, month - 1, day);
  if (Number.isNaN(start) || new Date(start).getUTCDate() !== day)
    throw new Error(`'${date}' is not a calendar date`);
  const ms = MICROS_PER_MILLISECOND;
  if (kind === 'day') return { kind, from: start * ms, to: start * ms + MICROS_PER_DAY, label: date };
  if (kind === 'week') {
    const weekday = (new Date(start).getUTCDay() + 6) % 7;
    const monday = start - weekday * 86_400_000;
    return {
      kind,
      from: monday * ms,
      to: monday * ms + 7 * MICROS_PER_DAY,
      label: `week-${new Date(monday).toISOString().slice(0, 10)}`,
    };
  }
  const first = Date.UTC(year, month - 1, 1);
  const next = Date.UTC(year, month, 1);
  return { kind, from: first * ms, to: next * ms, label: date.slice(0, 7) };
}
