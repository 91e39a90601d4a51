import { Type } from '@sinclair/typebox';
import { availableAt, type Features } from '../core/events.js';
import type { DataType } from '../pipeline/data-types.js';
import { defineOperator, type CheckProblem, type Step } from '../pipeline/operator.js';
import { checkExpressions, runExpression } from './expression-scope.js';

const DATA_TYPES = [
  'tick',
  'bar',
  'features',
  'signal',
  'order-intent',
  'order',
  'fill',
  'position',
  'account',
  'risk-state',
  'alert',
] as const;

/**
 * Computes new values from each message, by expressions or by a function from a user module.
 *
 * 1. With `values`, emits features keyed `<step>.<name>` with the message's symbol and time
 *    (a bar's end).
 * 2. With `fn`, emits what the function returns (nothing for undefined); `output` declares its kind.
 * 3. A value that is not a finite number is sent to the dead-letter stream instead of downstream.
 *
 * @example
 * - id: derived
 *   op: map
 *   from: bars
 *   params: { values: { range: "high - low", body: "abs(close - open)" } }
 */
export const map = defineOperator({
  kind: 'transform',
  name: 'map',
  summary: 'New values per message by expressions (values: {name: expr}) or by a user function (fn).',
  inputs: 'any',
  output: (params, inputTypes): DataType =>
    params.fn !== undefined ? (params.output ?? inputTypes[0] ?? 'features') : 'features',
  fields: (params, context) => Object.keys(params.values ?? {}).map((name) => `${context.stepId}.${name}`),
  params: Type.Object(
    {
      values: Type.Optional(
        Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), Type.String({ minLength: 1 }), {
          description: 'Name → numeric expression.',
        }),
      ),
      fn: Type.Optional(
        Type.String({
          minLength: 1,
          description: 'Name of a function exported by one of the pipeline modules.',
        }),
      ),
      output: Type.Optional(
        Type.Union(
          DATA_TYPES.map((type) => Type.Literal(type)),
          { description: 'Kind of message fn returns (default: the input kind).' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  check: (params, context) => {
    if ((params.values === undefined) === (params.fn === undefined)) {
      return [
        {
          code: 'PIPELINE_BAD_PARAMS',
          message: 'give exactly one of `values` (expressions) or `fn` (a module function)',
        },
      ];
    }
    if (params.fn !== undefined && !context.functions.has(params.fn)) {
      const known = [...context.functions.keys()].join(', ') || 'none: add `modules:` to the pipeline';
      return [
        {
          code: 'PIPELINE_BAD_PARAMS',
          message: `fn: no module exports a function '${params.fn}' (known: ${known})`,
        },
      ];
    }
    const expressions = Object.entries(params.values ?? {}).map(([name, text]) => ({
      where: `values.${name}`,
      text,
      type: 'number' as const,
    }));
    return checkExpressions(expressions, context.inputs) as CheckProblem[];
  },
  create: (params, context): Step => {
    const fn = params.fn !== undefined ? context.functions.get(params.fn) : undefined;
    if (fn) {
      return {
        next: (message, emit) => {
          const result = fn(message);
          if (result !== undefined) emit(result);
        },
      };
    }
    const entries = Object.entries(params.values ?? {}).map(([name, text]) => ({
      key: `${context.stepId}.${name}`,
      evaluate: runExpression<number>(text, context.inputs, 'number'),
    }));
    return {
      next: (message, emit) => {
        const { symbol } = message as { symbol: string };
        const ts = availableAt(message as { ts: number; end?: number });
        const values: Record<string, number> = {};
        for (const { key, evaluate } of entries) {
          const value = evaluate(message);
          if (!Number.isFinite(value)) throw new Error(`${key} is ${value}`);
          values[key] = value;
        }
        emit({ symbol, ts, values } satisfies Features);
      },
    };
  },
});
