import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { LATENCY_BUCKET_BOUNDS_NANOS, type LatencyBuckets } from '../../pipeline/metrics.js';

/** Label values of one series. */
export type Labels = Readonly<Record<string, string>>;

/** One series' labels and its value, as read from the engine at scrape time. */
export type Sample = readonly [labels: Labels, value: number];

interface ScrapedConfig<S> {
  readonly registry: Registry;
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  /** Called once per scrape; never on the engine's hot path. */
  readonly read: () => Iterable<S>;
}

/** A gauge whose series are read from the engine at each scrape (nothing is kept between scrapes). */
export function scrapedGauge(config: ScrapedConfig<Sample>): Gauge {
  const { registry, name, help, labelNames = [], read } = config;
  return new Gauge({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.set(labels, value);
    },
  });
}

/** A counter read from a running total the engine keeps (a step's messages, the store's rows). */
export function scrapedCounter(config: ScrapedConfig<Sample>): Counter {
  const { registry, name, help, labelNames = [], read } = config;
  return new Counter({
    name,
    help,
    labelNames,
    registers: [registry],
    collect() {
      this.reset();
      for (const [labels, value] of read()) this.inc(labels, value);
    },
  });
}

/** The bucket bounds in seconds, as the `le` labels show them. */
const BOUNDS_SECONDS = LATENCY_BUCKET_BOUNDS_NANOS.map((nanos) => nanos / 1e9);

interface HistogramValue {
  readonly labels: Record<string, string | number>;
  readonly value: number;
  readonly metricName: string;
}

/**
 * A Prometheus histogram (seconds) over the fixed buckets the engine's latency histograms count
 * (pipeline/metrics.ts). prom-client's Histogram only observes values one by one, so the
 * exposition is built here from the counts; series with the same labels are added up.
 */
export class ScrapedLatencyHistogram extends Histogram {
  private readonly metricName: string;
  private readonly metricHelp: string;

  constructor(private readonly config: ScrapedConfig<readonly [Labels, LatencyBuckets]>) {
    super({
      name: config.name,
      help: config.help,
      labelNames: config.labelNames ?? [],
      buckets: BOUNDS_SECONDS,
      registers: [config.registry],
    });
    this.metricName = config.name;
    this.metricHelp = config.help;
  }

  /** What prom-client's registry reads to write the text exposition. */
  getForPromString() {
    const merged = new Map<string, { labels: Labels; counts: number[]; sumNanos: number }>();
    for (const [labels, buckets] of this.config.read()) {
      const key = JSON.stringify(labels);
      const entry = merged.get(key) ?? {
        labels,
        counts: new Array<number>(buckets.counts.length).fill(0),
        sumNanos: 0,
      };
      buckets.counts.forEach((count, i) => (entry.counts[i] = (entry.counts[i] ?? 0) + count));
      entry.sumNanos += buckets.sumNanos;
      merged.set(key, entry);
    }
    const values: HistogramValue[] = [];
    for (const { labels, counts, sumNanos } of merged.values()) {
      let cumulative = 0;
      counts.forEach((count, i) => {
        cumulative += count;
        const le = BOUNDS_SECONDS[i] ?? '+Inf';
        values.push({
          labels: { ...labels, le },
          value: cumulative,
          metricName: `${this.metricName}_bucket`,
        });
      });
      values.push({ labels, value: sumNanos / 1e9, metricName: `${this.metricName}_sum` });
      values.push({ labels, value: cumulative, metricName: `${this.metricName}_count` });
    }
    return Promise.resolve({
      name: this.metricName,
      help: this.metricHelp,
      type: 'histogram' as const,
      values,
      aggregator: 'sum' as const,
      collect: () => undefined,
    });
  }

  /** The same for `registry.getMetricsAsJSON()`; prom-client types `type` as a numeric enum its runtime never uses. */
  override get(): ReturnType<Histogram['get']> {
    return this.getForPromString() as unknown as ReturnType<Histogram['get']>;
  }
}
