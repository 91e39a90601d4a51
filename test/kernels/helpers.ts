import type { Bar, Tick } from '../../src/core/events.js';
import type { FeatureSpec } from '../../src/pipeline/operator.js';

/** Deterministic PRNG (mulberry32) so every failure can be replayed from its seed. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface SeriesShape {
  readonly length: number;
  readonly seed: number;
  /** Starting price. */
  readonly start?: number;
  /** Relative step size of the random walk (0: constant series). */
  readonly volatility?: number;
  /** Probability of a gap: a jump of ±20 % between two bars. */
  readonly gapProbability?: number;
  /** Microseconds between bars. */
  readonly spacing?: number;
}

const HOUR = 3_600_000_000;

/** A random-walk OHLCV bar series. */
export function bars(shape: SeriesShape): Bar[] {
  const next = random(shape.seed);
  const volatility = shape.volatility ?? 0.002;
  const spacing = shape.spacing ?? HOUR / 12;
  let price = shape.start ?? 100;
  const out: Bar[] = [];
  let ts = 1_767_225_600_000_000;
  for (let i = 0; i < shape.length; i++) {
    if (shape.gapProbability !== undefined && next() < shape.gapProbability)
      price *= next() < 0.5 ? 0.8 : 1.2;
    const open = price;
    const close = open * (1 + volatility * (next() * 2 - 1));
    const high = Math.max(open, close) * (1 + volatility * next());
    const low = Math.min(open, close) * (1 - volatility * next());
    const volume = volatility === 0 ? 100 : Math.floor(next() * 1000);
    const buyVolume = Math.floor(volume * next());
    out.push({
      symbol: 'NQ 12-26',
      ts,
      end: ts + spacing,
      open,
      high,
      low,
      close,
      volume,
      buyVolume,
      sellVolume: volume - buyVolume,
      trades: volume,
    });
    price = close;
    ts += spacing;
  }
  return out;
}

/** A random tick series with bid/ask around the price and mixed known/unknown aggressor sides. */
export function ticks(shape: SeriesShape): Tick[] {
  const next = random(shape.seed);
  const volatility = shape.volatility ?? 0.0005;
  const spacing = shape.spacing ?? 250_000;
  let price = shape.start ?? 100;
  const out: Tick[] = [];
  let ts = 1_767_225_600_000_000;
  for (let i = 0; i < shape.length; i++) {
    price *= 1 + volatility * (next() * 2 - 1);
    const spread = price * 0.0001;
    const r = next();
    const side = r < 0.35 ? 'buy' : r < 0.7 ? 'sell' : 'unknown';
    const at = next();
    const tradePrice = at < 0.4 ? price + spread : at < 0.8 ? price - spread : price;
    out.push({
      symbol: 'ES 12-26',
      ts,
      price: tradePrice,
      size: 1 + Math.floor(next() * 20),
      bid: price - spread,
      ask: price + spread,
      side,
    });
    ts += shape.gapProbability !== undefined && next() < shape.gapProbability ? 30 * HOUR : spacing;
  }
  return out;
}

/** Close prices of a bar series as a Float64Array. */
export const closes = (series: readonly Bar[]): Float64Array => Float64Array.from(series, (b) => b.close);

/**
 * |a − b| ≤ tolerance × max(|a|, |b|, scale): relative, with a floor at `scale` for values that
 * are differences of large numbers (MACD histogram, z-score near 0). NaN equals NaN.
 */
export function close(a: number, b: number, tolerance: number, scale = 0): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  return Math.abs(a - b) <= tolerance * Math.max(Math.abs(a), Math.abs(b), scale);
}

/** The first index where two series differ beyond the tolerance, or −1. */
export function firstMismatch(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  tolerance: number,
  scale = 0,
): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) {
    if (!close(a[i] as number, b[i] as number, tolerance, scale)) return i;
  }
  return -1;
}

/** A spec the way an operator would build it. */
export function spec(
  kind: string,
  params: FeatureSpec['params'],
  outputs: readonly string[],
  input: 'bar' | 'tick' = 'bar',
): FeatureSpec {
  return { kind, input, params, outputs };
}

/** One spec of every bar kernel, with its non-default params exercised. */
export const BAR_SPECS: readonly FeatureSpec[] = [
  spec('sma', { period: 20 }, ['sma']),
  spec('ema', { period: 21, field: 'typical' }, ['ema']),
  spec('wilder', { period: 14, field: 'high' }, ['wilder']),
  spec('rsi', { period: 14 }, ['rsi']),
  spec('atr', { period: 14 }, ['atr']),
  spec('bollinger', { period: 20, multiplier: 2.5 }, ['bb.upper', 'bb.middle', 'bb.lower']),
  spec('macd', { fast: 12, slow: 26, signal: 9 }, ['macd.line', 'macd.signal', 'macd.histogram']),
  spec('stdev', { period: 30, sample: true, field: 'open' }, ['stdev']),
  spec('stdev', { period: 10, sample: false }, ['stdevPop']),
  spec('zscore', { period: 20 }, ['z']),
  spec('vwap', { window: 0 }, ['vwapSession']),
  spec('vwap', { window: 50, field: 'close' }, ['vwapRolling']),
  spec('realizedVol', { period: 20, annualization: 252 }, ['rv']),
  spec('roc', { period: 10, field: 'low' }, ['roc']),
  spec('donchian', { period: 20 }, ['dc.upper', 'dc.middle', 'dc.lower']),
];

/** One spec of every tick kernel. */
export const TICK_SPECS: readonly FeatureSpec[] = [
  spec('orderFlowImbalance', { period: 50 }, ['ofi'], 'tick'),
  spec('cumulativeDelta', { reset: true }, ['delta'], 'tick'),
  spec('cumulativeDelta', { reset: false }, ['deltaAll'], 'tick'),
  spec('tickVwap', { window: 0 }, ['vwap'], 'tick'),
  spec('tickVwap', { window: 100 }, ['vwapRolling'], 'tick'),
];
