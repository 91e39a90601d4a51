import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * Bollinger bands: SMA ± multiplier × population standard deviation.
 *
 * 1. Warm after `period` bars.
 * 2. Emits `<id>.upper`, `<id>.middle` (the SMA) and `<id>.lower`; the deviation is the population one (divide by period), as Bollinger defined it.
 *
 * @example
 * - id: bb
 *   op: bollinger
 *   from: bars
 *   params: { period: 20, multiplier: 2 }
 */
export const bollinger = defineOperator({
  kind: 'feature',
  name: 'bollinger',
  summary: 'Bollinger bands: SMA ± multiplier × population standard deviation.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(20, 'Bars in the window.', 2),
      multiplier: Type.Number({
        minimum: 0,
        maximum: 100,
        default: 2,
        description: 'Band width in standard deviations.',
      }),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({
    kind: 'bollinger',
    input: 'bar',
    params,
    outputs: outputKeys(stepId, ['upper', 'middle', 'lower']),
  }),
});
