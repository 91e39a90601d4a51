import { Atr, Ema, Rsi, Sma, Stdev, Wilder, Zscore } from './indicators.js';

/**
 * Whole-series forms of the reference kernels: the hand-written TypeScript loop the WebAssembly
 * batch kernels are measured and tested against. Outputs are NaN until warm, like the kernels.
 */

interface Single {
  update(x: number): boolean;
  readonly value: number;
}

function run(kernel: Single, values: ArrayLike<number>): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    out[i] = kernel.update(values[i] as number) ? kernel.value : Number.NaN;
  }
  return out;
}

/** @example emaSeries([1, 2, 3, 4], 2) // [NaN, 1.5, 2.5, 3.5] */
export const emaSeries = (values: ArrayLike<number>, period: number): Float64Array =>
  run(new Ema(period), values);
export const smaSeries = (values: ArrayLike<number>, period: number): Float64Array =>
  run(new Sma(period), values);
export const wilderSeries = (values: ArrayLike<number>, period: number): Float64Array =>
  run(new Wilder(period), values);
export const rsiSeries = (values: ArrayLike<number>, period: number): Float64Array =>
  run(new Rsi(period), values);
export const zscoreSeries = (values: ArrayLike<number>, period: number): Float64Array =>
  run(new Zscore(period), values);
export const stdevSeries = (values: ArrayLike<number>, period: number, sample = false): Float64Array =>
  run(new Stdev(period, sample ? 1 : 0), values);

export function atrSeries(
  highs: ArrayLike<number>,
  lows: ArrayLike<number>,
  closes: ArrayLike<number>,
  period: number,
): Float64Array {
  const atr = new Atr(period);
  const out = new Float64Array(closes.length);
  for (let i = 0; i < closes.length; i++) {
    out[i] = atr.update(highs[i] as number, lows[i] as number, closes[i] as number) ? atr.value : Number.NaN;
  }
  return out;
}
