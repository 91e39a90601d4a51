import { collectDefaultMetrics, Registry } from 'prom-client';
import type { MessageBus } from '../../bus/bus.js';
import { registerAccountMetrics, type MeteredAccounts } from './account-metrics.js';
import { registerGatewayMetrics, type MeteredGateway } from './gateway-metrics.js';
import { registerPipelineMetrics, type MeteredPipeline } from './pipeline-metrics.js';
import { registerStoreMetrics, type MeteredStore } from './store-metrics.js';
import { registerTradingCounters } from './trading-counters.js';

/** The parts of a running engine the exporter reads; each is optional but the bus and pipelines. */
export interface MetricsSources {
  readonly bus: MessageBus;
  /** The engine's pipeline runs, asked at each scrape (pipelines added later appear). */
  pipelines(): readonly MeteredPipeline[];
  readonly store?: MeteredStore;
  readonly gateway?: MeteredGateway;
  readonly accounts?: MeteredAccounts;
}

export interface EngineMetrics {
  /** Every metric of the engine; `await registry.metrics()` is the text exposition. */
  readonly registry: Registry;
  /** Stops counting bus traffic (the bus closing does it too). */
  close(): void;
}

/**
 * The engine's Prometheus metrics: pipeline steps, store, gateway and accounts read at scrape time,
 * order counters fed from the bus, and prom-client's default process metrics (CPU, memory, heap,
 * event-loop delay, GC), which stock Node.js dashboards read. One registry per engine.
 */
export function createEngineMetrics(sources: MetricsSources): EngineMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  registerPipelineMetrics(registry, sources.pipelines);
  if (sources.store) registerStoreMetrics(registry, sources.store);
  if (sources.gateway) registerGatewayMetrics(registry, sources.gateway);
  if (sources.accounts) registerAccountMetrics(registry, sources.accounts);
  const subscriptions = registerTradingCounters(registry, sources.bus);
  return {
    registry,
    close: () => {
      for (const subscription of subscriptions) subscription.unsubscribe();
    },
  };
}
