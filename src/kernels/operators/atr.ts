import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { outputKeys, periodParam } from './params.js';

/**
 * Average true range: Wilder-smoothed true range, in price points.
 *
 * 1. The first bar's true range is high − low; later ones max(high − low, |high − prev close|, |low − prev close|).
 * 2. Warm after `period` bars: the first value is the mean true range of those bars, then Wilder smoothing.
 *
 * @example
 * - id: atr14
 *   op: atr
 *   from: bars
 *   params: { period: 14 }
 */
export const atr = defineOperator({
  kind: 'feature',
  name: 'atr',
  summary: 'Average true range: Wilder-smoothed true range, in price points.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(14, 'Wilder smoothing period of the true range.'),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'atr', input: 'bar', params, outputs: outputKeys(stepId) }),
});
