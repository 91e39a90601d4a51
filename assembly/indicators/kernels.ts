// One update function per feature kernel, on a state pointer. Each writes its outputs at `out`
// (NaN until warm) and returns whether it is warm. They mirror src/kernels/reference/indicators.ts.
import { word, setWord } from '../util/memory';
import {
  MOMENTS_HEADER,
  SMOOTHER_WORDS,
  SUM_HEADER,
  emaFactor,
  momentsMean,
  momentsPush,
  momentsVariance,
  momentsWarm,
  smootherPush,
  smootherValue,
  smootherWarm,
  sumPush,
  sumValue,
  sumWarm,
  wilderFactor,
} from './rolling';

function single(out: usize, warm: bool, value: f64): bool {
  store<f64>(out, warm ? value : NaN);
  return warm;
}

function triple(out: usize, warm: bool, a: f64, b: f64, c: f64): bool {
  store<f64>(out, warm ? a : NaN, 0);
  store<f64>(out, warm ? b : NaN, 8);
  store<f64>(out, warm ? c : NaN, 16);
  return warm;
}

// The rolling-moments kernels take `push`: false when another feature of the same group already
// pushed this value into the same window (shared state, decided at fuse time).

export function smaUpdate(s: usize, n: i32, x: f64, out: usize, push: bool): bool {
  if (push) momentsPush(s, n, x);
  return single(out, momentsWarm(s, n), momentsMean(s));
}

export function emaUpdate(s: usize, n: i32, x: f64, out: usize): bool {
  smootherPush(s, n, emaFactor(n), x);
  return single(out, smootherWarm(s, n), smootherValue(s));
}

export function wilderUpdate(s: usize, n: i32, x: f64, out: usize): bool {
  smootherPush(s, n, wilderFactor(n), x);
  return single(out, smootherWarm(s, n), smootherValue(s));
}

// RSI: [0 count, 1 previous, 2..4 gains, 5..7 losses].
export function rsiUpdate(s: usize, n: i32, x: f64, out: usize): bool {
  if (load<i32>(s, 0) == 0) {
    store<i32>(s, 1, 0);
    store<f64>(s, x, 8);
    return single(out, false, 0);
  }
  const previous = load<f64>(s, 8);
  store<f64>(s, x, 8);
  const gains = s + 16;
  const losses = s + 16 + ((<usize>SMOOTHER_WORDS) << 3);
  const k = wilderFactor(n);
  if (x > previous) {
    smootherPush(gains, n, k, x - previous);
    smootherPush(losses, n, k, 0);
  } else {
    smootherPush(gains, n, k, 0);
    smootherPush(losses, n, k, previous - x);
  }
  const loss = smootherValue(losses);
  const gain = smootherValue(gains);
  let value: f64;
  if (loss == 0) value = gain == 0 ? 50 : 100;
  else value = 100 - 100 / (1 + gain / loss);
  return single(out, smootherWarm(gains, n), value);
}

// ATR: [0 count, 1 previous close, 2..4 smoother].
export function atrUpdate(s: usize, n: i32, high: f64, low: f64, close: f64, out: usize): bool {
  let range = high - low;
  if (load<i32>(s, 0) > 0) {
    const previous = load<f64>(s, 8);
    const up = Math.abs(high - previous);
    const down = Math.abs(low - previous);
    if (up > range) range = up;
    if (down > range) range = down;
  }
  store<i32>(s, 1, 0);
  store<f64>(s, close, 8);
  const smoother = s + 16;
  smootherPush(smoother, n, wilderFactor(n), range);
  return single(out, smootherWarm(smoother, n), smootherValue(smoother));
}

export function stdevUpdate(s: usize, n: i32, ddof: i32, x: f64, out: usize, push: bool): bool {
  if (push) momentsPush(s, n, x);
  return single(out, momentsWarm(s, n), Math.sqrt(momentsVariance(s, ddof)));
}

