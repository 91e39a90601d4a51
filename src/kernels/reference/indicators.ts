import { RollingMoments, RollingSum, Smoother, emaFactor, wilderFactor } from './rolling.js';

/**
 * The reference indicators in plain TypeScript, one class per kernel. Each `update` takes the
 * values it reads and returns whether the indicator is warm (its outputs are meaningful). They are
 * the fallback engine (`--no-wasm`), the baseline of the benchmarks, and the reference the
 * WebAssembly kernels are tested against.
 */

/**
 * Simple moving average over `period` values. Warm after `period` values.
 *
 * @example const sma = new Sma(3); [1, 2, 3].forEach((x) => sma.update(x)); sma.value // 2
 */
export class Sma {
  readonly window: RollingMoments;
  constructor(period: number) {
    this.window = new RollingMoments(period);
  }
  update(x: number): boolean {
    this.window.push(x);
    return this.window.warm;
  }
  get value(): number {
    return this.window.mean;
  }
}

/**
 * EMA, k = 2/(period+1), seeded with the SMA of the first `period` values. Warm after `period` values.
 *
 * @example const ema = new Ema(3); [1, 2, 3, 4].forEach((x) => ema.update(x)); ema.value // 3 (seed 2, then 2 + 0.5·(4 − 2))
 */
export class Ema {
  readonly smoother: Smoother;
  constructor(period: number) {
    this.smoother = new Smoother(period, emaFactor(period));
  }
  update(x: number): boolean {
    this.smoother.push(x);
    return this.smoother.warm;
  }
  get value(): number {
    return this.smoother.value;
  }
}

/**
 * Wilder's smoothing (RMA), k = 1/period, seeded with the SMA of the first `period` values.
 *
 * @example const rma = new Wilder(2); [1, 3, 5].forEach((x) => rma.update(x)); rma.value // 3.5
 */
export class Wilder {
  readonly smoother: Smoother;
  constructor(period: number) {
    this.smoother = new Smoother(period, wilderFactor(period));
  }
  update(x: number): boolean {
    this.smoother.push(x);
    return this.smoother.warm;
  }
  get value(): number {
    return this.smoother.value;
  }
}

/**
 * RSI with Wilder smoothing of gains and losses, each seeded with the mean of the first `period`
 * changes. Warm after `period + 1` values. 100 when there are no losses, 50 when the window is flat.
 *
 * @example const rsi = new Rsi(2); [1, 2, 1].forEach((x) => rsi.update(x)); rsi.value // 50
 */
export class Rsi {
  readonly gains: Smoother;
  readonly losses: Smoother;
  count = 0;
  previous = 0;
  constructor(period: number) {
    this.gains = new Smoother(period, wilderFactor(period));
    this.losses = new Smoother(period, wilderFactor(period));
  }
  update(x: number): boolean {
    if (this.count === 0) {
      this.count = 1;
      this.previous = x;
      return false;
    }
    const previous = this.previous;
    this.previous = x;
    if (x > previous) {
      this.gains.push(x - previous);
      this.losses.push(0);
    } else {
      this.gains.push(0);
      this.losses.push(previous - x);
    }
    return this.gains.warm;
  }
  get value(): number {
    const loss = this.losses.value;
    const gain = this.gains.value;
    if (loss === 0) return gain === 0 ? 50 : 100;
    return 100 - 100 / (1 + gain / loss);
  }
}

/**
 * Average true range: Wilder smoothing of the true range, seeded with the mean of the first
 * `period` true ranges. The first bar's true range is high − low. Warm after `period` bars.
 *
 * @example const atr = new Atr(14); atr.update(high, low, close); atr.value
 */
