import type { OperatorDefinition } from '../../pipeline/operator.js';
import { duckdbReplay, duckdbReplayBars, duckdbReplaySignals } from './duckdb-replay.js';
import { store } from './store.js';

/** The operators the store contributes to the registry: the `store` sink and the DuckDB replay sources. */
export const STORE_OPERATORS: readonly OperatorDefinition[] = [
  store,
  duckdbReplay,
  duckdbReplayBars,
  duckdbReplaySignals,
];

export { store, duckdbReplay, duckdbReplayBars, duckdbReplaySignals };