export function bollingerUpdate(s: usize, n: i32, multiplier: f64, x: f64, out: usize, push: bool): bool {
  if (push) momentsPush(s, n, x);
  const middle = momentsMean(s);
  const width = multiplier * Math.sqrt(momentsVariance(s, 0));
  return triple(out, momentsWarm(s, n), middle + width, middle, middle - width);
}

export function zscoreUpdate(s: usize, n: i32, x: f64, out: usize, push: bool): bool {
  if (push) momentsPush(s, n, x);
  const sd = Math.sqrt(momentsVariance(s, 0));
  return single(out, momentsWarm(s, n), sd > 0 ? (x - momentsMean(s)) / sd : 0);
}

// MACD: [0..2 fast, 3..5 slow, 6..8 signal].
export function macdUpdate(s: usize, fast: i32, slow: i32, signal: i32, x: f64, out: usize): bool {
  const slowState = s + ((<usize>SMOOTHER_WORDS) << 3);
  const signalState = s + ((<usize>(2 * SMOOTHER_WORDS)) << 3);
  smootherPush(s, fast, emaFactor(fast), x);
  smootherPush(slowState, slow, emaFactor(slow), x);
  if (!smootherWarm(slowState, slow)) return triple(out, false, 0, 0, 0);
  const line = smootherValue(s) - smootherValue(slowState);
  smootherPush(signalState, signal, emaFactor(signal), line);
  const signalValue = smootherValue(signalState);
  return triple(out, smootherWarm(signalState, signal), line, signalValue, line - signalValue);
}

// ROC: [0 count, 1 pos, 2.. ring(n)].
export function rocUpdate(s: usize, n: i32, x: f64, out: usize): bool {
  const count = load<i32>(s, 0);
  const pos = load<i32>(s, 8);
  const ring = s + 16;
  let value: f64 = 0;
  if (count >= n) {
    const old = word(ring, pos);
    value = old != 0 ? ((x - old) / old) * 100 : 0;
  }
  setWord(ring, pos, x);
  store<i32>(s, pos + 1 == n ? 0 : pos + 1, 8);
  store<i32>(s, count + 1, 0);
  return single(out, count + 1 > n, value);
}

// Realized volatility: [0 count, 1 previous, 2.. rolling sum of squared log returns].
export function realizedVolUpdate(s: usize, n: i32, annualization: f64, x: f64, out: usize): bool {
  if (load<i32>(s, 0) == 0) {
    store<i32>(s, 1, 0);
    store<f64>(s, x, 8);
    return single(out, false, 0);
  }
  const previous = load<f64>(s, 8);
  const r = x > 0 && previous > 0 ? Math.log(x / previous) : 0;
  store<f64>(s, x, 8);
  const squares = s + 16;
  sumPush(squares, n, r * r);
  let sum = sumValue(squares);
  if (!(sum > 0)) sum = 0;
  return single(out, sumWarm(squares, n), Math.sqrt((sum / <f64>n) * annualization));
}

function extreme(ring: usize, n: i32, highest: bool): f64 {
  let best = word(ring, 0);
  for (let i = 1; i < n; i++) {
    const v = word(ring, i);
    if (highest ? v > best : v < best) best = v;
  }
  return best;
}

// Donchian: [0 count, 1 pos, 2 upper, 3 lower, 4.. highs(n), lows(n)].
export function donchianUpdate(s: usize, n: i32, high: f64, low: f64, out: usize): bool {
  let count = load<i32>(s, 0);
  const pos = load<i32>(s, 8);
  let upper = load<f64>(s, 16);
  let lower = load<f64>(s, 24);
  const highs = s + 32;
  const lows = highs + ((<usize>n) << 3);
  if (count < n) {
    setWord(highs, pos, high);
    setWord(lows, pos, low);
    if (count == 0 || high > upper) upper = high;
    if (count == 0 || low < lower) lower = low;
    count++;
    store<i32>(s, count, 0);
  } else {
    const oldHigh = word(highs, pos);
    const oldLow = word(lows, pos);
    setWord(highs, pos, high);
    setWord(lows, pos, low);
    if (high >= upper) upper = high;
    else if (oldHigh == upper) upper = extreme(highs, n, true);
    if (low <= lower) lower = low;
    else if (oldLow == lower) lower = extreme(lows, n, false);
  }
  store<f64>(s, upper, 16);
  store<f64>(s, lower, 24);
  store<i32>(s, pos + 1 == n ? 0 : pos + 1, 8);
  return triple(out, count >= n, upper, (upper + lower) / 2, lower);
}

