import { Type } from '@sinclair/typebox';
import type { Signal } from '../core/events.js';
import { isoFromMicros } from '../core/time.js';
import { defineOperator, type Sink } from '../pipeline/operator.js';

function describeSignal(signal: Signal): string {
  const stop = signal.stop === undefined ? '' : ` stop ${signal.stop}`;
  const targets = signal.targets === undefined ? '' : ` targets ${signal.targets.join('/')}`;
  return `${isoFromMicros(signal.ts)} ${signal.symbol} ${signal.direction.toUpperCase()} ${signal.strength} power ${signal.power} confluence ${signal.confluence} @ ${signal.price}${stop}${targets} [${signal.source}]`;
}

/**
 * Prints messages on standard output: signals as one readable line each, everything else as JSON.
 *
 * 1. `format: json` prints every message as one line of JSON.
 *
 * @example
 * - id: show
 *   op: console
 *   from: signals
 */
export const console = defineOperator({
  kind: 'sink',
  name: 'console',
  summary: 'Prints messages on standard output (signals as readable lines, the rest as JSON).',
  inputs: 'any',
  maxInputs: 16,
  params: Type.Object(
    { format: Type.Union([Type.Literal('text'), Type.Literal('json')], { default: 'text' }) },
    { additionalProperties: false },
  ),
  create: (params): Sink => ({
    write: (message) => {
      const signal = message as Signal;
      const text =
        params.format === 'text' &&
        typeof signal.direction === 'string' &&
        typeof signal.confluence === 'number'
          ? describeSignal(signal)
          : JSON.stringify(message);
      process.stdout.write(`${text}\n`);
    },
    close: async () => undefined,
  }),
});
