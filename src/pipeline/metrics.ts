import hdr from 'hdr-histogram-js';

hdr.initWebAssemblySync();

/** Up to one hour in nanoseconds, three significant digits. */
const HIGHEST_NANOS = 3_600_000_000_000;

/**
 * Upper bounds (ns) of the fixed buckets counted beside the HDR histogram, for Prometheus
 * (`/metrics`): 1-2-5 steps from 500 ns to 1 s, so a step's microseconds are resolved. Reading
 * them costs nothing at scrape time; deriving them from the HDR counts took 1 to 15 ms a histogram.
 */
export const LATENCY_BUCKET_BOUNDS_NANOS: readonly number[] = [
  500, 1e3, 2e3, 5e3, 1e4, 2e4, 5e4, 1e5, 2e5, 5e5, 1e6, 2e6, 5e6, 1e7, 2e7, 5e7, 1e8, 2.5e8, 5e8, 1e9,
];

/** The bounds as doubles, for the record loop. */
const BOUNDS = Float64Array.from(LATENCY_BUCKET_BOUNDS_NANOS);

/** Samples per bucket (not cumulative; the last is above the highest bound) and their sum. */
export interface LatencyBuckets {
  readonly counts: Float64Array;
  readonly sumNanos: number;
}

/**
 * A latency histogram in nanoseconds, on hdr-histogram-js's WebAssembly build (≈ 20 ns per
 * record, against ≈ 100 ns in its JavaScript mode), plus fixed buckets for Prometheus (≈ 50 ns
 * more per record, paid by the timed sample only: one message in SAMPLE_EVERY). Call `destroy()`
 * when done: it frees WASM memory (the fixed buckets stay readable).
 */
export class LatencyHistogram {
  private readonly bucketCounts = new Float64Array(LATENCY_BUCKET_BOUNDS_NANOS.length + 1);
  private sumNanos = 0;
  private readonly histogram = hdr.build({
    useWebAssembly: true,
    lowestDiscernibleValue: 1,
    highestTrackableValue: HIGHEST_NANOS,
    numberOfSignificantValueDigits: 3,
  });

  record(nanos: number): void {
    const value = nanos < 1 ? 1 : nanos > HIGHEST_NANOS ? HIGHEST_NANOS : Math.round(nanos);
    this.histogram.recordValue(value);
    this.sumNanos += value;
    let bucket = 0;
    while (bucket < BOUNDS.length && value > (BOUNDS[bucket] as number)) bucket++;
    this.bucketCounts[bucket] = (this.bucketCounts[bucket] as number) + 1;
  }

  /** The fixed buckets, live (read them, do not keep them). */
  buckets(): LatencyBuckets {
    return { counts: this.bucketCounts, sumNanos: this.sumNanos };
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  percentile(p: number): number {
    return this.histogram.totalCount === 0 ? 0 : this.histogram.getValueAtPercentile(p);
  }

  get max(): number {
    return this.histogram.maxValue;
  }

  reset(): void {
    this.histogram.reset();
    this.bucketCounts.fill(0);
    this.sumNanos = 0;
  }

  destroy(): void {
    this.histogram.destroy();
  }
}

/**
 * Only one message in SAMPLE_EVERY is timed: reading the clock costs ≈ 95 ns here, and a timed
 * message needs up to four reads per step. At 1M messages/s that still gives ≈ 4,000 samples a
 * second per step; the other messages cost a counter.
 */
export const SAMPLE_EVERY = 256;
const SAMPLE_MASK = SAMPLE_EVERY - 1;

/**
 * Whether the n-th message (from 1) of a step is timed: the first SAMPLE_EVERY messages all are,
 * so slow, rare steps (bars, signals) have figures too; after that one in SAMPLE_EVERY.
 */
export function isTimed(n: number): boolean {
  return (n & SAMPLE_MASK) === 0 || n <= SAMPLE_EVERY;
}

export interface StepMetricsSnapshot {
  readonly step: string;
  readonly in: number;
  readonly out: number;
  readonly errors: number;
  readonly deadLettered: number;
  /** Messages timed for the percentiles. */
  readonly timed: number;
  /** Processing time of the step itself (downstream work excluded), from the timed sample. */
  readonly p50Nanos: number;
  readonly p99Nanos: number;
  readonly maxNanos: number;
}

/** Counters and latency of one step, readable while the pipeline runs. */
export class StepMetrics {
  in = 0;
  out = 0;
  errors = 0;
  deadLettered = 0;
  readonly latency = new LatencyHistogram();

  constructor(readonly step: string) {}

  snapshot(): StepMetricsSnapshot {
    return {
      step: this.step,
      in: this.in,
      out: this.out,
      errors: this.errors,
      deadLettered: this.deadLettered,
      timed: this.latency.count,
      p50Nanos: this.latency.percentile(50),
      p99Nanos: this.latency.percentile(99),
      maxNanos: this.latency.max,
    };
  }
}

/** Whether one feature step has produced a value yet, and how much input it has had. */
export interface FeatureWarmUpSnapshot {
  /** The feature step's id, e.g. `channel`. */
  readonly step: string;
  /** True once the feature has a value for at least one instrument. */
  readonly warm: boolean;
  /** Most bars (or ticks) one instrument has fed the feature so far. */
  readonly inputs: number;
  readonly unit: 'bar' | 'tick';
}

/**
 * Warm-up of the feature steps of one fused group. The group emits only once every member is
 * warm; until then a member's outputs are NaN, which is how each member's own warmth is read.
 * Costs nothing once the whole group is warm.
 */
export class FeatureWarmUp {
  private readonly warm: boolean[];
  private readonly counts: number[] = [];
  private inputs = 0;
  private cold: number;

  /** `offsets[i]`: where step i's first output sits in the group's output vector. */
  constructor(
    private readonly steps: readonly string[],
    private readonly offsets: readonly number[],
    private readonly unit: 'bar' | 'tick',
  ) {
    this.warm = steps.map(() => false);
    this.cold = steps.length;
  }

  /** False once every member is warm: callers skip `observe` from then on. */
  get warming(): boolean {
    return this.cold > 0;
  }

  /** After one update of the instrument in `slot`: `values` is the output vector, `ready` the kernel's verdict. */
  observe(slot: number, values: Float64Array, ready: boolean): void {
    const count = (this.counts[slot] ?? 0) + 1;
    this.counts[slot] = count;
    if (count > this.inputs) this.inputs = count;
    for (let i = 0; i < this.steps.length; i++) {
      if (this.warm[i] || (!ready && Number.isNaN(values[this.offsets[i] ?? 0]))) continue;
      this.warm[i] = true;
      this.cold--;
    }
  }

  snapshot(): FeatureWarmUpSnapshot[] {
    return this.steps.map((step, i) => ({
      step,
      warm: this.warm[i] ?? false,
      inputs: this.inputs,
      unit: this.unit,
    }));
  }
}
