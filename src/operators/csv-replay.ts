import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineOperator } from '../pipeline/operator.js';
import { readCsvTicks, TICK_CSV_HEADER } from '../sources/csv-ticks.js';

/**
 * Replays ticks from a CSV file (`ts,symbol,price,size,bid,ask,side`, ts in epoch microseconds).
 *
 * 1. Ticks are emitted in file order, prices rounded to the instrument's tick.
 * 2. A bad row (wrong field count, NaN, size ≤ 0, unknown symbol, time going backwards for its
 *    instrument, time outside 1980–2100) goes to the dead-letter stream with its reason; the
 *    replay goes on.
 * 3. A missing file, a wrong header or a first row whose time is outside 1980–2100 (a file in
 *    milliseconds, say: the reason names the likely unit) ends the run with SOURCE_FAILED.
 *
 * @example
 * - id: market
 *   op: csvReplay
 *   params: { file: ./data/es-2026-11-24.csv }
 */
export const csvReplay = defineOperator({
  kind: 'source',
  name: 'csvReplay',
  summary: `Ticks from a CSV file (${TICK_CSV_HEADER}); bad rows are dead-lettered with the reason.`,
  output: 'tick',
  params: Type.Object(
    { file: Type.String({ minLength: 1, description: 'Path, relative to the pipeline file.' }) },
    { additionalProperties: false },
  ),
  create: (params, context) =>
    readCsvTicks({
      path: resolve(context.baseDir, params.file),
      reject: (line, rejection) =>
        context.deadLetter({ code: rejection.code, reason: rejection.reason, message: line }),
      ...(context.progress && { progress: context.progress }),
    }),
});