function sessionOf(ts: f64, startMinute: f64): f64 {
  return Math.floor((ts - startMinute * 60e6) / 86400e6);
}

// VWAP: [0 count, 1 session, 2 Σpv, 3 Σv, 4.. rolling Σpv (4+n), rolling Σv (4+n)].
export function vwapUpdate(
  s: usize,
  n: i32,
  startMinute: f64,
  ts: f64,
  price: f64,
  volume: f64,
  out: usize,
): bool {
  const count = load<i32>(s, 0) + 1;
  store<i32>(s, count, 0);
  let sumPv: f64;
  let sumV: f64;
  let warm: bool;
  if (n > 0) {
    const pv = s + 32;
    const v = pv + ((<usize>(SUM_HEADER + n)) << 3);
    sumPush(pv, n, price * volume);
    sumPush(v, n, volume);
    sumPv = sumValue(pv);
    sumV = sumValue(v);
    warm = sumWarm(v, n);
  } else {
    const session = sessionOf(ts, startMinute);
    sumPv = load<f64>(s, 16);
    sumV = load<f64>(s, 24);
    if (count == 1 || session != load<f64>(s, 8)) {
      store<f64>(s, session, 8);
      sumPv = 0;
      sumV = 0;
    }
    sumPv += price * volume;
    sumV += volume;
    warm = true;
  }
  store<f64>(s, sumPv, 16);
  store<f64>(s, sumV, 24);
  return single(out, warm, sumV > 0 ? sumPv / sumV : price);
}

function aggressor(side: f64, price: f64, bid: f64, ask: f64): i32 {
  if (side != 0) return side > 0 ? 1 : -1;
  if (ask > 0 && price >= ask) return 1;
  if (bid > 0 && price <= bid) return -1;
  return 0;
}

// Order-flow imbalance: [0.. Σbuy (4+n), Σsell (4+n)].
export function orderFlowImbalanceUpdate(
  s: usize,
  n: i32,
  price: f64,
  size: f64,
  bid: f64,
  ask: f64,
  side: f64,
  out: usize,
): bool {
  const a = aggressor(side, price, bid, ask);
  const sells = s + ((<usize>(SUM_HEADER + n)) << 3);
  sumPush(s, n, a > 0 ? size : 0);
  sumPush(sells, n, a < 0 ? size : 0);
  const buy = sumValue(s);
  const sell = sumValue(sells);
  const total = buy + sell;
  return single(out, sumWarm(s, n), total > 0 ? (buy - sell) / total : 0);
}

// Cumulative delta: [0 count, 1 session, 2 delta].
export function cumulativeDeltaUpdate(
  s: usize,
  reset: i32,
  startMinute: f64,
  ts: f64,
  price: f64,
  size: f64,
  bid: f64,
  ask: f64,
  side: f64,
  out: usize,
): bool {
  let delta = load<f64>(s, 16);
  if (reset != 0) {
    const session = sessionOf(ts, startMinute);
    if (load<i32>(s, 0) == 0 || session != load<f64>(s, 8)) {
      store<f64>(s, session, 8);
      delta = 0;
    }
  }
  store<i32>(s, 1, 0);
  const a = aggressor(side, price, bid, ask);
  if (a > 0) delta += size;
  else if (a < 0) delta -= size;
  store<f64>(s, delta, 16);
  return single(out, true, delta);
}

export { MOMENTS_HEADER };
