import { Type } from '@sinclair/typebox';
import { availableAt } from '../core/events.js';
import { DURATION_PATTERN, parseDuration } from '../core/time.js';
import type { DataType } from '../pipeline/data-types.js';
import { defineOperator, type Step } from '../pipeline/operator.js';

/**
 * Lets at most one message per instrument through per interval of market time.
 *
 * 1. The first message of an instrument passes; later ones pass once `interval` has elapsed since
 *    the last one that passed (by the messages' own time, a bar's end, so replays behave like
 *    live runs).
 *
 * @example
 * - id: calm
 *   op: throttle
 *   from: signals
 *   params: { interval: 30s }
 */
export const throttle = defineOperator({
  kind: 'transform',
  name: 'throttle',
  summary: 'At most one message per instrument per interval of market time (leading edge).',
  inputs: 'any',
  output: (_params, inputTypes): DataType => inputTypes[0] ?? 'features',
  keyedBySymbol: true,
  params: Type.Object(
    { interval: Type.String({ pattern: DURATION_PATTERN, description: 'e.g. 500ms, 30s, 1m' }) },
    { additionalProperties: false },
  ),
  create: (params): Step<{ ts: number; end?: number }> => {
    const interval = parseDuration(params.interval);
    let last = -Infinity;
    return {
      next: (message, emit) => {
        const ts = availableAt(message);
        if (ts - last < interval) return;
        last = ts;
        emit(message);
      },
    };
  },
});
