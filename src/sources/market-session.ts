import { localParts, minuteOfDay, zonedTimeToMicros } from '../core/session-calendar.js';
import type { Micros } from '../core/time.js';

/**
 * The session a simulated market plays in a live run: the CME equity-index regular session,
 * 09:30–16:00 New York, Monday to Friday. It lies inside every bundled profile's trading hours
 * (Apex trades until 16:59 New York, Topstep until 15:10 Chicago), so the paper account can trade
 * whatever the day of the week the engine is started on.
 */
export const SIMULATED_SESSION = {
  timeZone: 'America/New_York',
  open: '09:30',
  close: '16:00',
} as const;

const WEEKDAYS: ReadonlySet<number> = new Set([1, 2, 3, 4, 5]);
const WEEKDAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'] as const;

/**
 * Where a simulated session starts for an instant `at` (now, or the time a user asked for):
 *
 * 1. `at` itself when it falls inside a weekday's regular session (Tuesday 10:00 New York plays
 *    from 10:00);
 * 2. otherwise the open (09:30 New York) of the latest weekday session that began before `at`: a
 *    Saturday or Sunday plays Friday's session, a Monday at 08:00 plays Friday's, a Tuesday evening
 *    plays Tuesday's.
 *
 * @example
 * weekdaySessionStart(microsFromIso('2026-12-05T15:00:00Z')) // Saturday → 2026-12-04T14:30:00Z
 */
export function weekdaySessionStart(at: Micros): Micros {
  const { timeZone } = SIMULATED_SESSION;
  const open = minuteOfDay(SIMULATED_SESSION.open);
  const close = minuteOfDay(SIMULATED_SESSION.close);
  const local = localParts(at, timeZone);
  if (WEEKDAYS.has(local.weekday) && local.minute >= open && local.minute < close) return at;
  let day = local.minute >= open ? local.day : local.day - 1;
  while (!WEEKDAYS.has(weekdayOf(day))) day--;
  return zonedTimeToMicros(day, open, timeZone);
}

/** `Fri 2026-12-04 09:30 New York (14:30 UTC)`: a session start as a trader reads it. */
export function describeSessionStart(start: Micros): string {
  const { timeZone } = SIMULATED_SESSION;
  const local = localParts(start, timeZone);
  const date = new Date(local.day * 86_400_000).toISOString().slice(0, 10);
  const utc = new Date(Math.floor(start / 1000)).toISOString().slice(11, 16);
  return `${WEEKDAY_NAMES[local.weekday] ?? ''} ${date} ${hourMinute(local.minute)} New York (${utc} UTC)`;
}

function weekdayOf(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function hourMinute(minute: number): string {
  return `${String(Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
}