export class Atr {
  readonly smoother: Smoother;
  count = 0;
  previousClose = 0;
  constructor(period: number) {
    this.smoother = new Smoother(period, wilderFactor(period));
  }
  update(high: number, low: number, close: number): boolean {
    let range = high - low;
    if (this.count > 0) {
      const up = Math.abs(high - this.previousClose);
      const down = Math.abs(low - this.previousClose);
      if (up > range) range = up;
      if (down > range) range = down;
    }
    this.count = 1;
    this.previousClose = close;
    this.smoother.push(range);
    return this.smoother.warm;
  }
  get value(): number {
    return this.smoother.value;
  }
}

/**
 * Rolling standard deviation, population (ddof 0) or sample (ddof 1). Warm after `period` values.
 *
 * @example const sd = new Stdev(2, 0); [1, 3].forEach((x) => sd.update(x)); sd.value // 1
 */
export class Stdev {
  readonly window: RollingMoments;
  constructor(
    period: number,
    readonly ddof: 0 | 1,
  ) {
    this.window = new RollingMoments(period);
  }
  update(x: number): boolean {
    this.window.push(x);
    return this.window.warm;
  }
  get value(): number {
    return Math.sqrt(this.window.variance(this.ddof));
  }
}

/**
 * Bollinger bands: SMA ± multiplier × population deviation. Warm after `period` values.
 *
 * @example const bb = new Bollinger(20, 2); bb.update(close); [bb.middle + bb.width, bb.middle, bb.middle - bb.width]
 */
export class Bollinger {
  readonly window: RollingMoments;
  constructor(
    period: number,
    readonly multiplier: number,
  ) {
    this.window = new RollingMoments(period);
  }
  update(x: number): boolean {
    this.window.push(x);
    return this.window.warm;
  }
  get middle(): number {
    return this.window.mean;
  }
  get width(): number {
    return this.multiplier * Math.sqrt(this.window.variance(0));
  }
}

/**
 * Rolling z-score (x − mean) / population deviation; 0 for a flat window. Warm after `period` values.
 *
 * @example const z = new Zscore(2); [1, 3].forEach((x) => z.update(x)); z.value // 1
 */
export class Zscore {
  readonly window: RollingMoments;
  last = 0;
  constructor(period: number) {
    this.window = new RollingMoments(period);
  }
  update(x: number): boolean {
    this.last = x;
    this.window.push(x);
    return this.window.warm;
  }
  get value(): number {
    const sd = Math.sqrt(this.window.variance(0));
    return sd > 0 ? (this.last - this.window.mean) / sd : 0;
  }
}

/**
 * MACD: line = EMA(fast) − EMA(slow); signal = EMA(signal) of the line, seeded with the mean of its
 * first `signal` values; histogram = line − signal. Warm after `slow + signal − 1` values.
 *
 * @example const macd = new Macd(12, 26, 9); macd.update(close); [macd.line, macd.signal, macd.histogram]
 */
export class Macd {
  readonly fast: Smoother;
  readonly slow: Smoother;
  readonly signalLine: Smoother;
  line = 0;
  constructor(fast: number, slow: number, signal: number) {
    this.fast = new Smoother(fast, emaFactor(fast));
    this.slow = new Smoother(slow, emaFactor(slow));
    this.signalLine = new Smoother(signal, emaFactor(signal));
  }
  update(x: number): boolean {
    this.fast.push(x);
    this.slow.push(x);
    if (!this.slow.warm) return false;
    this.line = this.fast.value - this.slow.value;
    this.signalLine.push(this.line);
    return this.signalLine.warm;
  }
  get signal(): number {
    return this.signalLine.value;
  }
  get histogram(): number {
    return this.line - this.signalLine.value;
  }
}

/**
 * Rate of change in percent over `period` values; 0 when the old value is 0. Warm after `period + 1` values.
 *
 * @example const roc = new Roc(1); [100, 110].forEach((x) => roc.update(x)); roc.value // 10
 */
