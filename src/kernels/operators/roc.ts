import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * Rate of change in percent over a number of bars.
 *
 * 1. Warm after `period + 1` bars.
 * 2. value = 100 × (x − x[period bars ago]) / x[period bars ago]; 0 when the old value is 0.
 *
 * @example
 * - id: roc10
 *   op: roc
 *   from: bars
 *   params: { period: 10 }
 */
export const roc = defineOperator({
  kind: 'feature',
  name: 'roc',
  summary: 'Rate of change in percent over a number of bars.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(10, 'Bars to look back.'),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'roc', input: 'bar', params, outputs: outputKeys(stepId) }),
});
