import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { outputKeys, sessionStartParam } from './params.js';

/**
 * Cumulative delta: running buy minus sell aggressor volume, reset each session.
 *
 * 1. Trades are classified as for orderFlowImbalance.
 * 2. Warm from the first trade; with `reset` the sum restarts at the first trade of each session.
 *
 * @example
 * - id: delta
 *   op: cumulativeDelta
 *   from: ticks
 *   params: { reset: true }
 */
export const cumulativeDelta = defineOperator({
  kind: 'feature',
  name: 'cumulativeDelta',
  summary: 'Cumulative delta: running buy minus sell aggressor volume, reset each session.',
  input: 'tick',
  params: Type.Object(
    {
      reset: Type.Boolean({ default: true, description: 'Restart at each session start.' }),
      sessionStartMinute: sessionStartParam(),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({ kind: 'cumulativeDelta', input: 'tick', params, outputs: outputKeys(stepId) }),
});
