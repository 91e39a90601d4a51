import { describe, expect, it } from 'vitest';
import type { Bar, Tick } from '../../src/core/events.js';
import { KernelError } from '../../src/core/errors.js';
import { referenceFeatureEngine } from '../../src/kernels/reference/feature-engine.js';
import { MIN_WASM_FEATURES, adaptiveFeatureEngine, loadFeatureEngine } from '../../src/kernels/engine.js';
import {
  WasmFusedKernel,
  loadWasmFeatureEngine,
  loadWasmFeatureEngineSync,
} from '../../src/kernels/wasm/feature-engine.js';
import { loadKernelModuleSync } from '../../src/kernels/wasm/module.js';
import type { FeatureEngine } from '../../src/pipeline/operator.js';
import { BAR_SPECS, bars, firstMismatch, spec, ticks } from './helpers.js';

const engines: FeatureEngine[] = [referenceFeatureEngine, loadWasmFeatureEngineSync()];

describe.each(engines.map((engine) => [engine.name, engine] as const))(
  '%s feature engine',
  (_name, engine) => {
    it('writes NaN until a feature is warm and reports warm-up per the documented rules', () => {
      const kernel = engine.fuse([
        spec('ema', { period: 3 }, ['ema']),
        spec('rsi', { period: 3 }, ['rsi']),
        spec('macd', { fast: 2, slow: 4, signal: 3 }, ['m.line', 'm.signal', 'm.histogram']),
      ]);
      const slot = kernel.addInstrument();
      const out = new Float64Array(kernel.width);
      const series = bars({ length: 8, seed: 61 });
      const warm = series.map((bar) => {
        const ok = kernel.updateBar(slot, bar, out);
        return [ok, Number.isNaN(out[0]), Number.isNaN(out[1]), Number.isNaN(out[2])];
      });
      // EMA warm after 3 bars, RSI after 4, MACD after slow + signal − 1 = 6.
      expect(warm.map((w) => w[0])).toEqual([false, false, false, false, false, true, true, true]);
      expect(warm.map((w) => w[1])).toEqual([true, true, false, false, false, false, false, false]);
      expect(warm.map((w) => w[2])).toEqual([true, true, true, false, false, false, false, false]);
      expect(warm.map((w) => w[3])).toEqual([true, true, true, true, true, false, false, false]);
    });

    it('computes an EMA by its definition: SMA seed, then x·k + prev·(1 − k)', () => {
      const kernel = engine.fuse([spec('ema', { period: 3 }, ['ema'])]);
      const slot = kernel.addInstrument();
      const out = new Float64Array(1);
      const series = bars({ length: 5, seed: 62 });
      for (const bar of series) kernel.updateBar(slot, bar, out);
      const c = series.map((b) => b.close);
      let expected = ((c[0] as number) + (c[1] as number) + (c[2] as number)) / 3;
      for (const x of c.slice(3)) expected = x * 0.5 + expected * 0.5;
      expect(out[0]).toBeCloseTo(expected, 12);
    });

    it('rejects NaN and Infinity at the boundary and keeps its state', () => {
      const kernel = engine.fuse([spec('sma', { period: 2 }, ['sma'])]);
      const slot = kernel.addInstrument();
      const out = new Float64Array(1);
      const [first, second] = bars({ length: 2, seed: 63 }) as [Bar, Bar];
      kernel.updateBar(slot, first, out);
      expect(() => kernel.updateBar(slot, { ...second, close: Number.NaN }, out)).toThrow(KernelError);
      expect(() => kernel.updateBar(slot, { ...second, high: Number.POSITIVE_INFINITY }, out)).toThrow(
        /NaN or infinite/,
      );
      expect(kernel.updateBar(slot, second, out)).toBe(true);
      expect(out[0]).toBeCloseTo((first.close + second.close) / 2, 12);
      const tickKernel = engine.fuse([spec('cumulativeDelta', {}, ['d'], 'tick')]);
      const tick = ticks({ length: 1, seed: 64 })[0] as Tick;
      expect(() =>
        tickKernel.updateTick(tickKernel.addInstrument(), { ...tick, size: Number.NaN }, out),
      ).toThrow(KernelError);
    });

    it('refuses slots it never allocated and specs it cannot compute', () => {
      const kernel = engine.fuse(BAR_SPECS);
      expect(() =>
        kernel.updateBar(3, bars({ length: 1, seed: 65 })[0] as Bar, new Float64Array(kernel.width)),
      ).toThrow(/never allocated/);
      expect(() => engine.fuse([spec('nope', {}, ['x'])])).toThrow(/unknown feature kind/);
      expect(() => engine.fuse([spec('ema', { period: 0 }, ['x'])])).toThrow(/period/);
      expect(() => engine.fuse([spec('macd', { fast: 30, slow: 10 }, ['a', 'b', 'c'])])).toThrow(
        /below 'slow'/,
      );
      expect(() => engine.fuse([spec('ema', {}, ['x']), spec('cumulativeDelta', {}, ['d'], 'tick')])).toThrow(
        /mix/,
      );
      expect(() => engine.fuse([spec('bollinger', {}, ['only-one'])])).toThrow(/writes 3 values/);
      const tickKernel = engine.fuse([spec('orderFlowImbalance', {}, ['ofi'], 'tick')]);
      const bar = bars({ length: 1, seed: 68 })[0] as Bar;
      expect(() => tickKernel.updateBar(tickKernel.addInstrument(), bar, new Float64Array(1))).toThrow(
        /reads ticks/,
      );
    });

    it('holds thousands of instruments, each with its own state', () => {
      const kernel = engine.fuse(BAR_SPECS);
      const slots = Array.from({ length: 5000 }, () => kernel.addInstrument());
      const out = new Float64Array(kernel.width);
      const series = bars({ length: 60, seed: 66 });
      for (const bar of series) kernel.updateBar(slots[4999] as number, bar, out);
      const last = Float64Array.from(out);
      kernel.updateBar(slots[0] as number, series[0] as Bar, out);
      const again = engine.fuse(BAR_SPECS);
      const slot = again.addInstrument();
      for (const bar of series) again.updateBar(slot, bar, out);
      expect(Array.from(out)).toEqual(Array.from(last));
    });
  },
);

