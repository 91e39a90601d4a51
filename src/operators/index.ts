import { FEATURE_OPERATORS_BY_NAME } from '../kernels/operators/index.js';
import type { OperatorDefinition } from '../pipeline/operator.js';
import { ninjatrader } from '../gateway/operators/ninjatrader.js';
import { kelly } from '../risk/operators/index.js';
import { duckdbReplay, duckdbReplayBars, duckdbReplaySignals, store } from '../store/operators/index.js';
import { OperatorRegistry } from '../pipeline/registry.js';
import { bars } from './bars.js';
import { console } from './console.js';
import { csvReplay } from './csv-replay.js';
import { filter } from './filter.js';
import { join } from './join.js';
import { jsonl } from './jsonl.js';
import { map } from './map.js';
import { merge } from './merge.js';
import { publish } from './publish.js';
import { sample } from './sample.js';
import { signalRules } from './signal-rules.js';
import { simulatedMarket } from './simulated-market.js';
import { simulatedSignals } from './simulated-signals.js';
import { subscribe } from './subscribe.js';
import { throttle } from './throttle.js';
import { window } from './window.js';

/**
 * Every operator the engine ships, by registry key: the spine's, the feature kernels, sizing,
 * storage and the NinjaTrader gateway. This file is the registry: the one place that gathers
 * operators from every area (operator implementations themselves never import engines).
 */
export const BUILT_IN_OPERATORS = {
  simulatedMarket,
  simulatedSignals,
  csvReplay,
  subscribe,
  bars,
  filter,
  map,
  throttle,
  sample,
  window,
  join,
  merge,
  signalRules,
  console,
  jsonl,
  publish,
  ...FEATURE_OPERATORS_BY_NAME,
  kelly,
  ninjatrader,
  store,
  duckdbReplay,
  duckdbReplayBars,
  duckdbReplaySignals,
} as const;

export type BuiltInOperators = typeof BUILT_IN_OPERATORS;

/**
 * Every shipped operator as a list. Orders leave the engine only through the risk engine, so the
 * gateway's raw order sink (`ninjatraderOrders`, a test and bench route) is not shipped.
 */
export const ALL_OPERATORS: readonly OperatorDefinition[] = Object.values(BUILT_IN_OPERATORS);

/** A registry with every shipped operator; user modules add theirs to a clone of it. */
export function createRegistry(): OperatorRegistry {
  return new OperatorRegistry(ALL_OPERATORS);
}
