import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * Realized volatility: root mean square of log returns over a window, optionally annualized.
 *
 * 1. Warm after `period + 1` bars (period returns).
 * 2. value = √(annualization × Σ r² / period), r = ln(x / previous x); a return touching a non-positive price counts as 0.
 *
 * @example
 * - id: rv20
 *   op: realizedVol
 *   from: bars
 *   params: { period: 20, annualization: 252 }
 */
export const realizedVol = defineOperator({
  kind: 'feature',
  name: 'realizedVol',
  summary: 'Realized volatility: root mean square of log returns over a window, optionally annualized.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(20, 'Returns in the window.'),
      annualization: Type.Number({
        exclusiveMinimum: 0,
        maximum: 1e9,
        default: 1,
        description: 'Periods per year to annualize (252 for daily bars); 1 leaves it per bar.',
      }),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'realizedVol', input: 'bar', params, outputs: outputKeys(stepId) }),
});
