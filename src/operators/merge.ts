import { Type } from '@sinclair/typebox';
import type { DataType } from '../pipeline/data-types.js';
import { defineOperator, type Step } from '../pipeline/operator.js';

/**
 * Merges several steps of the same kind into one stream, in arrival order.
 *
 * 1. Every input message is emitted unchanged, as it arrives.
 * 2. All inputs must emit the same kind of message (signals from rules and from the Enigma
 *    indicator, say).
 *
 * @example
 * - id: allSignals
 *   op: merge
 *   from: [signals, enigma]
 */
export const merge = defineOperator({
  kind: 'transform',
  name: 'merge',
  summary: 'Merges several steps of the same kind into one stream, in arrival order.',
  inputs: 'any',
  maxInputs: 32,
  output: (_params, inputTypes): DataType => inputTypes[0] ?? 'features',
  params: Type.Object({}, { additionalProperties: false }),
  check: (_params, context) => {
    const kinds = [
      ...new Set(
        context.inputs
          .filter((input) => input.numericFields !== undefined || input.type !== 'features')
          .map((input) => input.type),
      ),
    ];
    return kinds.length > 1
      ? [
          {
            code: 'PIPELINE_TYPE_MISMATCH',
            message: `merges different kinds of message (${kinds.join(', ')}); all inputs must be of one kind`,
          },
        ]
      : [];
  },
  create: (): Step => ({ next: (message, emit) => emit(message) }),
});
