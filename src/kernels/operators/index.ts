import type { OperatorDefinition } from '../../pipeline/operator.js';
import { sma } from './sma.js';
import { ema } from './ema.js';
import { wilder } from './wilder.js';
import { rsi } from './rsi.js';
import { atr } from './atr.js';
import { bollinger } from './bollinger.js';
import { macd } from './macd.js';
import { stdev } from './stdev.js';
import { zscore } from './zscore.js';
import { vwap } from './vwap.js';
import { realizedVol } from './realized-vol.js';
import { roc } from './roc.js';
import { donchian } from './donchian.js';
import { orderFlowImbalance } from './order-flow-imbalance.js';
import { cumulativeDelta } from './cumulative-delta.js';
import { tickVwap } from './tick-vwap.js';

/** Every feature operator by registry key: `op: ema`, `op: rsi`, … */
export const FEATURE_OPERATORS_BY_NAME = {
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
  realizedVol,
  roc,
  donchian,
  orderFlowImbalance,
  cumulativeDelta,
  tickVwap,
} as const;

/** Every feature operator, for the registry. */
export const FEATURE_OPERATORS: readonly OperatorDefinition[] = Object.values(FEATURE_OPERATORS_BY_NAME);
