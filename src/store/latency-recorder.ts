/** Count and percentiles of recent durations, in milliseconds. */
export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

/**
 * Keeps the last `capacity` durations of a per-batch event (commits: tens per second, never per
 * message) and summarises them on demand.
 */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private count = 0;

  constructor(capacity = 8192) {
    this.samples = new Float64Array(capacity);
  }

  record(millis: number): void {
    this.samples[this.count % this.samples.length] = millis;
    this.count++;
  }

  summary(): LatencySummary {
    const kept = Math.min(this.count, this.samples.length);
    if (kept === 0) return { count: 0, p50: 0, p99: 0, max: 0 };
    const sorted = this.samples.slice(0, kept).sort();
    const at = (q: number): number => sorted[Math.min(kept - 1, Math.ceil(q * kept) - 1)] as number;
    return { count: this.count, p50: at(0.5), p99: at(0.99), max: sorted[kept - 1] as number };
  }
}
