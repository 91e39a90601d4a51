import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * Rolling z-score: (x − mean) / population deviation over a window.
 *
 * 1. Warm after `period` bars.
 * 2. 0 when the window is flat (deviation below 1e-12 of the mean).
 *
 * @example
 * - id: z20
 *   op: zscore
 *   from: bars
 *   params: { period: 20 }
 */
export const zscore = defineOperator({
  kind: 'feature',
  name: 'zscore',
  summary: 'Rolling z-score: (x − mean) / population deviation over a window.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(20, 'Bars in the window.', 2),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'zscore', input: 'bar', params, outputs: outputKeys(stepId) }),
});
