import { describe, expect, it } from 'vitest';
import { isoFromMicros, microsFromIso } from '../../src/core/time.js';
import { describeSessionStart, weekdaySessionStart } from '../../src/sources/market-session.js';

const sessionFor = (iso: string): string => isoFromMicros(weekdaySessionStart(microsFromIso(iso)));

describe('the weekday session a simulated market plays', () => {
  it('starts at the given time when it falls inside a weekday regular session', () => {
    // Tuesday 10:00 New York (EST, UTC-5).
    expect(sessionFor('2026-12-08T15:00:00Z')).toBe('2026-12-08T15:00:00.000000Z');
    expect(sessionFor('2026-12-08T14:30:00Z')).toBe('2026-12-08T14:30:00.000000Z');
  });

  it('plays Friday session from the open on a Saturday and on a Sunday', () => {
    expect(sessionFor('2026-12-05T15:00:00Z')).toBe('2026-12-04T14:30:00.000000Z');
    expect(sessionFor('2026-12-06T23:15:00Z')).toBe('2026-12-04T14:30:00.000000Z');
  });

  it('plays the previous weekday before the open and the same day after the close', () => {
    // Monday 08:00 New York: before Monday's open, so Friday's session.
    expect(sessionFor('2026-12-07T13:00:00Z')).toBe('2026-12-04T14:30:00.000000Z');
    // Tuesday 17:00 New York: after the close, so Tuesday's session from its open.
    expect(sessionFor('2026-12-08T22:00:00Z')).toBe('2026-12-08T14:30:00.000000Z');
    // Wednesday 16:00 New York is the close: Wednesday's session from its open.
    expect(sessionFor('2026-12-09T21:00:00Z')).toBe('2026-12-09T14:30:00.000000Z');
  });

  it('keeps the open at 09:30 New York across daylight saving (13:30 UTC in summer)', () => {
    // Saturday 2026-07-11 → Friday 2026-07-10 09:30 EDT.
    expect(sessionFor('2026-07-11T12:00:00Z')).toBe('2026-07-10T13:30:00.000000Z');
  });

  it('describes a session start as a trader reads it', () => {
    expect(describeSessionStart(microsFromIso('2026-12-04T14:30:00Z'))).toBe(
      'Fri 2026-12-04 09:30 New York (14:30 UTC)',
    );
    expect(describeSessionStart(microsFromIso('2026-07-14T15:05:00Z'))).toBe(
      'Tue 2026-07-14 11:05 New York (15:05 UTC)',
    );
  });
});
