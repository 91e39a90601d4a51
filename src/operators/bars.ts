import { Type } from '@sinclair/typebox';
import type { Bar, Tick } from '../core/events.js';
import { DURATION_PATTERN, parseDuration } from '../core/time.js';
import { defineOperator, type Emit, type Step } from '../pipeline/operator.js';

interface OpenBar {
  ts: number;
  end: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  buyVolume: number;
  sellVolume: number;
  trades: number;
}

/**
 * Bars from ticks, per instrument: time bars (`every: 1m`) aligned to the epoch (so 1m bars start
 * on the minute, UTC) or tick bars (`ticks: 500`).
 *
 * 1. A time bar is emitted when the first tick of a later period arrives, or when the stream ends;
 *    periods without ticks produce no bar.
 * 2. A tick bar is emitted on its last tick; `ts` is its first tick's time and `end` its last's.
 * 3. Volume at the ask counts as buy volume, at the bid as sell volume (from the aggressor side).
 *
 * @example
 * - id: bars
 *   op: bars
 *   from: market
 *   params: { every: 1m }
 */
export const bars = defineOperator({
  kind: 'transform',
  name: 'bars',
  summary: 'Time bars (every: 1m) or tick bars (ticks: 500) from ticks, per instrument.',
  inputs: ['tick'],
  output: 'bar',
  keyedBySymbol: true,
  params: Type.Object(
    {
      every: Type.Optional(
        Type.String({ pattern: DURATION_PATTERN, description: 'Bar period, e.g. 1m, 5m, 1h.' }),
      ),
      ticks: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'Ticks per bar.' })),
    },
    { additionalProperties: false },
  ),
  check: (params) =>
    (params.every === undefined) === (params.ticks === undefined)
      ? [
          {
            code: 'PIPELINE_BAD_PARAMS',
            message: 'give exactly one of `every` (time bars) or `ticks` (tick bars)',
          },
        ]
      : [],
  create: (params): Step<Tick, Bar> => {
    const period = params.every !== undefined ? parseDuration(params.every) : 0;
    const ticksPerBar = params.ticks ?? 0;
    let symbol = '';
    let bar: OpenBar | undefined;
    const close = (emit: Emit<Bar>): void => {
      if (bar) emit({ symbol, ...bar });
      bar = undefined;
    };
    return {
      next: (tick, emit) => {
        symbol = tick.symbol;
        if (bar && period > 0 && tick.ts >= bar.end) close(emit);
        if (!bar) {
          const ts = period > 0 ? tick.ts - (tick.ts % period) : tick.ts;
          bar = {
            ts,
            end: period > 0 ? ts + period : tick.ts,
            open: tick.price,
            high: tick.price,
            low: tick.price,
            close: tick.price,
            volume: 0,
            buyVolume: 0,
            sellVolume: 0,
            trades: 0,
          };
        }
        if (tick.price > bar.high) bar.high = tick.price;
        if (tick.price < bar.low) bar.low = tick.price;
        bar.close = tick.price;
        bar.volume += tick.size;
        if (tick.side === 'buy') bar.buyVolume += tick.size;
        else if (tick.side === 'sell') bar.sellVolume += tick.size;
        bar.trades++;
        if (ticksPerBar > 0) {
          bar.end = tick.ts;
          if (bar.trades === ticksPerBar) close(emit);
        }
      },
      complete: close,
    };
  },
});
