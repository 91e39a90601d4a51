import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { MAX_PERIOD } from '../feature-program.js';
import { fieldParam, outputKeys, sessionStartParam } from './params.js';

/**
 * Volume-weighted average price of bars, per session or over a rolling window.
 *
 * 1. `window: 0` (default): session VWAP, reset at the first bar of each session (`sessionStartMinute` UTC); warm from the first bar.
 * 2. `window: n`: rolling VWAP over the last n bars; warm after n bars.
 * 3. When the volume in scope is 0 the value is the bar's price.
 *
 * @example
 * - id: vwap
 *   op: vwap
 *   from: bars
 *   params: { window: 0, field: typical }
 */
export const vwap = defineOperator({
  kind: 'feature',
  name: 'vwap',
  summary: 'Volume-weighted average price of bars, per session or over a rolling window.',
  input: 'bar',
  params: Type.Object(
    {
      window: Type.Integer({
        minimum: 0,
        maximum: MAX_PERIOD,
        default: 0,
        description: '0: session VWAP; n: rolling over the last n bars.',
      }),
      sessionStartMinute: sessionStartParam(),
      field: fieldParam('typical'),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'vwap', input: 'bar', params, outputs: outputKeys(stepId) }),
});
