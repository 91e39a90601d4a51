import { MICROS_PER_MILLISECOND, type Micros } from './time.js';

/**
 * Trading sessions in an exchange's (or a firm's) own time zone, with daylight saving right: the
 * wall-clock times come from the profile (`18:00`, `16:59`) and are turned into UTC instants with
 * Intl.DateTimeFormat for each date, so 16:59 New York is 20:59 UTC in summer and 21:59 UTC in
 * winter.
 */

export type SessionPhase =
  /** Inside the session: trading allowed. */
  | 'open'
  /** After the forced-flat time and before the next open: positions must be flat, no entries. */
  | 'flat-window'
  /** No session today (weekend, holiday-free calendar): positions must be flat, no entries. */
  | 'closed';

export interface SessionPosition {
  readonly phase: SessionPhase;
  /**
   * The trading day, as whole days since 1970-01-01: the local calendar date the session ends on
   * (a Sunday 18:00 New York open belongs to Monday's trading day).
   */
  readonly tradingDay: number;
  /** When this answer stops being true (the next open or forced-flat instant). */
  readonly until: Micros;
}

interface LocalParts {
  /** Days since 1970-01-01 of the local date. */
  readonly day: number;
  /** 0 = Sunday. */
  readonly weekday: number;
  /** Minutes since local midnight. */
  readonly minute: number;
}

const MS_PER_DAY = 86_400_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The local wall-clock time of a UTC millisecond, read as if it were UTC (for offset arithmetic). */
function localAsUtcMs(ms: number, timeZone: string): number {
  let year = 0;
  let month = 0;
  let day = 0;
  let hour = 0;
  let minute = 0;
  let second = 0;
  for (const part of formatterFor(timeZone).formatToParts(ms)) {
    const value = Number(part.value);
    if (part.type === 'year') year = value;
    else if (part.type === 'month') month = value;
    else if (part.type === 'day') day = value;
    else if (part.type === 'hour') hour = value;
    else if (part.type === 'minute') minute = value;
    else if (part.type === 'second') second = value;
  }
  return Date.UTC(year, month - 1, day, hour, minute, second);
}

/** Local date, weekday and minute of day of an instant in a zone. */
export function localParts(ts: Micros, timeZone: string): LocalParts {
  const ms = Math.floor(ts / MICROS_PER_MILLISECOND);
  const local = localAsUtcMs(ms - (ms % 1000), timeZone);
  const day = Math.floor(local / MS_PER_DAY);
  return { day, weekday: (((day + 4) % 7) + 7) % 7, minute: Math.floor((local - day * MS_PER_DAY) / 60_000) };
}

/**
 * The UTC instant of a local wall-clock time (`day` in days since the epoch, `minute` since local
 * midnight) in a zone. A time inside a spring-forward gap resolves to the instant after the gap.
 */
export function zonedTimeToMicros(day: number, minute: number, timeZone: string): Micros {
  const wall = day * MS_PER_DAY + minute * 60_000;
  const firstOffset = localAsUtcMs(wall, timeZone) - wall;
  let utc = wall - firstOffset;
  const secondOffset = localAsUtcMs(utc, timeZone) - utc;
  if (secondOffset !== firstOffset) {
    // The offset changes near this wall time. If the wall time exists under the second offset,
    // that is the instant; if not, it is inside a gap, and of the two readings the later one (the
    // wall time read with the offset before the change) is the instant after the gap.
    const candidate = wall - secondOffset;
    utc =
      localAsUtcMs(candidate, timeZone) - candidate === secondOffset ? candidate : Math.max(utc, candidate);
  }
  return utc * MICROS_PER_MILLISECOND;
}

/** `HH:MM` as minutes since midnight. */
export function minuteOfDay(hourMinute: string): number {
  const [hours, minutes] = hourMinute.split(':');
  return Number(hours) * 60 + Number(minutes);
}

export interface SessionHours {
  readonly timeZone: string;
  readonly open: string;
  readonly forcedFlat: string;
  readonly openDays: readonly number[];
}

/**
 * Answers "is the session open, and which trading day is it" for a timestamp. The answer is
 * cached until the next boundary, so the per-order cost is two comparisons; Intl is consulted
 * only when a boundary is crossed.
 */
export class SessionCalendar {
  readonly timeZone: string;
  private readonly openMinute: number;
  private readonly flatMinute: number;
  private readonly openDays: ReadonlySet<number>;
  private readonly overnight: boolean;
  private cached: SessionPosition | undefined;
  private cachedFrom: Micros = Number.POSITIVE_INFINITY;

  constructor(hours: SessionHours) {
    this.timeZone = hours.timeZone;
    this.openMinute = minuteOfDay(hours.open);
    this.flatMinute = minuteOfDay(hours.forcedFlat);
    this.openDays = new Set(hours.openDays);
    this.overnight = this.openMinute > this.flatMinute;
  }

  /** Where `ts` falls in the session calendar. */
  at(ts: Micros): SessionPosition {
    const cached = this.cached;
    if (cached && ts >= this.cachedFrom && ts < cached.until) return cached;
    const position = this.compute(ts);
    this.cached = position;
    this.cachedFrom = ts;
    return position;
  }

  /** The forced-flat instant of a trading day. */
  forcedFlatOf(tradingDay: number): Micros {
    return zonedTimeToMicros(tradingDay, this.flatMinute, this.timeZone);
  }

  private compute(ts: Micros): SessionPosition {
    const local = localParts(ts, this.timeZone);
    const { day, weekday, minute } = local;
    const zone = this.timeZone;
    const at = (d: number, m: number): Micros => zonedTimeToMicros(d, m, zone);
    if (this.overnight) {
      if (minute >= this.openMinute) {
        const phase = this.openDays.has(weekday) ? 'open' : 'closed';
        const until = phase === 'open' ? at(day + 1, this.flatMinute) : at(day + 1, this.openMinute);
        return { phase, tradingDay: day + 1, until };
      }
      if (minute < this.flatMinute) {
        const yesterday = (weekday + 6) % 7;
        const phase = this.openDays.has(yesterday) ? 'open' : 'closed';
        return {
          phase,
          tradingDay: day,
          until: phase === 'open' ? at(day, this.flatMinute) : at(day, this.openMinute),
        };
      }
      const yesterday = (weekday + 6) % 7;
      const phase = this.openDays.has(yesterday) ? 'flat-window' : 'closed';
      return { phase, tradingDay: day, until: at(day, this.openMinute) };
    }
    if (minute < this.openMinute)
      return { phase: 'closed', tradingDay: day, until: at(day, this.openMinute) };
    if (minute < this.flatMinute && this.openDays.has(weekday)) {
      return { phase: 'open', tradingDay: day, until: at(day, this.flatMinute) };
    }
    return {
      phase: this.openDays.has(weekday) ? 'flat-window' : 'closed',
      tradingDay: day,
      until: at(day + 1, this.openMinute),
    };
  }
}
