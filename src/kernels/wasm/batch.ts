import { KernelError } from '../../core/errors.js';
import { checkSeries } from '../input-guard.js';
import { type KernelModule, loadKernelModuleSync } from './module.js';

/** Largest state block a single-indicator batch needs: rolling moments of MAX_PERIOD plus headers. */
const STATE_WORDS = 10_016;

/**
 * Batch kernels: one JS→WASM call per whole series. The series is copied into linear memory, the
 * loop runs inside WebAssembly, and the outputs (NaN until warm) are copied back. For series that
 * already live in WASM memory, call `module.exports.*Series` directly with their byte offsets
 * (the benchmark does) to skip both copies.
 *
 * @example
 * const batch = new WasmBatchKernels(loadKernelModuleSync());
 * batch.ema(closes, 21) // Float64Array, same length as closes
 */
export class WasmBatchKernels {
  readonly #state: number;
  #scratch = 0;
  #scratchWords = 0;

  constructor(readonly module: KernelModule = loadKernelModuleSync()) {
    this.#state = module.allocate(STATE_WORDS * 8);
  }

  /** A zeroed state block (fresh indicator) and room for `inputs` series of n values plus the output. */
  #prepare(
    series: readonly ArrayLike<number>[],
    period: number,
  ): { state: number; inputs: number[]; out: number; n: number } {
    const first = series[0];
    const n = first?.length ?? 0;
    if (!Number.isInteger(period) || period < 1 || period > 10_000) {
      throw new KernelError('KERNEL_BAD_SPEC', `period must be an integer in [1, 10000], got ${period}`);
    }
    series.forEach((values, i) => {
      if (values.length !== n)
        throw new KernelError('KERNEL_BAD_SPEC', `series ${i} has ${values.length} values, expected ${n}`);
      checkSeries(`series ${i}`, values);
    });
    const words = (series.length + 1) * n;
    if (words > this.#scratchWords) {
      this.#scratchWords = Math.max(words, this.#scratchWords * 2);
      this.#scratch = this.module.allocate(this.#scratchWords * 8);
    }
    const heap = this.module.heap;
    heap.fill(0, this.#state / 8, this.#state / 8 + STATE_WORDS);
    const inputs = series.map((values, i) => {
      const ptr = this.#scratch + i * n * 8;
      heap.set(values, ptr / 8);
      return ptr;
    });
    return { state: this.#state, inputs, out: this.#scratch + series.length * n * 8, n };
  }

  #result(out: number, n: number): Float64Array {
    return this.module.heap.slice(out / 8, out / 8 + n);
  }

  ema(values: ArrayLike<number>, period: number): Float64Array {
    const { state, inputs, out, n } = this.#prepare([values], period);
    this.module.exports.emaSeries(state, inputs[0] as number, n, period, out);
    return this.#result(out, n);
  }

  sma(values: ArrayLike<number>, period: number): Float64Array {
    const { state, inputs, out, n } = this.#prepare([values], period);
    this.module.exports.smaSeries(state, inputs[0] as number, n, period, out);
    return this.#result(out, n);
  }

  wilder(values: ArrayLike<number>, period: number): Float64Array {
    const { state, inputs, out, n } = this.#prepare([values], period);
    this.module.exports.wilderSeries(state, inputs[0] as number, n, period, out);
    return this.#result(out, n);
  }

  rsi(values: ArrayLike<number>, period: number): Float64Array {
    const { state, inputs, out, n } = this.#prepare([values], period);
    this.module.exports.rsiSeries(state, inputs[0] as number, n, period, out);
    return this.#result(out, n);
  }

  stdev(values: ArrayLike<number>, period: number, sample = false): Float64Array {
    if (sample && period < 2) throw new KernelError('KERNEL_BAD_SPEC', 'a sample deviation needs period ≥ 2');
    const { state, inputs, out, n } = this.#prepare([values], period);
    this.module.exports.stdevSeries(state, inputs[0] as number, n, period, sample ? 1 : 0, out);
    return this.#result(out, n);
  }

  zscore(values: ArrayLike<number>, period: number): Float64Array {
    const { state, inputs, out, n } = this.#prepare([values], period);
    this.module.exports.zscoreSeries(state, inputs[0] as number, n, period, out);
    return this.#result(out, n);
  }

  atr(
    highs: ArrayLike<number>,
    lows: ArrayLike<number>,
    closes: ArrayLike<number>,
    period: number,
  ): Float64Array {
    const { state, inputs, out, n } = this.#prepare([highs, lows, closes], period);
    const [h, l, c] = inputs as [number, number, number];
    this.module.exports.atrSeries(state, h, l, c, n, period, out);
    return this.#result(out, n);
  }
}
