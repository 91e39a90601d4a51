import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKET_BOUNDS_NANOS, LatencyHistogram } from '../../src/pipeline/metrics.js';

describe('the fixed Prometheus buckets of a latency histogram', () => {
  it('counts each sample in the first bucket whose upper bound it does not pass (bounds are inclusive)', () => {
    const histogram = new LatencyHistogram();
    // 400 ns and 500 ns: the first bucket (≤ 500 ns); 501 ns and 1 µs: the second; 3 µs: ≤ 5 µs; 2 s: above 1 s.
    for (const nanos of [400, 500, 501, 1_000, 3_000, 2e9]) histogram.record(nanos);
    const { counts, sumNanos } = histogram.buckets();
    expect(counts).toHaveLength(LATENCY_BUCKET_BOUNDS_NANOS.length + 1);
    expect(counts[0]).toBe(2);
    expect(counts[1]).toBe(2);
    expect(counts[LATENCY_BUCKET_BOUNDS_NANOS.indexOf(5_000)]).toBe(1);
    expect(counts[LATENCY_BUCKET_BOUNDS_NANOS.length]).toBe(1);
    expect(counts.reduce((sum, count) => sum + count, 0)).toBe(histogram.count);
    expect(sumNanos).toBe(400 + 500 + 501 + 1_000 + 3_000 + 2e9);
    histogram.destroy();
  });

  it('holds at or under each bound exactly the samples recorded there, over six decades', () => {
    const histogram = new LatencyHistogram();
    // Values spread over six decades; HDR resolves them to 3 significant digits, exact up to 2,048 ns.
    const values = Array.from({ length: 5_000 }, (_, i) => Math.round(100 * 1.003 ** i));
    for (const value of values) histogram.record(value);
    const { counts } = histogram.buckets();
    let cumulative = 0;
    LATENCY_BUCKET_BOUNDS_NANOS.forEach((bound, i) => {
      cumulative += counts[i] as number;
      expect(cumulative, `≤ ${String(bound)} ns`).toBe(values.filter((value) => value <= bound).length);
    });
    // The HDR median and the buckets tell the same story: half the samples under the median.
    const median = histogram.percentile(50);
    expect(values.filter((value) => value <= median).length / values.length).toBeCloseTo(0.5, 2);
    histogram.destroy();
  });

  it('rounds and clamps a sample as the HDR record does, and empties on reset', () => {
    const histogram = new LatencyHistogram();
    histogram.record(0.2);
    histogram.record(499.6);
    expect(histogram.buckets().counts[0]).toBe(2);
    expect(histogram.buckets().sumNanos).toBe(1 + 500);
    histogram.reset();
    expect(histogram.buckets().counts.every((count) => count === 0)).toBe(true);
    expect(histogram.buckets().sumNanos).toBe(0);
    histogram.destroy();
  });
});