export class Roc {
  readonly ring: Float64Array;
  count = 0;
  pos = 0;
  value = 0;
  constructor(readonly period: number) {
    this.ring = new Float64Array(period);
  }
  update(x: number): boolean {
    if (this.count >= this.period) {
      const old = this.ring[this.pos] as number;
      this.value = old !== 0 ? ((x - old) / old) * 100 : 0;
    }
    this.ring[this.pos] = x;
    this.pos = this.pos + 1 === this.period ? 0 : this.pos + 1;
    this.count++;
    return this.count > this.period;
  }
}

/**
 * Realized volatility: √(annualization × mean of squared log returns over `period` returns).
 * A return touching a non-positive price counts as 0. Warm after `period + 1` values.
 *
 * @example const rv = new RealizedVol(20, 252); rv.update(close); rv.value // annualized
 */
export class RealizedVol {
  readonly squares: RollingSum;
  count = 0;
  previous = 0;
  constructor(
    readonly period: number,
    readonly annualization: number,
  ) {
    this.squares = new RollingSum(period);
  }
  update(x: number): boolean {
    if (this.count === 0) {
      this.count = 1;
      this.previous = x;
      return false;
    }
    const r = x > 0 && this.previous > 0 ? Math.log(x / this.previous) : 0;
    this.previous = x;
    this.squares.push(r * r);
    return this.squares.warm;
  }
  get value(): number {
    const sum = this.squares.sum > 0 ? this.squares.sum : 0;
    return Math.sqrt((sum / this.period) * this.annualization);
  }
}

/**
 * Donchian channel: highest high, lowest low and their midpoint over `period` bars. Warm after `period` bars.
 *
 * @example const dc = new Donchian(20); dc.update(high, low); [dc.upper, dc.middle, dc.lower]
 */
export class Donchian {
  readonly highs: Float64Array;
  readonly lows: Float64Array;
  count = 0;
  pos = 0;
  upper = 0;
  lower = 0;
  constructor(readonly period: number) {
    this.highs = new Float64Array(period);
    this.lows = new Float64Array(period);
  }
  update(high: number, low: number): boolean {
    const n = this.period;
    const pos = this.pos;
    if (this.count < n) {
      this.highs[pos] = high;
      this.lows[pos] = low;
      if (this.count === 0 || high > this.upper) this.upper = high;
      if (this.count === 0 || low < this.lower) this.lower = low;
      this.count++;
    } else {
      const oldHigh = this.highs[pos] as number;
      const oldLow = this.lows[pos] as number;
      this.highs[pos] = high;
      this.lows[pos] = low;
      // Rescan only when the extreme leaves the window: amortised O(1) on market data.
      if (high >= this.upper) this.upper = high;
      else if (oldHigh === this.upper) this.upper = extreme(this.highs, n, 1);
      if (low <= this.lower) this.lower = low;
      else if (oldLow === this.lower) this.lower = extreme(this.lows, n, -1);
    }
    this.pos = pos + 1 === n ? 0 : pos + 1;
    return this.count >= n;
  }
  get middle(): number {
    return (this.upper + this.lower) / 2;
  }
}

function extreme(ring: Float64Array, n: number, sign: 1 | -1): number {
  let best = ring[0] as number;
  for (let i = 1; i < n; i++) {
    const v = ring[i] as number;
    if (sign > 0 ? v > best : v < best) best = v;
  }
  return best;
}

const MICROS_PER_MINUTE = 60e6;
const MICROS_PER_DAY = 86_400e6;

/** The trading-session number of a timestamp: days since the epoch, counted from `startMinute` UTC. */
export function sessionOf(ts: number, startMinute: number): number {
  return Math.floor((ts - startMinute * MICROS_PER_MINUTE) / MICROS_PER_DAY);
}

/**
 * Volume-weighted average price. `window` 0: session VWAP, reset when a new session starts at
 * `sessionStartMinute` UTC, warm from the first value. `window` n: rolling over the last n
 * values, warm after n. When the volume in scope is 0 the VWAP is the last price.
 *
 * @example const vwap = new Vwap(0, 1320); vwap.update(bar.ts, (bar.high + bar.low + bar.close) / 3, bar.volume); vwap.value
 */
