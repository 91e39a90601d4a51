import type { Bar, Tick } from '../../core/events.js';
import { KernelError } from '../../core/errors.js';
import type { FeatureEngine, FeatureSpec, FusedFeatureKernel } from '../../pipeline/operator.js';
import { type CompiledFeature, type CompiledGroup, compileGroup } from '../feature-program.js';
import { checkBar, checkSeries, checkTick, sideCode, wrongInput } from '../input-guard.js';
import { type KernelModule, loadKernelModule, loadKernelModuleSync } from './module.js';

/**
 * Bytes per program record: i32 [opcode, state byte offset, output byte offset, a0, a1, a2, a3,
 * unused], then f64 [a0, a1, a2, a3] (see assembly/indicators/fused.ts).
 */
const RECORD_BYTES = 64;
/** Words of the input record: bar = [ts, open, high, low, close, volume, buyVolume, sellVolume]. */
export const BAR_WORDS = 8;
/** Tick = [ts, price, size, bid, ask, side]. */
export const TICK_WORDS = 6;

/** Position of the price field in the args of the rolling-moments kernels. */
const MOMENTS_FIELD_ARG: Readonly<Record<string, number>> = { sma: 1, bollinger: 2, stdev: 2, zscore: 1 };

/** `period|field` for features kept on a rolling-moments window, undefined for the others. */
function momentsKey(feature: CompiledFeature): string | undefined {
  const fieldArg = MOMENTS_FIELD_ARG[feature.kind];
  return fieldArg === undefined ? undefined : `${feature.args[0]}|${feature.args[fieldArg]}`;
}

/** A fused group compiled into WebAssembly memory: its program, I/O scratch and state blocks. */
export class WasmFusedKernel implements FusedFeatureKernel {
  readonly width: number;
  readonly group: CompiledGroup;
  /** Byte offsets of the program, the input record and the output vector in linear memory. */
  readonly program: number;
  readonly input: number;
  readonly output: number;
  /** Byte offset of the descriptor [program, count, input, output] the per-message call passes. */
  readonly descriptor: number;
  /** Bytes of state per instrument (features over the same window share theirs). */
  readonly stateBytes: number;
  /** Byte offset of each instrument's state block, by slot. */
  readonly slots: number[] = [];
  readonly #module: KernelModule;
  readonly #count: number;

