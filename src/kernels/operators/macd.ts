import { Type } from '@sinclair/typebox';
import { defineOperator } from '../../pipeline/operator.js';
import { fieldParam, outputKeys, periodParam } from './params.js';

/**
 * MACD: EMA(fast) − EMA(slow), its EMA(signal) and the histogram.
 *
 * 1. Both EMAs are SMA-seeded; the line exists from bar `slow`.
 * 2. The signal EMA is seeded with the mean of the first `signal` line values: warm after `slow + signal − 1` bars.
 * 3. Emits `<id>.line`, `<id>.signal`, `<id>.histogram` (line − signal). `fast` must be below `slow`.
 *
 * @example
 * - id: macd
 *   op: macd
 *   from: bars
 *   params: { fast: 12, slow: 26, signal: 9 }
 */
export const macd = defineOperator({
  kind: 'feature',
  name: 'macd',
  summary: 'MACD: EMA(fast) − EMA(slow), its EMA(signal) and the histogram.',
  input: 'bar',
  params: Type.Object(
    {
      fast: periodParam(12, 'Fast EMA period.'),
      slow: periodParam(26, 'Slow EMA period (greater than fast).', 2),
      signal: periodParam(9, 'Signal EMA period over the MACD line.'),
      field: fieldParam(),
    },
    { additionalProperties: false },
  ),
  check: (params) =>
    params.fast < params.slow
      ? []
      : [
          {
            code: 'PIPELINE_BAD_PARAMS',
            message: `fast (${params.fast}) must be below slow (${params.slow})`,
          },
        ],
  spec: (params, stepId) => ({
    kind: 'macd',
    input: 'bar',
    params,
    outputs: outputKeys(stepId, ['line', 'signal', 'histogram']),
  }),
});
