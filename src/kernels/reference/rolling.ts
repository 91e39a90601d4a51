/**
 * Rolling-window building blocks of the reference kernels. The WebAssembly kernels in
 * `assembly/features/` perform the same float operations in the same order, so the two agree to
 * the last bit or close to it (parity tests allow 1e-9 relative).
 */

/** A window flatter than this (relative deviation) counts as exactly flat: rounding noise, not signal. */
export const FLAT_RELATIVE_DEVIATION = 1e-12;

/**
 * Mean and sum of squared deviations over the last `n` values, updated in O(1) per value with
 * Welford's method (adding while the window fills, replacing once it is full). Every `n`
 * replacements the two are recomputed exactly from the window (two-pass), which bounds the
 * rounding drift of a long stream at O(1) amortised cost.
 */
export class RollingMoments {
  readonly ring: Float64Array;
  count = 0;
  pos = 0;
  mean = 0;
  m2 = 0;
  steps = 0;

  constructor(readonly n: number) {
    this.ring = new Float64Array(n);
  }

  push(x: number): void {
    const n = this.n;
    if (this.count < n) {
      this.count++;
      const d = x - this.mean;
      this.mean += d / this.count;
      this.m2 += d * (x - this.mean);
      this.ring[this.pos] = x;
    } else {
      const old = this.ring[this.pos] as number;
      this.ring[this.pos] = x;
      const d = x - old;
      const mean = this.mean + d / n;
      this.m2 += d * (x - mean + (old - this.mean));
      this.mean = mean;
      if (++this.steps >= n) this.recompute();
    }
    if (this.m2 < 0) this.m2 = 0;
    this.pos = this.pos + 1 === n ? 0 : this.pos + 1;
  }

  /** Population variance (ddof 0) or sample variance (ddof 1); 0 for a flat window. */
  variance(ddof: number): number {
    const flat = FLAT_RELATIVE_DEVIATION * this.mean;
    if (this.m2 <= flat * flat * this.count) return 0;
    return this.m2 / (this.count - ddof);
  }

  get warm(): boolean {
    return this.count >= this.n;
  }

  private recompute(): void {
    const n = this.n;
    const ring = this.ring;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += ring[i] as number;
    const mean = sum / n;
    let m2 = 0;
    for (let i = 0; i < n; i++) {
      const e = (ring[i] as number) - mean;
      m2 += e * e;
    }
    this.mean = mean;
    this.m2 = m2;
    this.steps = 0;
  }
}

/** A sum over the last `n` values, O(1) per value, recomputed exactly every `n` replacements. */
export class RollingSum {
  readonly ring: Float64Array;
  count = 0;
  pos = 0;
  sum = 0;
  steps = 0;

  constructor(readonly n: number) {
    this.ring = new Float64Array(n);
  }

  push(x: number): void {
    const n = this.n;
    if (this.count < n) {
      this.count++;
      this.sum += x;
      this.ring[this.pos] = x;
    } else {
      const old = this.ring[this.pos] as number;
      this.ring[this.pos] = x;
      this.sum += x - old;
      if (++this.steps >= n) {
        let sum = 0;
        for (let i = 0; i < n; i++) sum += this.ring[i] as number;
        this.sum = sum;
        this.steps = 0;
      }
    }
    this.pos = this.pos + 1 === n ? 0 : this.pos + 1;
  }

  get warm(): boolean {
    return this.count >= this.n;
  }
}

/**
 * Exponential smoothing seeded with the simple mean of the first `n` values (the TA-Lib and
 * `technicalindicators` convention): value ← value + k·(x − value). `k = 2/(n+1)` gives the EMA,
 * `k = 1/n` Wilder's smoothing (RMA).
 */
export class Smoother {
  count = 0;
  sum = 0;
  value = 0;

  constructor(
    readonly n: number,
    readonly k: number,
  ) {}

  push(x: number): void {
    if (this.count < this.n) {
      this.count++;
      this.sum += x;
      if (this.count === this.n) this.value = this.sum / this.n;
    } else {
      this.value = (x - this.value) * this.k + this.value;
    }
  }

  get warm(): boolean {
    return this.count >= this.n;
  }
}

/** EMA smoothing factor 2/(n+1). */
export const emaFactor = (n: number): number => 2 / (n + 1);
/** Wilder smoothing factor 1/n. */
export const wilderFactor = (n: number): number => 1 / n;
