/**
 * Count, mean, variance, sum, min and max of the last `size` values in O(1) amortised time per
 * value, without ever subtracting a value that leaves the window: the "two stacks" sliding
 * aggregation, combining partial results with Chan's parallel formula. A value far larger than
 * the rest cannot leave rounding error behind after it has left, as it does with running sums.
 */
export class RollingWindow {
  // Front stack: oldest value on top; entry i aggregates values from it to the newest in front.
  private readonly frontMean: Float64Array;
  private readonly frontM2: Float64Array;
  private readonly frontSum: Float64Array;
  private readonly frontMin: Float64Array;
  private readonly frontMax: Float64Array;
  private frontCount = 0;
  // Back stack: values in arrival order and one running aggregate of them.
  private readonly back: Float64Array;
  private backCount = 0;
  private backMean = 0;
  private backM2 = 0;
  private backSum = 0;
  private backMin = Infinity;
  private backMax = -Infinity;
  // Ring of raw values for first/last.
  private readonly ring: Float64Array;
  private next = 0;
  private held = 0;

  constructor(private readonly size: number) {
    this.frontMean = new Float64Array(size);
    this.frontM2 = new Float64Array(size);
    this.frontSum = new Float64Array(size);
    this.frontMin = new Float64Array(size);
    this.frontMax = new Float64Array(size);
    this.back = new Float64Array(size);
    this.ring = new Float64Array(size);
  }

  /** Adds a value, dropping the oldest when full; true once the window is full. */
  push(value: number): boolean {
    if (this.held === this.size) this.evictOldest();
    else this.held++;
    this.ring[this.next] = value;
    this.next = (this.next + 1) % this.size;
    this.back[this.backCount++] = value;
    const delta = value - this.backMean;
    this.backMean += delta / this.backCount;
    this.backM2 += delta * (value - this.backMean);
    this.backSum += value;
    if (value < this.backMin) this.backMin = value;
    if (value > this.backMax) this.backMax = value;
    return this.held === this.size;
  }

  get count(): number {
    return this.held;
  }

  get sum(): number {
    return (this.frontCount > 0 ? (this.frontSum[this.frontCount - 1] ?? 0) : 0) + this.backSum;
  }

  get mean(): number {
    return this.combined().mean;
  }

  /** Sample standard deviation (n − 1). */
  get stdev(): number {
    const { n, m2 } = this.combined();
    return n > 1 ? Math.sqrt(Math.max(0, m2 / (n - 1))) : 0;
  }

  get min(): number {
    return Math.min(
      this.frontCount > 0 ? (this.frontMin[this.frontCount - 1] ?? Infinity) : Infinity,
      this.backMin,
    );
  }

  get max(): number {
    return Math.max(
      this.frontCount > 0 ? (this.frontMax[this.frontCount - 1] ?? -Infinity) : -Infinity,
      this.backMax,
    );
  }

  get first(): number {
    return this.ring[this.held === this.size ? this.next : 0] ?? Number.NaN;
  }

  get last(): number {
    return this.ring[(this.next + this.size - 1) % this.size] ?? Number.NaN;
  }

  private combined(): { n: number; mean: number; m2: number } {
    const top = this.frontCount - 1;
    if (top < 0) return { n: this.backCount, mean: this.backMean, m2: this.backM2 };
    return combine(
      this.frontCount,
      this.frontMean[top] ?? 0,
      this.frontM2[top] ?? 0,
      this.backCount,
      this.backMean,
      this.backM2,
    );
  }

  private evictOldest(): void {
    if (this.frontCount === 0) this.flip();
    this.frontCount--;
  }

  /** Moves the back stack onto the front, newest first, so the oldest value ends on top. */
  private flip(): void {
    let n = 0;
    let mean = 0;
    let m2 = 0;
    let sum = 0;
    let min = Infinity;
    let max = -Infinity;
    for (let i = this.backCount - 1; i >= 0; i--) {
      const value = this.back[i] ?? 0;
      const merged = combine(1, value, 0, n, mean, m2);
      n = merged.n;
      mean = merged.mean;
      m2 = merged.m2;
      sum += value;
      if (value < min) min = value;
      if (value > max) max = value;
      const slot = this.frontCount++;
      this.frontMean[slot] = mean;
      this.frontM2[slot] = m2;
      this.frontSum[slot] = sum;
      this.frontMin[slot] = min;
      this.frontMax[slot] = max;
    }
    this.backCount = 0;
    this.backMean = 0;
    this.backM2 = 0;
    this.backSum = 0;
    this.backMin = Infinity;
    this.backMax = -Infinity;
  }
}

/** Chan, Golub and LeVeque's pairwise combination of counts, means and sums of squared deviations. */
function combine(
  nA: number,
  meanA: number,
  m2A: number,
  nB: number,
  meanB: number,
  m2B: number,
): { n: number; mean: number; m2: number } {
  const n = nA + nB;
  if (nB === 0) return { n, mean: meanA, m2: m2A };
  if (nA === 0) return { n, mean: meanB, m2: m2B };
  const delta = meanB - meanA;
  return { n, mean: meanA + (delta * nB) / n, m2: m2A + m2B + (delta * delta * nA * nB) / n };
}
