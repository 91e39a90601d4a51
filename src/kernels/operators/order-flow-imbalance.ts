import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { outputKeys, periodParam } from './params.js';

/**
 * Order-flow imbalance (buy − sell)/(buy + sell) aggressor volume over the last trades.
 *
 * 1. Each trade is a buy or a sell by its aggressor side; when the feed does not say, a trade at or above the ask is a buy and at or below the bid a sell (otherwise neutral).
 * 2. Warm after `period` trades; the value is in [−1, 1] and 0 when no volume is classified.
 *
 * @example
 * - id: ofi
 *   op: orderFlowImbalance
 *   from: ticks
 *   params: { period: 200 }
 */
export const orderFlowImbalance = defineOperator({
  kind: 'feature',
  name: 'orderFlowImbalance',
  summary: 'Order-flow imbalance (buy − sell)/(buy + sell) aggressor volume over the last trades.',
  input: 'tick',
  params: Type.Object(
    {
      period: periodParam(200, 'Trades in the window.'),
    },
    { additionalProperties: false },
  ),
  spec: (params, stepId) => ({
    kind: 'orderFlowImbalance',
    input: 'tick',
    params,
    outputs: outputKeys(stepId),
  }),
});
