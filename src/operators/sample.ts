import { Type } from '@sinclair/typebox';
import { availableAt } from '../core/events.js';
import { DURATION_PATTERN, parseDuration } from '../core/time.js';
import type { DataType } from '../pipeline/data-types.js';
import { defineOperator, type Step } from '../pipeline/operator.js';

/**
 * The latest message of each instrument per interval of market time.
 *
 * 1. Intervals are aligned to the epoch (a 1m sample covers whole minutes, UTC).
 * 2. The last message of an interval is emitted when a message of a later interval arrives, or
 *    when the stream ends. Intervals without messages emit nothing.
 *
 * @example
 * - id: snapshot
 *   op: sample
 *   from: features
 *   params: { interval: 1m }
 */
export const sample = defineOperator({
  kind: 'transform',
  name: 'sample',
  summary: 'The latest message per instrument per interval of market time (trailing edge).',
  inputs: 'any',
  output: (_params, inputTypes): DataType => inputTypes[0] ?? 'features',
  keyedBySymbol: true,
  params: Type.Object(
    { interval: Type.String({ pattern: DURATION_PATTERN, description: 'e.g. 1s, 1m' }) },
    { additionalProperties: false },
  ),
  create: (params): Step<{ ts: number; end?: number }> => {
    const interval = parseDuration(params.interval);
    let held: { ts: number; end?: number } | undefined;
    return {
      next: (message, emit) => {
        if (held && Math.floor(availableAt(message) / interval) > Math.floor(availableAt(held) / interval))
          emit(held);
        held = message;
      },
      complete: (emit) => {
        if (held) emit(held);
        held = undefined;
      },
    };
  },
});
