import type { Registry } from 'prom-client';
import type { LatencySummary } from '../../store/latency-recorder.js';
import type { StoreStats } from '../../store/store.js';
import { scrapedCounter, scrapedGauge, type Sample } from './scraped.js';

/** What the exporter reads of the store (Store has it). */
export interface MeteredStore {
  readonly stats: StoreStats;
}

/** The recorder's quantiles (ms) as `quantile`-labelled samples in seconds; none before the first commit. */
function quantiles(summary: LatencySummary): Sample[] {
  if (summary.count === 0) return [];
  return [
    [{ quantile: '0.5' }, summary.p50 / 1000],
    [{ quantile: '0.99' }, summary.p99 / 1000],
    [{ quantile: '1' }, summary.max / 1000],
  ];
}

/** The DuckDB store's backlog, throughput and commit latency, read from `store.stats` at scrape time. */
export function registerStoreMetrics(registry: Registry, store: MeteredStore): void {
  const gauge = (name: string, help: string, value: (stats: StoreStats) => number) =>
    scrapedGauge({ registry, name, help, read: () => [[{}, value(store.stats)]] });
  const counter = (name: string, help: string, value: (stats: StoreStats) => number) =>
    scrapedCounter({ registry, name, help, read: () => [[{}, value(store.stats)]] });
  gauge('enigma_store_backlog_rows', 'Rows accepted and not yet committed (the bounded queue).', (s) => s.queueDepth);
  gauge(
    'enigma_store_high_water_mark_rows',
    'Backlog above which the store asks producers to pause.',
    (s) => s.highWaterMark,
  );
  gauge('enigma_store_backpressured', '1 while the backlog is above the high-water mark.', (s) =>
    s.backpressured ? 1 : 0,
  );
  counter('enigma_store_rows_accepted_total', 'Rows accepted into batches (rejects included).', (s) => s.rowsAccepted);
  counter('enigma_store_rows_committed_total', 'Rows durably committed.', (s) => s.rowsCommitted);
  counter('enigma_store_batches_committed_total', 'Batches committed.', (s) => s.batchesCommitted);
  counter('enigma_store_commit_errors_total', 'Commits that failed (retried).', (s) => s.commitErrors);
  counter('enigma_store_rejects_total', 'Rows written to the rejects table.', (s) => s.rejects);
  counter(
    'enigma_store_backpressure_events_total',
    'Times the backlog crossed the high-water mark.',
    (s) => s.backpressureEvents,
  );
  for (const [name, help, pick] of [
    [
      'enigma_store_commit_seconds',
      'Time to commit a batch, sealing to COMMIT, over the last 8,192 commits (quantile 1 is the max).',
      (s: StoreStats) => s.commitMillis,
    ],
    [
      'enigma_store_ack_seconds',
      "Age of a batch's oldest row when its commit returned, over the last 8,192 commits (quantile 1 is the max).",
      (s: StoreStats) => s.ackMillis,
    ],
  ] as const) {
    scrapedGauge({ registry, name, help, labelNames: ['quantile'], read: () => quantiles(pick(store.stats)) });
  }
}
