import { Type } from '@sinclair/typebox';
import { availableAt, type Features } from '../core/events.js';
import { MESSAGE_FIELDS } from '../pipeline/data-types.js';
import { defineOperator, type InputInfo, type Step } from '../pipeline/operator.js';

/** The bar fields a join takes in: prices and volumes, not times. */
const BAR_FIELDS = (MESSAGE_FIELDS.bar?.numeric ?? []).filter((field) => field !== 'ts' && field !== 'end');

/** The feature keys a join input contributes: features as they are, bars as `<step>.<field>`. */
function contributedKeys(input: InputInfo): string[] {
  if (input.type === 'features') return [...(input.numericFields ?? [])];
  return BAR_FIELDS.map((field) => `${input.stepId}.${field}`);
}

/**
 * Latest-of join: merges the newest values of several steps, per instrument, into one features
 * message.
 *
 * 1. Nothing is emitted for an instrument until every input has produced a value for it.
 * 2. Then each source message that updates any input emits one merged message, after the whole
 *    update has gone through the graph (no glitches: a bar and the features computed from it
 *    arrive together), stamped with the latest input time (a bar's end).
 * 3. Bars contribute `<step>.open`, `.high`, `.low`, `.close`, `.volume`, ...; features their own keys.
 *
 * @example
 * - id: features
 *   op: join
 *   from: [bars, ema9, ema21, rsi14]
 */
export const join = defineOperator({
  kind: 'transform',
  name: 'join',
  summary:
    'Latest-of join: merges the newest values of several steps per instrument into one features message.',
  inputs: ['features', 'bar'],
  maxInputs: 32,
  output: 'features',
  keyedBySymbol: true,
  fields: (_params, context) => [...new Set(context.inputs.flatMap(contributedKeys))],
  params: Type.Object({}, { additionalProperties: false }),
  create: (_params, context): Step<{ symbol: string; ts: number; end?: number }, Features> => {
    const inputs = context.inputs;
    const latest: (Readonly<Record<string, number>> | undefined)[] = inputs.map(() => undefined);
    let missing = inputs.length;
    let symbol = '';
    let ts = -Infinity;
    const barKeys = inputs.map((input) => (input.type === 'bar' ? contributedKeys(input) : []));
    return {
      next: (message, _emit, index) => {
        const keys = barKeys[index] ?? [];
        let values: Readonly<Record<string, number>>;
        if (keys.length > 0) {
          const bar = message as unknown as Record<string, number>;
          const record: Record<string, number> = {};
          BAR_FIELDS.forEach((field, i) => (record[keys[i] as string] = bar[field] as number));
          values = record;
        } else {
          values = (message as unknown as Features).values;
        }
        if (latest[index] === undefined) missing--;
        latest[index] = values;
        symbol = message.symbol;
        ts = Math.max(ts, availableAt(message));
      },
      endOfTurn: (emit) => {
        if (missing > 0) return;
        emit({ symbol, ts, values: Object.assign({}, ...latest) as Record<string, number> });
      },
    };
  },
});
