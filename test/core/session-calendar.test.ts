import { describe, expect, it } from 'vitest';
import { microsFromIso } from '../../src/core/time.js';
import { SessionCalendar, localParts, zonedTimeToMicros } from '../../src/core/session-calendar.js';

const NEW_YORK = {
  timeZone: 'America/New_York',
  open: '18:00',
  forcedFlat: '16:59',
  openDays: [0, 1, 2, 3, 4],
};
const CHICAGO = {
  timeZone: 'America/Chicago',
  open: '17:00',
  forcedFlat: '15:10',
  openDays: [0, 1, 2, 3, 4],
};

const day = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

describe('session calendar', () => {
  it('turns a New York wall-clock time into UTC on both sides of the November DST change', () => {
    // 2026-11-01 02:00 EDT → 01:00 EST. 16:59 is 20:59 UTC before, 21:59 UTC after.
    expect(zonedTimeToMicros(day('2026-10-30'), 16 * 60 + 59, 'America/New_York')).toBe(
      microsFromIso('2026-10-30T20:59:00Z'),
    );
    expect(zonedTimeToMicros(day('2026-11-02'), 16 * 60 + 59, 'America/New_York')).toBe(
      microsFromIso('2026-11-02T21:59:00Z'),
    );
  });

  it('reads local date, weekday and minute', () => {
    const parts = localParts(microsFromIso('2026-11-02T21:59:30Z'), 'America/New_York');
    expect(parts).toEqual({ day: day('2026-11-02'), weekday: 1, minute: 16 * 60 + 59 });
  });

  it('gives a Sunday evening open to Monday’s trading day', () => {
    const calendar = new SessionCalendar(NEW_YORK);
    const sundayOpen = calendar.at(microsFromIso('2026-11-22T23:30:00Z')); // 18:30 EST Sunday
    expect(sundayOpen.phase).toBe('open');
    expect(sundayOpen.tradingDay).toBe(day('2026-11-23'));
    expect(calendar.at(microsFromIso('2026-11-22T22:30:00Z')).phase).toBe('closed'); // 17:30 Sunday
    expect(calendar.at(microsFromIso('2026-11-21T15:00:00Z')).phase).toBe('closed'); // Saturday
    expect(calendar.at(microsFromIso('2026-11-27T23:30:00Z')).phase).toBe('closed'); // Friday 18:30
  });

  it('moves the forced-flat instant by an hour in UTC across the spring DST change (Chicago)', () => {
    const calendar = new SessionCalendar(CHICAGO);
    // 2027-03-14 DST starts. Friday 12 March 15:10 CST = 21:10 UTC; Monday 15 March 15:10 CDT = 20:10 UTC.
    expect(calendar.at(microsFromIso('2027-03-12T21:09:59Z')).phase).toBe('open');
    expect(calendar.at(microsFromIso('2027-03-12T21:10:00Z')).phase).toBe('flat-window');
    expect(calendar.at(microsFromIso('2027-03-15T20:09:59Z')).phase).toBe('open');
    expect(calendar.at(microsFromIso('2027-03-15T20:10:00Z')).phase).toBe('flat-window');
    expect(calendar.at(microsFromIso('2027-03-15T22:00:00Z')).phase).toBe('open'); // 17:00 CDT reopens
  });

  it('answers the same from its cache as from a fresh calendar', () => {
    const cached = new SessionCalendar(NEW_YORK);
    const start = microsFromIso('2026-10-29T00:00:00Z');
    for (let ts = start; ts < start + 7 * 86_400_000_000; ts += 7 * 60_000_000) {
      expect(cached.at(ts)).toEqual(new SessionCalendar(NEW_YORK).at(ts));
    }
  });
});
