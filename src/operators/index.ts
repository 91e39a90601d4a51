import {
  atr,
  bollinger,
  cumulativeDelta,
  donchian,
  ema,
  macd,
  orderFlowImbalance,
  rsi,
  realizedVol,
  roc,
  sma,
  stdev,
  tickVwap,
  vwap,
  wilder,
  zscore,
} from '../kernels/operators/index.js';
import type { OperatorDefinition } from '../pipeline/operator.js';
import { OperatorRegistry } from '../pipeline/registry.js';
import { bars } from './bars.js';
import { console } from './console.js';
import { csvReplay } from './csv-replay.js';
import { filter } from './filter.js';
import { join } from './join.js';
import { jsonl } from './jsonl.js';
import { map } from './map.js';
import { publish } from './publish.js';
import { sample } from './sample.js';
import { signalRules } from './signal-rules.js';
import { simulatedMarket } from './simulated-market.js';
import { simulatedSignals } from './simulated-signals.js';
import { subscribe } from './subscribe.js';
import { throttle } from './throttle.js';
import { window } from './window.js';

/** The spine's operators and the feature kernels, by registry key. */
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
  signalRules,
  console,
  jsonl,
  publish,
  sma,
  ema,
  wilder,
  rsi,
  atr,
  bollinger,
  macd,
  stdev,
  zscore,
  vwap,
  tickVwap,
  realizedVol,
  roc,
  donchian,
  orderFlowImbalance,
  cumulativeDelta,
} as const;

export type BuiltInOperators = typeof BUILT_IN_OPERATORS;

/** Every operator the engine ships: the spine's and those of the kernels, gateway, store and risk. */
export const ALL_OPERATORS: readonly OperatorDefinition[] = [...Object.values(BUILT_IN_OPERATORS)];

/** A registry with every shipped operator; user modules add theirs to a clone of it. */
export function createRegistry(): OperatorRegistry {
  return new OperatorRegistry(ALL_OPERATORS);
}
