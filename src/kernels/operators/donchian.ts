import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { outputKeys, periodParam } from './params.js';

/**
 * Donchian channel: highest high, lowest low and their midpoint over a window.
 *
 * 1. Warm after `period` bars.
 * 2. Emits `<id>.upper`, `<id>.middle`, `<id>.lower`.
 *
 * @example
 * - id: dc
 *   op: donchian
 *   from: bars
 *   params: { period: 20 }
 */
export const donchian = defineOperator({
  kind: 'feature',
  name: 'donchian',
  summary: 'Donchian channel: highest high, lowest low and their midpoint over a window.',
  input: 'bar',
  params: Type.Object(
    {
      period: periodParam(20, 'Bars in the window.'),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({
    kind: 'donchian',
    input: 'bar',
    params,
    outputs: outputKeys(stepId, ['upper', 'middle', 'lower']),
  }),
});
