import { Type } from '@sinclair/typebox';
import type { Features } from '../core/events.js';
import { MESSAGE_FIELDS } from '../pipeline/data-types.js';
import { defineOperator, type InputInfo, type Step } from '../pipeline/operator.js';

/** The feature keys a join input contributes: features as they are, bars as `<step>.<field>`. */
function contributedKeys(input: InputInfo): string[] {
  if (input.type === 'features') return [...(input.numericFields ?? [])];
  return (MESSAGE_FIELDS.bar?.numeric ?? [])
    .filter((field) => field !== 'ts' && field !== 'end')
    .map((field) => `${input.stepId}.${field}`);
}

/**
 * Latest-of join: merges the newest values of several steps, per instrument, into one features
 * message.
 *
 * 1. Nothing is emitted for an instrument until every input has produced a value for it.
 * 2. Then every input message emits the merged values, with that message's time.
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
  create: (_params, context): Step<{ symbol: string; ts: number }, Features> => {
    const inputs = context.inputs;
    const latest: (Readonly<Record<string, number>> | undefined)[] = inputs.map(() => undefined);
    let missing = inputs.length;
    const barKeys = inputs.map((input) => (input.type === 'bar' ? contributedKeys(input) : []));
    const barFields = (MESSAGE_FIELDS.bar?.numeric ?? []).filter(
      (field) => field !== 'ts' && field !== 'end',
    );
    return {
      next: (message, emit, index) => {
        const input = inputs[index];
        let values: Readonly<Record<string, number>>;
        if (input?.type === 'bar') {
          const bar = message as unknown as Record<string, number>;
          const keys = barKeys[index] ?? [];
          const record: Record<string, number> = {};
          barFields.forEach((field, i) => (record[keys[i] as string] = bar[field] as number));
          values = record;
        } else {
          values = (message as unknown as Features).values;
        }
        if (latest[index] === undefined) missing--;
        latest[index] = values;
        if (missing > 0) return;
        emit({
          symbol: message.symbol,
          ts: message.ts,
          values: Object.assign({}, ...latest) as Record<string, number>,
        });
      },
    };
  },
});
