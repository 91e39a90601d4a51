import type { Micros } from '../core/time.js';

/**
 * What the `slo` and `engine-silent` rules read of a running engine, once a second. Every figure
 * comes from a counter or histogram the engine keeps anyway (src/engine.ts builds the reader), so
 * the rules add nothing to the hot path. Arrays handed out are live: read them, never keep them.
 */
export interface MetricsReader {
  /** The engine's clock (market time in a simulated session): alert times and trading sessions. */
  now(): Micros;
  /** The engine's pipelines, as they are now. */
  pipelines(): readonly ReadablePipeline[];
  /** The store's figures; undefined when the engine keeps no history. */
  store(): ReadableStore | undefined;
  /** Dead letters of every origin (pipelines, gateway, alert deliveries) since the engine started. */
  deadLetters(): number;
  /** The event loop's 99th-percentile delay since the previous call, in nanoseconds (0 before). */
  eventLoopP99Nanos(): number;
}

/** One pipeline's latency buckets (`LatencyHistogram.buckets().counts`) and its steps'. */
export interface ReadablePipeline {
  readonly id: string;
  /** Samples per bucket of LATENCY_BUCKET_BOUNDS_NANOS (the last above the highest bound). */
  readonly latency: Float64Array;
  readonly steps: readonly ReadableStep[];
}

export interface ReadableStep {
  /** The step's id within its pipeline. */
  readonly id: string;
  readonly latency: Float64Array;
  /** Messages the step emitted so far. */
  readonly out: number;
  /** A source step emitting market data (ticks, quotes, bars): what `engine-silent` watches by default. */
  readonly marketSource: boolean;
  /** Any source step (a step `engine-silent` may name). */
  readonly source: boolean;
}

export interface ReadableStore {
  /** Rows accepted and not yet committed. */
  readonly backlogRows: number;
  /** 99th percentile of the recent commits' durations (the store keeps the last 8,192), ms. */
  readonly commitP99Millis: number;
}
