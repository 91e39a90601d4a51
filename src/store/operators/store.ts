import { Type } from '@sinclair/typebox';
import { OperatorError } from '../../core/errors.js';
import type { DataType } from '../../pipeline/data-types.js';
import { defineOperator } from '../../pipeline/operator.js';
import { KIND_OF_TABLE, TABLE_OF_KIND, detectKind } from '../message-kind.js';

const TABLE_NAMES = ['auto', ...Object.values(TABLE_OF_KIND)] as const;

/**
 * Writes every message it reads into the DuckDB store, batched and committed by the store's
 * writer (see `Store`): the sink never waits for the database.
 *
 * 1. `table: auto` (the default) picks the table from the input's kind (tick → ticks,
 *    signal → signals, dead-letter → rejects...); with inputs of several kinds, from each
 *    message's shape.
 * 2. A message the store cannot keep (NaN, negative size, time going backwards, unknown shape)
 *    lands in `rejects` with the reason; nothing is dropped silently.
 * 3. Closing the sink waits until everything it wrote is committed.
 *
 * @example
 * - id: keep
 *   op: store
 *   from: [signals]
 *   params: { table: auto }
 */
export const store = defineOperator({
  kind: 'sink',
  name: 'store',
  summary: 'Persists messages into the DuckDB store (batched commits; bad rows go to `rejects`).',
  inputs: 'any',
  maxInputs: 16,
  params: Type.Object(
    {
      table: Type.Optional(
        Type.Union(
          TABLE_NAMES.map((name) => Type.Literal(name)),
          { default: 'auto', description: 'Target table, or `auto` to choose by message kind.' },
        ),
      ),
    },
    { additionalProperties: false },
  ),
  check: (params, context) => {
    const table = params.table ?? 'auto';
    if (table === 'auto') return [];
    const kind = KIND_OF_TABLE.get(table);
    return context.inputs
      .filter((input) => input.type !== kind)
      .map((input) => ({
        code: 'PIPELINE_TYPE_MISMATCH' as const,
        message: `table '${table}' keeps ${kind ?? 'unknown'} messages, but step '${input.stepId}' emits ${input.type}`,
      }));
  },
  create: (params, context) => {
    const target = context.store;
    if (!target) {
      throw new OperatorError(
        'STORE_NOT_CONFIGURED',
        context.stepId,
        'the store sink needs a database: run with a store (--db <file>)',
      );
    }
    const table = params.table ?? 'auto';
    const kinds = new Set<DataType>(context.inputs.map((input) => input.type));
    const fixed: DataType | undefined =
      table !== 'auto' ? KIND_OF_TABLE.get(table) : kinds.size === 1 ? [...kinds][0] : undefined;
    const origin = `${context.pipelineId}.${context.stepId}`;
    return {
      write(message: unknown): void {
        const kind = fixed ?? detectKind(message);
        if (kind === undefined) {
          target.reject(
            origin,
            'STORE_INVALID_ROW',
            'message of unknown kind: not a known event shape',
            message,
          );
          return;
        }
        target.write(kind, message);
      },
      close: () => target.flush(),
    };
  },
});