  constructor(module: KernelModule, specs: readonly FeatureSpec[]) {
    this.#module = module;
    this.group = compileGroup(specs);
    this.width = this.group.width;
    this.#count = this.group.features.length;
    this.program = module.allocate(this.#count * RECORD_BYTES);
    this.input = module.allocate(BAR_WORDS * 8);
    this.output = module.allocate(this.width * 8);
    this.descriptor = module.allocate(16);
    module.heapInt32.set([this.program, this.#count, this.input, this.output], this.descriptor / 4);
    let stateBytes = 0;
    let outIndex = 0;
    // Features over the same rolling window (same period and price field) share one state: the
    // first updates it, the others only read it. Decided once here, it saves the window's update.
    const windows = new Map<string, number>();
    this.group.features.forEach((feature, i) => {
      const record = this.program + i * RECORD_BYTES;
      const key = momentsKey(feature);
      const owner = key === undefined ? undefined : windows.get(key);
      const state = owner ?? stateBytes;
      const ints = [
        feature.opcode,
        state,
        outIndex * 8,
        ...feature.args.map((a) => Math.trunc(a)),
        owner === undefined ? 0 : 1,
      ];
      module.heapInt32.set(ints, record / 4);
      module.heap.set(feature.args, record / 8 + 4);
      if (owner === undefined) {
        if (key !== undefined) windows.set(key, stateBytes);
        stateBytes += feature.stateWords * 8;
      }
      outIndex += feature.width;
    });
    this.stateBytes = stateBytes;
  }

  addInstrument(): number {
    return this.slots.push(this.#module.allocate(this.stateBytes)) - 1;
  }

  #state(slot: number): number {
    const state = this.slots[slot];
    if (state === undefined) {
      throw new KernelError(
        'KERNEL_BAD_SLOT',
        `slot ${slot} was never allocated (have ${this.slots.length})`,
      );
    }
    return state;
  }

  // The two update methods are the per-message hot path: no allocation, one JS→WASM call.
  updateBar(slot: number, bar: Bar, out: Float64Array): boolean {
    if (this.group.input !== 'bar') throw wrongInput('bar');
    const state = this.#state(slot);
    checkBar(bar);
    const module = this.#module;
    const heap = module.heap;
    const at = this.input >> 3;
    heap[at] = bar.ts;
    heap[at + 1] = bar.open;
    heap[at + 2] = bar.high;
    heap[at + 3] = bar.low;
    heap[at + 4] = bar.close;
    heap[at + 5] = bar.volume;
    heap[at + 6] = bar.buyVolume;
    heap[at + 7] = bar.sellVolume;
    const warm = module.exports.fusedBarAt(this.descriptor, state);
    const from = this.output >> 3;
    for (let i = 0; i < this.width; i++) out[i] = heap[from + i] as number;
    return warm === 1;
  }

  updateTick(slot: number, tick: Tick, out: Float64Array): boolean {
    if (this.group.input !== 'tick') throw wrongInput('tick');
    const state = this.#state(slot);
    checkTick(tick);
    const module = this.#module;
    const heap = module.heap;
    const at = this.input >> 3;
    heap[at] = tick.ts;
    heap[at + 1] = tick.price;
    heap[at + 2] = tick.size;
    heap[at + 3] = tick.bid;
    heap[at + 4] = tick.ask;
    heap[at + 5] = sideCode(tick);
    const warm = module.exports.fusedTickAt(this.descriptor, state);
    const from = this.output >> 3;
    for (let i = 0; i < this.width; i++) out[i] = heap[from + i] as number;
    return warm === 1;
  }

  /**
   * Runs the group over a whole series for one instrument in one call (replay, backfill). `rows`
   * holds `n` input records (BAR_WORDS or TICK_WORDS each, side as +1/−1/0); returns n × width
   * outputs. Rows are checked for NaN and Infinity first.
   */
  updateSeries(slot: number, rows: Float64Array): Float64Array {
    const state = this.#state(slot);
    const words = this.group.input === 'bar' ? BAR_WORDS : TICK_WORDS;
    if (rows.length % words !== 0) {
      throw new KernelError('KERNEL_BAD_SPEC', `series length ${rows.length} is not a multiple of ${words}`);
    }
    checkSeries('rows', rows);
    const n = rows.length / words;
    const scratch = seriesScratch(this.#module, rows.length + n * this.width);
    const heap = this.#module.heap;
    heap.set(rows, scratch / 8);
    const out = scratch + rows.length * 8;
    const exports = this.#module.exports;
    if (this.group.input === 'bar')
      exports.fusedBarSeries(this.program, this.#count, state, scratch, n, out, this.width);
    else exports.fusedTickSeries(this.program, this.#count, state, scratch, n, out, this.width);
    return this.#module.heap.slice(out / 8, out / 8 + n * this.width);
  }
}

const scratchByModule = new WeakMap<KernelModule, { ptr: number; words: number }>();

/** A reusable scratch area of at least `words` float64s; grows by doubling (the old one is not reused). */
export function seriesScratch(module: KernelModule, words: number): number {
  const current = scratchByModule.get(module);
  if (current !== undefined && current.words >= words) return current.ptr;
  const size = Math.max(words, (current?.words ?? 0) * 2, 1024);
  const ptr = module.allocate(size * 8);
  scratchByModule.set(module, { ptr, words: size });
  return ptr;
}

/** A FeatureEngine whose kernels also take whole series (`updateSeries`). */
export interface WasmFeatureEngine extends FeatureEngine {
  fuse(specs: readonly FeatureSpec[]): WasmFusedKernel;
}

/** The WebAssembly feature engine over an already loaded module. */
export function wasmFeatureEngine(module: KernelModule): WasmFeatureEngine {
  return { name: 'wasm', fuse: (specs) => new WasmFusedKernel(module, specs) };
}

/**
 * Loads build/enigma.wasm once (shared by every pipeline) and returns the WebAssembly feature
 * engine. Rejects with `KERNEL_WASM_UNAVAILABLE` when the module is missing.
 *
 * @example
 * const engine = await loadWasmFeatureEngine();
 * const kernel = engine.fuse([{ kind: 'rsi', input: 'bar', params: { period: 14 }, outputs: ['rsi'] }]);
 */
export async function loadWasmFeatureEngine(): Promise<FeatureEngine> {
  return wasmFeatureEngine(await loadKernelModule());
}

/** Synchronous twin of `loadWasmFeatureEngine`, for tests and the benchmark. */
export function loadWasmFeatureEngineSync(): WasmFeatureEngine {
  return wasmFeatureEngine(loadKernelModuleSync());
}
