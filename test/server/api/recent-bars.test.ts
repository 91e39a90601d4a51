import { describe, expect, it } from 'vitest';
import type { Bar } from '../../../src/core/events.js';
import { RecentBars } from '../../../src/server/api/recent-bars.js';

const MINUTE = 60_000_000;

function bar(symbol: string, minute: number): Bar {
  const ts = minute * MINUTE;
  return {
    symbol,
    ts,
    end: ts + MINUTE,
    open: 100,
    high: 101,
    low: 99,
    close: 100 + minute,
    volume: 10,
    buyVolume: 5,
    sellVolume: 5,
    trades: 3,
  };
}

describe('RecentBars', () => {
  it('gives the newest bars of an instrument first, at most the limit asked', () => {
    const recent = new RecentBars(10, 4);
    for (let minute = 0; minute < 5; minute++) recent.add(bar('ES', minute));
    recent.add(bar('NQ', 0));
    expect(recent.latest('ES', 3).map((b) => b.ts / MINUTE)).toEqual([4, 3, 2]);
    expect(recent.latest('ES').map((b) => b.ts / MINUTE)).toEqual([4, 3, 2, 1, 0]);
    expect(recent.latest('NQ', 0)).toEqual([]);
    expect(recent.latest('CL', 5)).toEqual([]);
  });

  it('keeps at most its bound of bars per instrument, the newest', () => {
    const recent = new RecentBars(10, 4);
    for (let minute = 0; minute < 1000; minute++) {
      recent.add(bar('ES', minute));
      expect(recent.latest('ES', 1000).length).toBeLessThanOrEqual(10);
    }
    expect(recent.latest('ES', 1000).map((b) => b.ts / MINUTE)).toEqual([
      999, 998, 997, 996, 995, 994, 993, 992, 991, 990,
    ]);
  });

  it('forgets the instrument whose last bar is oldest when a new one would pass the bound', () => {
    const recent = new RecentBars(10, 2);
    recent.add(bar('ES', 0));
    recent.add(bar('NQ', 0));
    recent.add(bar('ES', 1)); // ES is now the fresher of the two
    recent.add(bar('CL', 0));
    expect(recent.latest('NQ')).toEqual([]);
    expect(recent.latest('ES').length).toBe(2);
    expect(recent.latest('CL').length).toBe(1);
  });
});
