import {
  SessionCalendar,
  zonedTimeToMicros,
  minuteOfDay,
  type SessionHours,
} from '../core/session-calendar.js';
import type { Micros } from '../core/time.js';

/**
 * CME Globex equity-index hours: the trading day runs from 17:00 to 16:00 Chicago time (the next
 * day), Sunday to Thursday opens, so a trading day is named by the date it ends on and ends at
 * 17:00 Chicago (22:00 UTC in summer, 23:00 UTC in winter). No holidays: a holiday is a session
 * without prices, hence a zero-return session for a flat account.
 */
export const CME_GLOBEX_HOURS: SessionHours = {
  timeZone: 'America/Chicago',
  open: '17:00',
  forcedFlat: '16:00',
  openDays: [0, 1, 2, 3, 4],
};

const DAYS_PER_YEAR = 365.2425;
const weekdayOf = (day: number): number => (((day + 4) % 7) + 7) % 7;

/** `YYYY-MM-DD` of a day number (days since 1970-01-01). */
export function dateOfDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

/**
 * The analytics' view of the session calendar (src/core/session-calendar.ts): which trading day
 * an instant belongs to, when a trading day ends, and which days are sessions.
 */
export class TradingSessions {
  readonly hours: SessionHours;
  private readonly calendar: SessionCalendar;
  private readonly overnight: boolean;
  private readonly openMinute: number;
  private readonly openDays: ReadonlySet<number>;

  constructor(hours: SessionHours = CME_GLOBEX_HOURS) {
    this.hours = hours;
    this.calendar = new SessionCalendar(hours);
    this.openMinute = minuteOfDay(hours.open);
    this.overnight = this.openMinute > minuteOfDay(hours.forcedFlat);
    this.openDays = new Set(hours.openDays);
  }

  /**
   * Sessions per year of this calendar (5 open days a week: 260.9), the annualisation factor:
   * the series has one observation per session, and the calendar has no holidays.
   */
  get sessionsPerYear(): number {
    return (this.openDays.size * DAYS_PER_YEAR) / 7;
  }

  /** The trading day (days since the epoch) an instant belongs to. */
  tradingDayOf(ts: Micros): number {
    return this.calendar.at(ts).tradingDay;
  }

  /** The first instant after trading day `day`: its equity is marked with prices before it. */
  endOf(day: number): Micros {
    return this.overnight
      ? zonedTimeToMicros(day, this.openMinute, this.hours.timeZone)
      : zonedTimeToMicros(day + 1, 0, this.hours.timeZone);
  }

  /** True when the calendar has a session that day (an overnight session opens the day before). */
  isSession(day: number): boolean {
    return this.openDays.has(weekdayOf(this.overnight ? day - 1 : day));
  }

  /** Every session from `first` to `last` (inclusive), plus the `extra` days (days with activity). */
  between(first: number, last: number, extra: Iterable<number> = []): number[] {
    const days = new Set<number>();
    for (let day = first; day <= last; day++) if (this.isSession(day)) days.add(day);
    for (const day of extra) if (day >= first && day <= last) days.add(day);
    return [...days].sort((a, b) => a - b);
  }
}
