import { KernelError } from '../core/errors.js';
import type { FeatureSpec } from '../pipeline/operator.js';

/**
 * The compiled form of a feature spec, shared by the WebAssembly engine and the TypeScript
 * reference: an opcode, the numeric params in a fixed order, and the state size in float64 words.
 * The WebAssembly engine writes these records into linear memory once, at fuse time; its fused
 * kernel walks them per message, so no JS→WASM call is made per feature.
 */

/** Kernel opcodes; the numbers are the `switch` cases in `assembly/features/fused.ts`. */
export const OPCODES = {
  sma: 0,
  ema: 1,
  wilder: 2,
  rsi: 3,
  atr: 4,
  bollinger: 5,
  macd: 6,
  stdev: 7,
  zscore: 8,
  vwap: 9,
  realizedVol: 10,
  roc: 11,
  donchian: 12,
  orderFlowImbalance: 13,
  cumulativeDelta: 14,
  tickVwap: 15,
} as const;

export type FeatureKind = keyof typeof OPCODES;

/** Which bar value a price feature reads. */
export const PRICE_FIELDS = ['close', 'open', 'high', 'low', 'typical'] as const;
export type PriceField = (typeof PRICE_FIELDS)[number];

/** Defaults for every feature param; the operators' schemas use the same values. */
export const FEATURE_DEFAULTS = {
  period: 14,
  field: 'close' as PriceField,
  multiplier: 2,
  fast: 12,
  slow: 26,
  signal: 9,
  sample: false,
  window: 0,
  sessionStartMinute: 1320,
  annualization: 1,
  reset: true,
} as const;

/** Longest window any kernel accepts: bounds the state per instrument (ring buffers). */
export const MAX_PERIOD = 10_000;

export interface CompiledFeature {
  readonly kind: FeatureKind;
  readonly opcode: number;
  readonly input: 'bar' | 'tick';
  /** Values written per update. */
  readonly width: number;
  /** Float64 words of state per instrument. */
  readonly stateWords: number;
  /** Numeric params in kernel order: [p0, p1, p2, p3] (unused ones are 0). */
  readonly args: readonly [number, number, number, number];
  readonly outputs: readonly string[];
}

/** Words of state of a rolling-moments window (count, pos, mean, m2, steps, ring). */
const momentsWords = (n: number): number => 5 + n;
/** Words of a rolling sum (count, pos, sum, steps, ring). */
const rollingSumWords = (n: number): number => 4 + n;
const emaWords = 3;

const OUTPUT_COUNT: Record<FeatureKind, number> = {
  sma: 1,
  ema: 1,
  wilder: 1,
  rsi: 1,
  atr: 1,
  bollinger: 3,
  macd: 3,
  stdev: 1,
  zscore: 1,
  vwap: 1,
  realizedVol: 1,
  roc: 1,
  donchian: 3,
  orderFlowImbalance: 1,
  cumulativeDelta: 1,
  tickVwap: 1,
};

const TICK_KINDS: ReadonlySet<FeatureKind> = new Set(['orderFlowImbalance', 'cumulativeDelta', 'tickVwap']);

function isFeatureKind(kind: string): kind is FeatureKind {
  return Object.hasOwn(OPCODES, kind);
}

