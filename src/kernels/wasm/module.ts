import { readFileSync } from 'node:fs';
import { KernelError } from '../../core/errors.js';

/** Interface version the TypeScript side expects from `assembly/index.ts` `version()`. */
export const KERNEL_MODULE_VERSION = 2;

/** The slice of the WebAssembly JS API the loader uses (the project's lib settings do not declare it). */
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
}

/** The raw exports of build/enigma.wasm (pointers are byte offsets into `memory`). */
export interface KernelExports {
  readonly memory: WasmMemory;
  version(): number;
  allocate(bytes: number): number;
  fusedBar(program: number, count: number, state: number, bar: number, out: number): number;
  fusedTick(program: number, count: number, state: number, tick: number, out: number): number;
  fusedBarAt(kernel: number, state: number): number;
  fusedTickAt(kernel: number, state: number): number;
  fusedBarSeries(
    program: number,
    count: number,
    state: number,
    bars: number,
    n: number,
    out: number,
    width: number,
  ): number;
  fusedTickSeries(
    program: number,
    count: number,
    state: number,
    ticks: number,
    n: number,
    out: number,
    width: number,
  ): number;
  emaSeries(state: number, values: number, n: number, period: number, out: number): void;
  smaSeries(state: number, values: number, n: number, period: number, out: number): void;
  wilderSeries(state: number, values: number, n: number, period: number, out: number): void;
  rsiSeries(state: number, values: number, n: number, period: number, out: number): void;
  stdevSeries(state: number, values: number, n: number, period: number, ddof: number, out: number): void;
  zscoreSeries(state: number, values: number, n: number, period: number, out: number): void;
  atrSeries(
    state: number,
    highs: number,
    lows: number,
    closes: number,
    n: number,
    period: number,
    out: number,
  ): void;
  kellyFraction(winProbability: number, payoffRatio: number): number;
  kellyFractionContinuous(mean: number, variance: number): number;
  contractsForRiskBudget(riskBudget: number, stopDistance: number, pointValue: number): number;
  kellyContracts(
    winProbability: number,
    payoffRatio: number,
    fraction: number,
    equity: number,
    stopDistance: number,
    pointValue: number,
    riskBudget: number,
    maxContracts: number,
  ): number;
  drawdownSeries(equity: number, n: number, trail: number, out: number): number;
  tradeStatisticsSeries(pnls: number, n: number, window: number, ring: number, out: number): void;
  tailRiskSeries(
    returns: number,
    n: number,
    window: number,
    confidence: number,
    ring: number,
    sorted: number,
    out: number,
  ): void;
}

/**
 * The one instance of the kernel module, shared by every pipeline. `heap` is a Float64Array over
 * the whole linear memory; it is replaced whenever the memory grows, so read it after allocating.
 */
export class KernelModule {
  heap: Float64Array;
  /** The same memory as 32-bit integers (program records). */
  heapInt32: Int32Array;

  constructor(readonly exports: KernelExports) {
    this.heap = new Float64Array(exports.memory.buffer);
    this.heapInt32 = new Int32Array(exports.memory.buffer);
  }

  /** Allocates zeroed memory and returns its byte offset (8-byte aligned), refreshing `heap`. */
  allocate(bytes: number): number {
    const ptr = this.exports.allocate(Math.max(8, bytes)) >>> 0;
    if (this.heap.buffer !== this.exports.memory.buffer) {
      this.heap = new Float64Array(this.exports.memory.buffer);
      this.heapInt32 = new Int32Array(this.exports.memory.buffer);
    }
    return ptr;
  }
}

/** Where `npm run build:wasm` writes the module; the same relative path from src/ and from dist/. */
export const RELEASE_WASM_URL = new URL('../../../build/enigma.wasm', import.meta.url);
export const DEBUG_WASM_URL = new URL('../../../build/enigma.debug.wasm', import.meta.url);

function readAbortMessage(memory: WasmMemory, pointer: number): string {
  if (pointer === 0) return '';
  const bytes = new Uint32Array(memory.buffer)[(pointer - 4) >>> 2] ?? 0;
  return String.fromCharCode(...new Uint16Array(memory.buffer, pointer, bytes >>> 1));
}

/** Compiles and instantiates a kernel module from its bytes (synchronous: Node allows any size). */
export function instantiateKernelModule(bytes: Uint8Array): KernelModule {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined)
    throw new KernelError('KERNEL_WASM_UNAVAILABLE', 'this runtime has no WebAssembly; use --no-wasm');
  // Filled in once the instance exists; `abort` can only run after that.
  const bound: { memory?: WasmMemory } = {};
  const imports = {
    env: {
      abort(message: number, file: number, line: number, column: number): never {
        const memory = bound.memory;
        const text = memory === undefined ? 'abort' : readAbortMessage(memory, message);
        const where = memory === undefined ? '' : ` in ${readAbortMessage(memory, file)}:${line}:${column}`;
        throw new KernelError('KERNEL_WASM_UNAVAILABLE', `WebAssembly kernel aborted: ${text}${where}`);
      },
    },
  };
  const instance = new wasm.Instance(new wasm.Module(bytes), imports);
  const exports = instance.exports as unknown as KernelExports;
  bound.memory = exports.memory;
  const version = exports.version();
  if (version !== KERNEL_MODULE_VERSION) {
    throw new KernelError(
      'KERNEL_WASM_UNAVAILABLE',
      `build/enigma.wasm is version ${version}, expected ${KERNEL_MODULE_VERSION}: run npm run build:wasm`,
    );
  }
  return new KernelModule(exports);
}

const loaded = new Map<string, KernelModule>();

/**
 * Loads build/enigma.wasm (or the debug build) once per process and returns the shared instance.
 * Throws `KERNEL_WASM_UNAVAILABLE` when the file is missing or WebAssembly is not available.
 *
 * @example const kernels = loadKernelModuleSync(); kernels.exports.version() // 2
 */
export function loadKernelModuleSync(options: { debug?: boolean } = {}): KernelModule {
  const url = options.debug === true ? DEBUG_WASM_URL : RELEASE_WASM_URL;
  const cached = loaded.get(url.href);
  if (cached !== undefined) return cached;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(url);
  } catch (cause) {
    throw new KernelError('KERNEL_WASM_UNAVAILABLE', `cannot read ${url.pathname}: run npm run build:wasm`, {
      cause,
    });
  }
  const module = instantiateKernelModule(bytes);
  loaded.set(url.href, module);
  return module;
}

/** The async form of `loadKernelModuleSync`, for callers that start up asynchronously. */
export function loadKernelModule(options: { debug?: boolean } = {}): Promise<KernelModule> {
  try {
    return Promise.resolve(loadKernelModuleSync(options));
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
