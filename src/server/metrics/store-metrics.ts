import type { Registry } from 'prom-client';
import type { LatencySummary } from '../../store/latency-recorder.js';
import type { StoreStats } from '../../store/store.js';
import { scrapedCounter, scrapedGauge } from './scraped.js';

/** What the exporter reads of the store (Store has it). */
export interface MeteredStore {
  readonly stats: StoreStats;
}

/** The DuckDB store's backlog, throughput and commit latency, read from `store.stats` at scrape time. */
export function registerStoreMetrics(registry: Registry, store: MeteredStore): void {
  const gauge = (name: string, help: string, value: (stats: StoreStats) => number) =>
    scrapedGauge({ registry, name, help, read: () => [[{}, value(store.stats)]] });
  const counter = (name: string, help: string, value: (stats: StoreStats) => number) =>
    scrapedCounter({ registry, name, help, read: () => [[{}, value(store.stats)]] });
  gauge(
    'enigma_store_backlog_rows',
    'Rows accepted and not yet committed (the bounded queue).',
    (s) => s.queueDepth,
  );
  gauge(
    'enigma_store_high_water_mark_rows',
    'Backlog above which the store asks producers to pause.',
    (s) => s.highWaterMark,
  );
  gauge('enigma_store_backpressured', '1 while the backlog is above the high-water mark.', (s) =>
    s.backpressured ? 1 : 0,
  );
  counter(
    'enigma_store_rows_accepted_total',
    'Rows accepted into batches (rejects included).',
    (s) => s.rowsAccepted,
  );
  counter('enigma_store_rows_committed_total', 'Rows durably committed.', (s) => s.rowsCommitted);
  counter('enigma_store_batches_committed_total', 'Batches committed.', (s) => s.batchesCommitted);
  counter('enigma_store_commit_errors_total', 'Commits that failed (retried).', (s) => s.commitErrors);
  counter('enigma_store_rejects_total', 'Rows written to the rejects table.', (s) => s.rejects);
  counter(
    'enigma_store_backpressure_events_total',
    'Times the backlog crossed the high-water mark.',
    (s) => s.backpressureEvents,
  );
  // Separate gauges, not a summary: the recorder keeps recent durations, not their running sum.
  const latency = (name: string, what: string, pick: (stats: StoreStats) => LatencySummary) => {
    for (const [suffix, label, value] of [
      ['p50', 'median', (l: LatencySummary) => l.p50],
      ['p99', '99th percentile', (l: LatencySummary) => l.p99],
      ['max', 'maximum', (l: LatencySummary) => l.max],
    ] as const) {
      scrapedGauge({
        registry,
        name: `${name}_${suffix}_seconds`,
        help: `${what}: the ${label} over the last 8,192 commits (0 before the first).`,
        read: () => [[{}, value(pick(store.stats)) / 1000]],
      });
    }
  };
  latency(
    'enigma_store_commit',
    'Time to commit a batch, from sealing it to COMMIT returning',
    (s) => s.commitMillis,
  );
  latency('enigma_store_ack', "Age of a batch's oldest row when its commit returned", (s) => s.ackMillis);
}
