import { describe, expect, it } from 'vitest';
import { ago, latency, money, signedMoney, timeOfDay } from '../../src/dashboard/format.js';

describe('how the dashboard writes figures', () => {
  it('writes money in dollars and cents, and a missing figure as a dash, never a zero', () => {
    expect(money(50_000)).toBe('$50,000.00');
    expect(money(null)).toBe('—');
    expect(money(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('always writes the sign of P&L, so colour is not the only cue', () => {
    expect(signedMoney(125)).toBe('+$125.00');
    expect(signedMoney(-40.5)).toBe('−$40.50');
    expect(signedMoney(0)).toBe('$0.00');
  });

  it('writes latencies in the unit that reads best', () => {
    expect(latency(850)).toBe('850 ns');
    expect(latency(4_200)).toBe('4.2 µs');
    expect(latency(42_000)).toBe('42 µs');
    expect(latency(3_100_000)).toBe('3.1 ms');
    expect(latency(0)).toBe('—');
  });

  it('writes how long ago in seconds, minutes or hours', () => {
    expect(ago(12)).toBe('12 s ago');
    expect(ago(240)).toBe('4 min ago');
    expect(ago(7200)).toBe('2.0 h ago');
  });

  it("writes a time of day as the browser's own locale call would, with one formatter for all", () => {
    // Midnight, noon, a second before midnight and today: the same text as toLocaleTimeString.
    const day = new Date(2026, 11, 8).getTime();
    for (const at of [day, day + 12 * 3_600_000, day + 86_399_000, Date.now()])
      expect(timeOfDay(at)).toBe(new Date(at).toLocaleTimeString('en-GB', { hour12: false }));
    expect(timeOfDay(day + 14 * 3_600_000 + 3 * 60_000 + 27_000)).toBe('14:03:27');
    expect(timeOfDay(Number.NaN)).toBe('—');
  });
});
