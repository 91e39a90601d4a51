import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * Simple moving average of a bar value over a window.
 *
 * 1. Warm after `period` bars; before that no value is emitted.
 * 2. Each later bar moves the window by one and emits the mean.
 *
 * @example
 * - id: sma20
 *   op: sma
 *   from: bars
 *   params: { period: 20 }
 */
export const sma = defineOperator({
  kind: 'feature',
  name: 'sma',
  summary: 'Simple moving average of a bar value over a window.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(20, 'Bars in the window.'),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'sma', input: 'bar', params, outputs: outputKeys(stepId) }),
});
