import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * Relative strength index (0–100) with Wilder smoothing of gains and losses.
 *
 * 1. Warm after `period + 1` bars (period changes); the first value uses the mean gain and loss of those changes.
 * 2. Then gains and losses are Wilder-smoothed; RSI = 100 − 100/(1 + gain/loss).
 * 3. 100 when there are no losses in scope, 50 when there are neither gains nor losses.
 *
 * @example
 * - id: rsi14
 *   op: rsi
 *   from: bars
 *   params: { period: 14 }
 */
export const rsi = defineOperator({
  kind: 'feature',
  name: 'rsi',
  summary: 'Relative strength index (0–100) with Wilder smoothing of gains and losses.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(14, 'Wilder smoothing period of gains and losses.'),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'rsi', input: 'bar', params, outputs: outputKeys(stepId) }),
});
