import { describe, expect, it } from 'vitest';
import { LatencyRing, micros, RING_POINTS } from '../../src/dashboard/system/latency-ring.js';

describe('the latency plot ring', () => {
  it('keeps points oldest first until it is full', () => {
    const ring = new LatencyRing(4);
    ring.push(1, 10, 20);
    ring.push(2, 11, null);
    expect(ring.size).toBe(2);
    expect(ring.columns()).toEqual([
      [1, 2],
      [10, 11],
      [20, null],
    ]);
  });

  it('never grows past its capacity: the oldest points are dropped first', () => {
    const ring = new LatencyRing(3);
    for (let t = 1; t <= 10; t++) ring.push(t, t * 10, t * 100);
    expect(ring.size).toBe(3);
    expect(ring.columns()).toEqual([
      [8, 9, 10],
      [80, 90, 100],
      [800, 900, 1000],
    ]);
    expect(ring.lastTime).toBe(10);
  });

  it('ignores a point not after the newest (the time axis only moves forward)', () => {
    const ring = new LatencyRing(3);
    ring.push(5, 1, 1);
    ring.push(5, 2, 2);
    ring.push(4, 3, 3);
    ring.push(Number.NaN, 4, 4);
    expect(ring.columns()).toEqual([[5], [1], [1]]);
  });

  it('holds ten minutes of once-a-second status by default and refuses a capacity that is not a positive integer', () => {
    expect(new LatencyRing().capacity).toBe(RING_POINTS);
    expect(RING_POINTS).toBe(600);
    expect(() => new LatencyRing(0)).toThrow(RangeError);
    expect(() => new LatencyRing(1.5)).toThrow(RangeError);
  });

  it('plots nanoseconds as microseconds, and no figure as a gap rather than a zero', () => {
    expect(micros(2_500)).toBe(2.5);
    expect(micros(0)).toBeNull();
    expect(micros(null)).toBeNull();
    expect(micros(Number.POSITIVE_INFINITY)).toBeNull();
  });
});
