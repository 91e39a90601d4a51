// Single-indicator batch kernels over whole series in linear memory: one call per series, the
// loop stays inside WebAssembly with the state in locals (loaded once, stored once). `state` is a
// zeroed block, or one carried over from an earlier chunk to continue a series; its layout and
// every float operation are those of the streaming kernels, so both give bit-identical results.
// Outputs are NaN until warm.
import { FLAT, emaFactor, wilderFactor } from './rolling';

function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 3);
}

function smootherSeries(s: usize, values: usize, n: i32, period: i32, k: f64, out: usize): void {
  let count = load<i32>(s, 0);
  let sum = load<f64>(s, 8);
  let value = load<f64>(s, 16);
  let i = 0;
  for (; i < n && count < period; i++) {
    sum += load<f64>(at(values, i));
    count++;
    if (count == period) value = sum / <f64>period;
    store<f64>(at(out, i), count >= period ? value : NaN);
  }
  for (; i < n; i++) {
    value = (load<f64>(at(values, i)) - value) * k + value;
    store<f64>(at(out, i), value);
  }
  store<i32>(s, count, 0);
  store<f64>(s, sum, 8);
  store<f64>(s, value, 16);
}

export function emaSeries(state: usize, values: usize, n: i32, period: i32, out: usize): void {
  smootherSeries(state, values, n, period, emaFactor(period), out);
}

export function wilderSeries(state: usize, values: usize, n: i32, period: i32, out: usize): void {
  smootherSeries(state, values, n, period, wilderFactor(period), out);
}

// RSI state: [0 started, 1 previous, 2 gains count, 3 gains sum, 4 gains value, 5 losses count, 6 losses sum, 7 losses value].
export function rsiSeries(s: usize, values: usize, n: i32, period: i32, out: usize): void {
  let started = load<i32>(s, 0);
  let previous = load<f64>(s, 8);
  let count = load<i32>(s, 16);
  let gainSum = load<f64>(s, 24);
  let gain = load<f64>(s, 32);
  let lossSum = load<f64>(s, 48);
  let loss = load<f64>(s, 56);
  const k = wilderFactor(period);
  for (let i = 0; i < n; i++) {
    const x = load<f64>(at(values, i));
    if (started == 0) {
      started = 1;
      previous = x;
      store<f64>(at(out, i), NaN);
      continue;
    }
    const up = x > previous;
    const g = up ? x - previous : 0;
    const l = up ? 0 : previous - x;
    previous = x;
    if (count < period) {
      count++;
      gainSum += g;
      lossSum += l;
      if (count == period) {
        gain = gainSum / <f64>period;
        loss = lossSum / <f64>period;
      }
    } else {
      gain = (g - gain) * k + gain;
      loss = (l - loss) * k + loss;
    }
    let value: f64;
    if (loss == 0) value = gain == 0 ? 50 : 100;
    else value = 100 - 100 / (1 + gain / loss);
    store<f64>(at(out, i), count >= period ? value : NaN);
  }
  store<i32>(s, started, 0);
  store<f64>(s, previous, 8);
  store<i32>(s, count, 16);
  store<f64>(s, gainSum, 24);
  store<f64>(s, gain, 32);
  store<i32>(s, count, 40);
  store<f64>(s, lossSum, 48);
  store<f64>(s, loss, 56);
}

// ATR state: [0 started, 1 previous close, 2 count, 3 sum, 4 value].
export function atrSeries(
  s: usize,
  highs: usize,
  lows: usize,
  closes: usize,
  n: i32,
  period: i32,
  out: usize,
): void {
  let started = load<i32>(s, 0);
  let previous = load<f64>(s, 8);
  let count = load<i32>(s, 16);
  let sum = load<f64>(s, 24);
  let value = load<f64>(s, 32);
  const k = wilderFactor(period);
  for (let i = 0; i < n; i++) {
    const high = load<f64>(at(highs, i));
    const low = load<f64>(at(lows, i));
    let range = high - low;
    if (started > 0) {
      const up = Math.abs(high - previous);
      const down = Math.abs(low - previous);
      if (up > range) range = up;
      if (down > range) range = down;
    }
    started = 1;
    previous = load<f64>(at(closes, i));
    if (count < period) {
      count++;
      sum += range;
      if (count == period) value = sum / <f64>period;
    } else {
      value = (range - value) * k + value;
    }
    store<f64>(at(out, i), count >= period ? value : NaN);
  }
  store<i32>(s, started, 0);
  store<f64>(s, previous, 8);
  store<i32>(s, count, 16);
  store<f64>(s, sum, 24);
  store<f64>(s, value, 32);
}

const MODE_MEAN: i32 = 0;
const MODE_DEVIATION: i32 = 1;
const MODE_ZSCORE: i32 = 2;

// Rolling moments state: [0 count, 1 pos, 2 mean, 3 m2, 4 steps, 5.. ring]. `mode` is a constant
// at each call site, so the optimiser specialises the loop per output.
function momentsSeries(s: usize, values: usize, n: i32, period: i32, ddof: i32, mode: i32, out: usize): void {
  let count = load<i32>(s, 0);
  let pos = load<i32>(s, 8);
  let mean = load<f64>(s, 16);
  let m2 = load<f64>(s, 24);
  let steps = load<i32>(s, 32);
  const ring = s + 40;
  const np = <f64>period;
  for (let i = 0; i < n; i++) {
    const x = load<f64>(at(values, i));
    if (count < period) {
      count++;
      const d = x - mean;
      mean += d / <f64>count;
      m2 += d * (x - mean);
      store<f64>(at(ring, pos), x);
    } else {
      const old = load<f64>(at(ring, pos));
      store<f64>(at(ring, pos), x);
      const d = x - old;
      const next = mean + d / np;
      m2 += d * (x - next + (old - mean));
      mean = next;
      steps++;
      if (steps >= period) {
        let sum: f64 = 0;
        for (let j = 0; j < period; j++) sum += load<f64>(at(ring, j));
        mean = sum / np;
        let q: f64 = 0;
        for (let j = 0; j < period; j++) {
          const e = load<f64>(at(ring, j)) - mean;
          q += e * e;
        }
        m2 = q;
        steps = 0;
      }
    }
    if (m2 < 0) m2 = 0;
    pos = pos + 1 == period ? 0 : pos + 1;
    let result: f64;
    if (mode == MODE_MEAN) {
      result = mean;
    } else {
      const flat = FLAT * mean;
      const c = <f64>count;
      const variance = m2 <= flat * flat * c ? 0 : m2 / (c - <f64>ddof);
      const sd = Math.sqrt(variance);
      if (mode == MODE_DEVIATION) result = sd;
      else result = sd > 0 ? (x - mean) / sd : 0;
    }
    store<f64>(at(out, i), count >= period ? result : NaN);
  }
  store<i32>(s, count, 0);
  store<i32>(s, pos, 8);
  store<f64>(s, mean, 16);
  store<f64>(s, m2, 24);
  store<i32>(s, steps, 32);
}

export function smaSeries(state: usize, values: usize, n: i32, period: i32, out: usize): void {
  momentsSeries(state, values, n, period, 0, MODE_MEAN, out);
}

export function stdevSeries(state: usize, values: usize, n: i32, period: i32, ddof: i32, out: usize): void {
  momentsSeries(state, values, n, period, ddof, MODE_DEVIATION, out);
}

export function zscoreSeries(state: usize, values: usize, n: i32, period: i32, out: usize): void {
  momentsSeries(state, values, n, period, 0, MODE_ZSCORE, out);
}
