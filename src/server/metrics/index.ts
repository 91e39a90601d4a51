export { createEngineMetrics, type EngineMetrics, type MetricsSources } from './engine-metrics.js';
export { METRICS_PATH, mountMetrics } from './metrics-route.js';