/** Compiles one spec; throws `KernelError` (`KERNEL_BAD_SPEC`) on an unknown kind or a bad param. */
export function compileFeature(spec: FeatureSpec): CompiledFeature {
  const { kind } = spec;
  if (!isFeatureKind(kind)) throw new KernelError('KERNEL_BAD_SPEC', `unknown feature kind '${kind}'`);
  const p = spec.params;
  const int = (name: string, fallback: number, min: number): number => {
    const value = p[name] ?? fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_PERIOD) {
      throw new KernelError(
        'KERNEL_BAD_SPEC',
        `${kind}: '${name}' must be an integer in [${min}, ${MAX_PERIOD}]`,
      );
    }
    return value;
  };
  const real = (name: string, fallback: number, min: number, max: number): number => {
    const value = p[name] ?? fallback;
    if (typeof value !== 'number' || !(value >= min && value <= max)) {
      throw new KernelError('KERNEL_BAD_SPEC', `${kind}: '${name}' must be a number in [${min}, ${max}]`);
    }
    return value;
  };
  const field = (): number => {
    const value = p['field'] ?? FEATURE_DEFAULTS.field;
    const index = PRICE_FIELDS.indexOf(value as PriceField);
    if (index < 0)
      throw new KernelError('KERNEL_BAD_SPEC', `${kind}: 'field' must be one of ${PRICE_FIELDS.join(', ')}`);
    return index;
  };
  const flag = (name: string, fallback: boolean): number => {
    const value = p[name] ?? fallback;
    if (typeof value !== 'boolean')
      throw new KernelError('KERNEL_BAD_SPEC', `${kind}: '${name}' must be true or false`);
    return value ? 1 : 0;
  };
  const minute = (): number => real('sessionStartMinute', FEATURE_DEFAULTS.sessionStartMinute, 0, 1439);

  let args: [number, number, number, number];
  let stateWords: number;
  const period = (min = 1): number => int('period', FEATURE_DEFAULTS.period, min);
  switch (kind) {
    case 'sma': {
      const n = period();
      args = [n, field(), 0, 0];
      stateWords = momentsWords(n);
      break;
    }
    case 'ema':
    case 'wilder':
      args = [period(), field(), 0, 0];
      stateWords = emaWords;
      break;
    case 'rsi':
      args = [period(), field(), 0, 0];
      stateWords = 2 + 2 * emaWords;
      break;
    case 'atr':
      args = [period(), 0, 0, 0];
      stateWords = 2 + emaWords;
      break;
    case 'bollinger': {
      const n = period(2);
      args = [n, real('multiplier', FEATURE_DEFAULTS.multiplier, 0, 100), field(), 0];
      stateWords = momentsWords(n);
      break;
    }
    case 'macd': {
      const fast = int('fast', FEATURE_DEFAULTS.fast, 1);
      const slow = int('slow', FEATURE_DEFAULTS.slow, 2);
      if (fast >= slow)
        throw new KernelError('KERNEL_BAD_SPEC', `macd: 'fast' (${fast}) must be below 'slow' (${slow})`);
      args = [fast, slow, int('signal', FEATURE_DEFAULTS.signal, 1), field()];
      stateWords = 3 * emaWords;
      break;
    }
    case 'stdev': {
      const n = period(2);
      args = [n, flag('sample', FEATURE_DEFAULTS.sample), field(), 0];
      stateWords = momentsWords(n);
      break;
    }
    case 'zscore': {
      const n = period(2);
      args = [n, field(), 0, 0];
      stateWords = momentsWords(n);
      break;
    }
    case 'vwap':
    case 'tickVwap': {
      const n = int('window', FEATURE_DEFAULTS.window, 0);
      args = [
        n,
        minute(),
        kind === 'vwap' ? PRICE_FIELDS.indexOf((p['field'] ?? 'typical') as PriceField) : 0,
        0,
      ];
      if (args[2] < 0)
        throw new KernelError('KERNEL_BAD_SPEC', `vwap: 'field' must be one of ${PRICE_FIELDS.join(', ')}`);
      stateWords = 4 + 2 * rollingSumWords(n);
      break;
    }
    case 'realizedVol': {
      const n = period(1);
      args = [n, real('annualization', FEATURE_DEFAULTS.annualization, Number.MIN_VALUE, 1e9), field(), 0];
      stateWords = 2 + rollingSumWords(n);
      break;
    }
    case 'roc': {
      const n = period(1);
      args = [n, field(), 0, 0];
      stateWords = 2 + n;
      break;
    }
    case 'donchian': {
      const n = period(1);
      args = [n, 0, 0, 0];
      stateWords = 4 + 2 * n;
      break;
    }
    case 'orderFlowImbalance': {
      const n = period(1);
      args = [n, 0, 0, 0];
      stateWords = 2 * rollingSumWords(n);
      break;
    }
    case 'cumulativeDelta':
      args = [flag('reset', FEATURE_DEFAULTS.reset), minute(), 0, 0];
      stateWords = 3;
      break;
  }
  const width = OUTPUT_COUNT[kind];
  const input = TICK_KINDS.has(kind) ? 'tick' : 'bar';
  if (spec.input !== input)
    throw new KernelError('KERNEL_BAD_SPEC', `${kind} reads ${input}s, not ${spec.input}s`);
  if (spec.outputs.length !== width) {
    throw new KernelError(
      'KERNEL_BAD_SPEC',
      `${kind} writes ${width} values but the spec names ${spec.outputs.length}`,
    );
  }
  return { kind, opcode: OPCODES[kind], input, width, stateWords, args, outputs: spec.outputs };
}

/** A group of compiled features read from the same input, in spec order. */
export interface CompiledGroup {
  readonly input: 'bar' | 'tick';
  readonly features: readonly CompiledFeature[];
  readonly width: number;
  /** Float64 words of state per instrument for the whole group. */
  readonly stateWords: number;
}

/** Compiles a fused group; every spec must read the same kind of input. */
export function compileGroup(specs: readonly FeatureSpec[]): CompiledGroup {
  if (specs.length === 0)
    throw new KernelError('KERNEL_BAD_SPEC', 'a fused kernel needs at least one feature');
  const features = specs.map(compileFeature);
  const input = features[0]?.input ?? 'bar';
  if (features.some((f) => f.input !== input)) {
    throw new KernelError('KERNEL_BAD_SPEC', 'a fused kernel cannot mix bar and tick features');
  }
  return {
    input,
    features,
    width: features.reduce((sum, f) => sum + f.width, 0),
    stateWords: features.reduce((sum, f) => sum + f.stateWords, 0),
  };
}