describe('WebAssembly module loading', () => {
  it('loads build/enigma.wasm once and shares it', async () => {
    expect(loadKernelModuleSync()).toBe(loadKernelModuleSync());
    expect((await loadWasmFeatureEngine()).name).toBe('wasm');
    expect(loadKernelModuleSync().exports.version()).toBe(2);
  });

  it('loads the debug build, which agrees with the release build', () => {
    const debug = loadKernelModuleSync({ debug: true });
    expect(debug).not.toBe(loadKernelModuleSync());
    expect(debug.exports.kellyFraction(0.6, 1)).toBe(loadKernelModuleSync().exports.kellyFraction(0.6, 1));
  });
});

describe('engine selection', () => {
  it('uses the TypeScript kernel for small groups and WebAssembly from MIN_WASM_FEATURES on', () => {
    const engine = adaptiveFeatureEngine(loadWasmFeatureEngineSync());
    const small = BAR_SPECS.slice(0, MIN_WASM_FEATURES - 1);
    const large = BAR_SPECS.slice(0, MIN_WASM_FEATURES);
    expect(engine.fuse(small)).not.toBeInstanceOf(WasmFusedKernel);
    expect(engine.fuse(large)).toBeInstanceOf(WasmFusedKernel);
  });

  it('gives the reference engine for --no-wasm and the adaptive one otherwise', async () => {
    expect(await loadFeatureEngine({ wasm: false })).toBe(referenceFeatureEngine);
    expect((await loadFeatureEngine()).name).toBe('adaptive');
  });
});

describe('WebAssembly memory growth', () => {
  it('keeps every kernel correct when linear memory grows between updates', () => {
    const series = bars({ length: 400, seed: 67 });
    const wasm = loadWasmFeatureEngineSync().fuse(BAR_SPECS);
    const reference = referenceFeatureEngine.fuse(BAR_SPECS);
    const [ws, rs] = [wasm.addInstrument(), reference.addInstrument()];
    const a = new Float64Array(wasm.width);
    const b = new Float64Array(reference.width);
    const module = loadKernelModuleSync();
    series.forEach((bar, i) => {
      // Every 100 bars, allocate 8 MB: the memory grows and every typed-array view is replaced.
      if (i % 100 === 50) module.allocate(8 * 1024 * 1024);
      wasm.updateBar(ws, bar, a);
      reference.updateBar(rs, bar, b);
      // Within 1e-9 relative: the log in realized volatility may differ in the last bit.
      expect(firstMismatch(a, b, 1e-9)).toBe(-1);
    });
  });
});

describe('WebAssembly fused kernel compilation', () => {
  it('shares one rolling window between features over the same period and field', () => {
    const engine = loadWasmFeatureEngineSync();
    const alone = engine.fuse([spec('bollinger', { period: 20 }, ['u', 'm', 'l'])]);
    const shared = engine.fuse([
      spec('bollinger', { period: 20 }, ['u', 'm', 'l']),
      spec('zscore', { period: 20 }, ['z']),
      spec('sma', { period: 20 }, ['s']),
    ]);
    const apart = engine.fuse([
      spec('bollinger', { period: 20 }, ['u', 'm', 'l']),
      spec('zscore', { period: 20, field: 'open' }, ['z']),
      spec('sma', { period: 21 }, ['s']),
    ]);
    expect(shared.stateBytes).toBe(alone.stateBytes);
    expect(apart.stateBytes).toBeGreaterThan(2 * alone.stateBytes);
  });
});
