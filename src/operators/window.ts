import { Type } from '@sinclair/typebox';
import { availableAt, type Features } from '../core/events.js';
import { defineOperator, type Step } from '../pipeline/operator.js';
import { checkExpressions, runExpression } from './expression-scope.js';
import { RollingWindow } from './rolling-window.js';

const AGGREGATES = ['mean', 'sum', 'min', 'max', 'range', 'stdev', 'first', 'last', 'count'] as const;
type Aggregate = (typeof AGGREGATES)[number];

/**
 * Rolling aggregates of a value over the last `size` messages of each instrument.
 *
 * 1. `value` is an expression over the input (`close`, `high - low`, `ema9 - ema21`).
 * 2. Nothing is emitted until `size` values are held; then one features message per input,
 *    keyed `<step>.<aggregate>` (`stdev` is the sample deviation, n − 1).
 * 3. O(1) amortised per message with no subtraction of values that leave the window, so
 *    rounding never accumulates (see RollingWindow).
 *
 * @example
 * - id: range20
 *   op: window
 *   from: bars
 *   params: { value: "high - low", size: 20, aggregates: [mean, max] }
 */
export const window = defineOperator({
  kind: 'transform',
  name: 'window',
  summary: 'Rolling mean/sum/min/max/range/stdev/first/last/count of an expression over the last N messages.',
  inputs: ['tick', 'bar', 'features', 'signal'],
  output: 'features',
  keyedBySymbol: true,
  fields: (params, context) => params.aggregates.map((aggregate) => `${context.stepId}.${aggregate}`),
  params: Type.Object(
    {
      value: Type.String({ minLength: 1, description: 'Numeric expression, e.g. close or high - low.' }),
      size: Type.Integer({ minimum: 2, maximum: 1_000_000, description: 'Messages in the window.' }),
      aggregates: Type.Array(Type.Union(AGGREGATES.map((name) => Type.Literal(name))), {
        minItems: 1,
        uniqueItems: true,
        default: ['mean'],
      }),
    },
    { additionalProperties: false },
  ),
  check: (params, context) =>
    checkExpressions([{ where: 'value', text: params.value, type: 'number' }], context.inputs),
  create: (params, context): Step<{ symbol: string; ts: number; end?: number }, Features> => {
    const valueOf = runExpression<number>(params.value, context.inputs, 'number');
    const keys = params.aggregates.map((aggregate) => `${context.stepId}.${aggregate}`);
    const window = new RollingWindow(params.size);
    return {
      next: (message, emit) => {
        const value = valueOf(message);
        if (!Number.isFinite(value)) throw new Error(`value '${params.value}' is ${value}`);
        if (!window.push(value)) return;
        const values: Record<string, number> = {};
        params.aggregates.forEach(
          (aggregate, index) => (values[keys[index] as string] = aggregateOf(window, aggregate)),
        );
        emit({ symbol: message.symbol, ts: availableAt(message), values });
      },
    };
  },
});

function aggregateOf(window: RollingWindow, aggregate: Aggregate): number {
  switch (aggregate) {
    case 'mean':
      return window.mean;
    case 'sum':
      return window.sum;
    case 'min':
      return window.min;
    case 'max':
      return window.max;
    case 'range':
      return window.max - window.min;
    case 'stdev':
      return window.stdev;
    case 'first':
      return window.first;
    case 'last':
      return window.last;
    case 'count':
      return window.count;
  }
}
