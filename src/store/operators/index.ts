import type { OperatorDefinition } from '../../pipeline/operator.js';
import { duckdbReplay, duckdbReplayBars, duckdbReplaySignals } from './duckdb-replay.js';
import { store } from './store.js';

/** The operators the store contributes to the registry: the `store` sink and the DuckDB replay sources. */
export const STORE_OPERATORS: readonly OperatorDefinition[] = [
  store as OperatorDefinition,
  duckdbReplay as OperatorDefinition,
  duckdbReplayBars as OperatorDefinition,
  duckdbReplaySignals as OperatorDefinition,
];

export { store, duckdbReplay, duckdbReplayBars, duckdbReplaySignals };
