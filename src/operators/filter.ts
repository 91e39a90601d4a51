import { Type } from '@sinclair/typebox';
import type { DataType } from '../pipeline/data-types.js';
import { defineOperator, type Step } from '../pipeline/operator.js';
import { checkExpressions, runExpression } from './expression-scope.js';

/**
 * Keeps the messages for which an expression is true.
 *
 * 1. Emits the input message unchanged when `when` is true; drops it otherwise.
 * 2. The expression is checked against the input's fields when the pipeline is compiled.
 *
 * @example
 * - id: liquid
 *   op: filter
 *   from: bars
 *   params: { when: "volume > 500 and close > open" }
 */
export const filter = defineOperator({
  kind: 'transform',
  name: 'filter',
  summary: 'Keeps messages for which an expression is true (e.g. "volume > 500").',
  inputs: 'any',
  output: (_params, inputTypes): DataType => inputTypes[0] ?? 'features',
  params: Type.Object(
    { when: Type.String({ minLength: 1, description: 'Boolean expression over the input fields.' }) },
    { additionalProperties: false },
  ),
  check: (params, context) =>
    checkExpressions([{ where: 'when', text: params.when, type: 'boolean' }], context.inputs),
  create: (params, context): Step => {
    const keep = runExpression<boolean>(params.when, context.inputs, 'boolean');
    return {
      next: (message, emit) => {
        if (keep(message)) emit(message);
      },
    };
  },
});
