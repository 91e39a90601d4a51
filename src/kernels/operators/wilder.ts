import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * Wilder's smoothing (RMA, k = 1/period), seeded with the SMA of the first period bars.
 *
 * 1. Warm after `period` bars: the first value is the SMA of those bars.
 * 2. Each later bar: value ← value + (x − value)/period.
 *
 * @example
 * - id: rma14
 *   op: wilder
 *   from: bars
 *   params: { period: 14 }
 */
export const wilder = defineOperator({
  kind: 'feature',
  name: 'wilder',
  summary: "Wilder's smoothing (RMA, k = 1/period), seeded with the SMA of the first period bars.",
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(14, 'Smoothing period; k = 1/period.'),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'wilder', input: 'bar', params, outputs: outputKeys(stepId) }),
});
