import { LATENCY_BUCKET_BOUNDS_NANOS } from '../pipeline/metrics.js';

/**
 * What a set of ever-growing counters (a histogram's buckets, a total) gained over the last
 * `windowMs`: each `update` keeps a copy of the counts, and the difference with the newest copy
 * at least `windowMs` old (or the oldest kept, early on) is the window's. One copy per update, a
 * second apart: a 30 s window of a histogram keeps 31 arrays of 21 numbers.
 */
export class CounterWindow {
  private readonly history: { readonly atMs: number; readonly counts: Float64Array }[] = [];
  private readonly delta: Float64Array;

  constructor(
    private readonly windowMs: number,
    size: number,
  ) {
    this.delta = new Float64Array(size);
  }

  /** Records `counts` as of `atMs`; returns what they gained within the window (live: read, do not keep). */
  update(atMs: number, counts: ArrayLike<number>): Float64Array {
    this.history.push({ atMs, counts: Float64Array.from(counts) });
    // Keep one copy at or before the window's start: it is the base.
    while (this.history.length > 1 && (this.history[1] as { atMs: number }).atMs <= atMs - this.windowMs)
      this.history.shift();
    const base = (this.history[0] as { counts: Float64Array }).counts;
    for (let i = 0; i < this.delta.length; i++) this.delta[i] = (counts[i] ?? 0) - (base[i] ?? 0);
    return this.delta;
  }
}

/**
 * The `q` quantile (0..1) of samples counted in LATENCY_BUCKET_BOUNDS_NANOS buckets, in
 * nanoseconds, interpolated linearly within its bucket as Prometheus's `histogram_quantile` does;
 * a quantile in the bucket above the highest bound is that bound (1 s). Undefined without samples.
 */
export function bucketQuantile(counts: ArrayLike<number>, q: number): number | undefined {
  let total = 0;
  for (let i = 0; i < counts.length; i++) total += counts[i] ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let below = 0;
  for (let i = 0; i < counts.length; i++) {
    const count = counts[i] ?? 0;
    if (count > 0 && below + count >= rank) {
      const upper = LATENCY_BUCKET_BOUNDS_NANOS[i];
      if (upper === undefined) return LATENCY_BUCKET_BOUNDS_NANOS[LATENCY_BUCKET_BOUNDS_NANOS.length - 1];
      const lower = i === 0 ? 0 : (LATENCY_BUCKET_BOUNDS_NANOS[i - 1] as number);
      return lower + ((upper - lower) * (rank - below)) / count;
    }
    below += count;
  }
  return LATENCY_BUCKET_BOUNDS_NANOS[LATENCY_BUCKET_BOUNDS_NANOS.length - 1];
}
