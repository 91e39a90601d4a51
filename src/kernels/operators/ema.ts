import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * Exponential moving average (k = 2/(period+1)), seeded with the SMA of the first period bars.
 *
 * 1. Warm after `period` bars: the first value is the SMA of those bars.
 * 2. Each later bar: ema ← ema + k·(x − ema).
 *
 * @example
 * - id: ema21
 *   op: ema
 *   from: bars
 *   params: { period: 21 }
 */
export const ema = defineOperator({
  kind: 'feature',
  name: 'ema',
  summary: 'Exponential moving average (k = 2/(period+1)), seeded with the SMA of the first period bars.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(21, 'Smoothing period; k = 2/(period+1).'),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'ema', input: 'bar', params, outputs: outputKeys(stepId) }),
});
