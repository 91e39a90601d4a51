import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { MAX_PERIOD } from '../feature-program.js';
import { outputKeys, sessionStartParam } from './params.js';

/**
 * Volume-weighted average trade price, per session or over the last trades.
 *
 * 1. `window: 0` (default): session VWAP, reset at the first trade of each session; warm from the first trade.
 * 2. `window: n`: rolling over the last n trades; warm after n trades.
 *
 * @example
 * - id: tvwap
 *   op: tickVwap
 *   from: ticks
 *   params: { window: 0 }
 */
export const tickVwap = defineOperator({
  kind: 'feature',
  name: 'tickVwap',
  summary: 'Volume-weighted average trade price, per session or over the last trades.',
  input: 'tick',
  params: Type.Object(
    {
      window: Type.Integer({
        minimum: 0,
        maximum: MAX_PERIOD,
        default: 0,
        description: '0: session VWAP; n: rolling over the last n trades.',
      }),
      sessionStartMinute: sessionStartParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'tickVwap', input: 'tick', params, outputs: outputKeys(stepId) }),
});
