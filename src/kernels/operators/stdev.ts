import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * Rolling standard deviation of a bar value, population or sample.
 *
 * 1. Warm after `period` bars.
 * 2. Welford updates with an exact recomputation every `period` bars; a window flatter than 1e-12 of its mean reads 0.
 *
 * @example
 * - id: sd20
 *   op: stdev
 *   from: bars
 *   params: { period: 20, sample: true }
 */
export const stdev = defineOperator({
  kind: 'feature',
  name: 'stdev',
  summary: 'Rolling standard deviation of a bar value, population or sample.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(20, 'Bars in the window.', 2),
      sample: Type.Boolean({
        default: false,
        description: 'true: sample deviation (divide by period − 1); false: population (divide by period).',
      }),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'stdev', input: 'bar', params, outputs: outputKeys(stepId) }),
});