export class Vwap {
  readonly priceVolume: RollingSum | undefined;
  readonly volume: RollingSum | undefined;
  count = 0;
  session = 0;
  sumPriceVolume = 0;
  sumVolume = 0;
  last = 0;
  constructor(
    readonly window: number,
    readonly sessionStartMinute: number,
  ) {
    if (window > 0) {
      this.priceVolume = new RollingSum(window);
      this.volume = new RollingSum(window);
    }
  }
  update(ts: number, price: number, volume: number): boolean {
    this.last = price;
    this.count++;
    if (this.priceVolume !== undefined && this.volume !== undefined) {
      this.priceVolume.push(price * volume);
      this.volume.push(volume);
      this.sumPriceVolume = this.priceVolume.sum;
      this.sumVolume = this.volume.sum;
      return this.volume.warm;
    }
    const session = sessionOf(ts, this.sessionStartMinute);
    if (this.count === 1 || session !== this.session) {
      this.session = session;
      this.sumPriceVolume = 0;
      this.sumVolume = 0;
    }
    this.sumPriceVolume += price * volume;
    this.sumVolume += volume;
    return true;
  }
  get value(): number {
    return this.sumVolume > 0 ? this.sumPriceVolume / this.sumVolume : this.last;
  }
}

/**
 * Which side took liquidity: +1 buy, −1 sell. `side` is +1/−1/0 (0: the feed did not say); when
 * unknown, a trade at or above the ask is a buy and at or below the bid a sell (quote rule).
 */
export function aggressor(side: number, price: number, bid: number, ask: number): number {
  if (side !== 0) return side > 0 ? 1 : -1;
  if (ask > 0 && price >= ask) return 1;
  if (bid > 0 && price <= bid) return -1;
  return 0;
}

/**
 * Order-flow imbalance (buy − sell) / (buy + sell) volume over the last `period` trades, in [−1, 1].
 *
 * @example const ofi = new OrderFlowImbalance(2); ofi.update(100.25, 3, 100, 100.25, 0); ofi.update(100, 1, 100, 100.25, 0); ofi.value // 0.5
 */
export class OrderFlowImbalance {
  readonly buys: RollingSum;
  readonly sells: RollingSum;
  constructor(period: number) {
    this.buys = new RollingSum(period);
    this.sells = new RollingSum(period);
  }
  update(price: number, size: number, bid: number, ask: number, side: number): boolean {
    const s = aggressor(side, price, bid, ask);
    this.buys.push(s > 0 ? size : 0);
    this.sells.push(s < 0 ? size : 0);
    return this.buys.warm;
  }
  get value(): number {
    const buy = this.buys.sum;
    const sell = this.sells.sum;
    const total = buy + sell;
    return total > 0 ? (buy - sell) / total : 0;
  }
}

/**
 * Cumulative delta: running sum of buy minus sell volume, reset each session when `reset`. Warm at once.
 *
 * @example const delta = new CumulativeDelta(true, 1320); delta.update(ts, 100.25, 3, 100, 100.25, 1); delta.value // 3
 */
export class CumulativeDelta {
  count = 0;
  session = 0;
  value = 0;
  constructor(
    readonly reset: boolean,
    readonly sessionStartMinute: number,
  ) {}
  update(ts: number, price: number, size: number, bid: number, ask: number, side: number): boolean {
    if (this.reset) {
      const session = sessionOf(ts, this.sessionStartMinute);
      if (this.count === 0 || session !== this.session) {
        this.session = session;
        this.value = 0;
      }
    }
    this.count = 1;
    const s = aggressor(side, price, bid, ask);
    if (s > 0) this.value += size;
    else if (s < 0) this.value -= size;
    return true;
  }
}
