// Rolling-window state machines on linear memory. Each mirrors src/kernels/reference/rolling.ts
// operation for operation, so the WebAssembly and TypeScript kernels agree to rounding.
// Counters are i32 stored in 8-byte words; zeroed memory is a fresh state.
import { word, setWord } from '../util/memory';

/** Relative deviation below which a window counts as flat (see FLAT_RELATIVE_DEVIATION). */
export const FLAT: f64 = 1e-12;

// Rolling moments: [0 count, 1 pos, 2 mean, 3 m2, 4 steps, 5.. ring(n)].
export const MOMENTS_HEADER: i32 = 5;

/** Welford add/replace, exact two-pass recompute every n replacements. */
export function momentsPush(s: usize, n: i32, x: f64): void {
  let count = load<i32>(s, 0);
  let pos = load<i32>(s, 8);
  let mean = load<f64>(s, 16);
  let m2 = load<f64>(s, 24);
  const ring = s + 40;
  if (count < n) {
    count++;
    const d = x - mean;
    mean += d / <f64>count;
    m2 += d * (x - mean);
    setWord(ring, pos, x);
    store<i32>(s, count, 0);
  } else {
    const old = word(ring, pos);
    setWord(ring, pos, x);
    const d = x - old;
    const next = mean + d / <f64>n;
    m2 += d * (x - next + (old - mean));
    mean = next;
    let steps = load<i32>(s, 32) + 1;
    if (steps >= n) {
      let sum: f64 = 0;
      for (let i = 0; i < n; i++) sum += word(ring, i);
      mean = sum / <f64>n;
      let q: f64 = 0;
      for (let i = 0; i < n; i++) {
        const e = word(ring, i) - mean;
        q += e * e;
      }
      m2 = q;
      steps = 0;
    }
    store<i32>(s, steps, 32);
  }
  if (m2 < 0) m2 = 0;
  store<f64>(s, mean, 16);
  store<f64>(s, m2, 24);
  store<i32>(s, pos + 1 == n ? 0 : pos + 1, 8);
}

export function momentsWarm(s: usize, n: i32): bool {
  return load<i32>(s, 0) >= n;
}

export function momentsMean(s: usize): f64 {
  return load<f64>(s, 16);
}

/** Population (ddof 0) or sample (ddof 1) variance; 0 for a flat window. */
export function momentsVariance(s: usize, ddof: i32): f64 {
  const count = <f64>load<i32>(s, 0);
  const mean = load<f64>(s, 16);
  const m2 = load<f64>(s, 24);
  const flat = FLAT * mean;
  if (m2 <= flat * flat * count) return 0;
  return m2 / (count - <f64>ddof);
}

// Rolling sum: [0 count, 1 pos, 2 sum, 3 steps, 4.. ring(n)].
export const SUM_HEADER: i32 = 4;

export function sumPush(s: usize, n: i32, x: f64): void {
  let count = load<i32>(s, 0);
  const pos = load<i32>(s, 8);
  let sum = load<f64>(s, 16);
  const ring = s + 32;
  if (count < n) {
    count++;
    sum += x;
    setWord(ring, pos, x);
    store<i32>(s, count, 0);
  } else {
    const old = word(ring, pos);
    setWord(ring, pos, x);
    sum += x - old;
    let steps = load<i32>(s, 24) + 1;
    if (steps >= n) {
      sum = 0;
      for (let i = 0; i < n; i++) sum += word(ring, i);
      steps = 0;
    }
    store<i32>(s, steps, 24);
  }
  store<f64>(s, sum, 16);
  store<i32>(s, pos + 1 == n ? 0 : pos + 1, 8);
}

export function sumValue(s: usize): f64 {
  return load<f64>(s, 16);
}

export function sumWarm(s: usize, n: i32): bool {
  return load<i32>(s, 0) >= n;
}

// Smoother (EMA / Wilder), seeded with the mean of the first n values: [0 count, 1 sum, 2 value].
export const SMOOTHER_WORDS: i32 = 3;

export function smootherPush(s: usize, n: i32, k: f64, x: f64): void {
  const count = load<i32>(s, 0);
  if (count < n) {
    const sum = load<f64>(s, 8) + x;
    store<f64>(s, sum, 8);
    store<i32>(s, count + 1, 0);
    if (count + 1 == n) store<f64>(s, sum / <f64>n, 16);
  } else {
    const value = load<f64>(s, 16);
    store<f64>(s, (x - value) * k + value, 16);
  }
}

export function smootherWarm(s: usize, n: i32): bool {
  return load<i32>(s, 0) >= n;
}

export function smootherValue(s: usize): f64 {
  return load<f64>(s, 16);
}

export function emaFactor(n: i32): f64 {
  return 2.0 / (<f64>n + 1.0);
}

export function wilderFactor(n: i32): f64 {
  return 1.0 / <f64>n;
}
