import * as hdr from 'hdr-histogram-js';

let wasmReady = false;

/** Latency summary in microseconds, read from an HDR histogram. */
export interface Percentiles {
  readonly count: number;
  readonly p50: number;
  readonly p99: number;
  readonly p999: number;
  readonly max: number;
}

export const NO_SAMPLES: Percentiles = { count: 0, p50: 0, p99: 0, p999: 0, max: 0 };

/** Highest value recorded: 2 minutes in µs; anything longer is recorded as this. */
const HIGHEST_MICROS = 120_000_000;

/**
 * An HDR histogram of microseconds (3 significant digits, 1 µs to 2 minutes) on the
 * WebAssembly build of hdr-histogram-js, so recording does not allocate in the JavaScript heap.
 */
export class LatencyHistogram {
  private readonly histogram: hdr.Histogram;

  constructor() {
    if (!wasmReady) {
      hdr.initWebAssemblySync();
      wasmReady = true;
    }
    this.histogram = hdr.build({
      useWebAssembly: true,
      lowestDiscernibleValue: 1,
      highestTrackableValue: HIGHEST_MICROS,
      numberOfSignificantValueDigits: 3,
    });
  }

  record(micros: number): void {
    this.histogram.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, Math.round(micros))));
  }

  summary(): Percentiles {
    const h = this.histogram;
    if (h.totalCount === 0) return NO_SAMPLES;
    return {
      count: h.totalCount,
      p50: h.getValueAtPercentile(50),
      p99: h.getValueAtPercentile(99),
      p999: h.getValueAtPercentile(99.9),
      max: h.maxValue,
    };
  }

  destroy(): void {
    this.histogram.destroy();
  }
}

/** Records every sample and returns the summary (for the hiccup meter's samples). */
export function summarise(samples: ArrayLike<number>): Percentiles {
  const histogram = new LatencyHistogram();
  for (let i = 0; i < samples.length; i++) histogram.record(samples[i] as number);
  const result = histogram.summary();
  histogram.destroy();
  return result;
}
