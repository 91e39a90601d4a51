import { describe, expect, it } from 'vitest';
import { LiveClock, ReplayClock } from '../../src/core/clock.js';
import { CONTRACT_SPECS, findInstrument, parseSymbol, roundToTick } from '../../src/core/instruments.js';
import { isoFromMicros, microsFromIso, parseDuration } from '../../src/core/time.js';

describe('instruments', () => {
  it('knows the common CME futures with their tick size and point value', () => {
    for (const root of [
      'ES',
      'MES',
      'NQ',
      'MNQ',
      'YM',
      'MYM',
      'RTY',
      'M2K',
      'CL',
      'MCL',
      'GC',
      'MGC',
      '6E',
      'ZN',
      'ZB',
    ]) {
      expect(CONTRACT_SPECS.has(root)).toBe(true);
    }
    expect(findInstrument('NQ 12-26')).toMatchObject({
      root: 'NQ',
      symbol: 'NQ 12-26',
      tickSize: 0.25,
      pointValue: 20,
      tickValue: 5,
    });
    expect(findInstrument('ES 03-27')?.tickValue).toBe(12.5);
    expect(findInstrument('CL 01-27')?.tickValue).toBe(10);
    expect(findInstrument('ZN 12-26')?.tickValue).toBe(15.625);
    expect(findInstrument('6E 12-26')?.tickValue).toBe(6.25);
    expect(findInstrument('MNQ 12-26')?.microOf).toEqual({ root: 'NQ', ratio: 10 });
    expect(findInstrument('NQ')).toBeUndefined();
    expect(findInstrument('QQ 12-26')).toBeUndefined();
  });

  it('parses NinjaTrader symbols', () => {
    expect(parseSymbol('ES 12-26')).toEqual({ root: 'ES', month: 12, year: 2026 });
    expect(parseSymbol('ES 13-26')).toBeUndefined();
    expect(parseSymbol('ES12-26')).toBeUndefined();
  });

  it('rounds prices to the tick without binary drift', () => {
    expect(roundToTick(0.1 + 0.2, 0.1)).toBe(0.3);
    expect(roundToTick(6000.13, 0.25)).toBe(6000.25);
    expect(roundToTick(118.0312, 1 / 32)).toBe(118.03125);
  });
});

describe('time', () => {
  it('works in integer epoch microseconds', () => {
    expect(microsFromIso('2026-01-05T14:30:00Z')).toBe(1_767_623_400_000_000);
    expect(isoFromMicros(1_767_623_400_000_123)).toBe('2026-01-05T14:30:00.000123Z');
    expect(parseDuration('5m')).toBe(300_000_000);
    expect(parseDuration('250ms')).toBe(250_000);
    expect(() => parseDuration('5 minutes')).toThrow(/not a duration/);
  });

  it('has a replay clock that only moves forward and a live clock near the wall clock', () => {
    const clock = new ReplayClock(10);
    clock.advanceTo(20);
    clock.advanceTo(15);
    expect(clock.now()).toBe(20);
    const live = new LiveClock().now();
    expect(Number.isInteger(live)).toBe(true);
    expect(Math.abs(live - Date.now() * 1000)).toBeLessThan(5_000_000);
  });
});
