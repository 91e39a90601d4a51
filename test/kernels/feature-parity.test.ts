import { describe, expect, it } from 'vitest';
import type { Bar, Tick } from '../../src/core/events.js';
import type { FeatureSpec, FusedFeatureKernel } from '../../src/pipeline/operator.js';
import { referenceFeatureEngine } from '../../src/kernels/reference/feature-engine.js';
import * as reference from '../../src/kernels/reference/series.js';
import { WasmBatchKernels } from '../../src/kernels/wasm/batch.js';
import { BAR_WORDS, TICK_WORDS, loadWasmFeatureEngineSync } from '../../src/kernels/wasm/feature-engine.js';
import { BAR_SPECS, TICK_SPECS, bars, firstMismatch, ticks } from './helpers.js';

const wasm = loadWasmFeatureEngineSync();
const TOLERANCE = 1e-9;

function runBars(
  kernel: FusedFeatureKernel,
  series: readonly Bar[],
): { values: Float64Array; warm: boolean[] } {
  const slot = kernel.addInstrument();
  const out = new Float64Array(kernel.width);
  const values = new Float64Array(series.length * kernel.width);
  const warm: boolean[] = [];
  series.forEach((bar, i) => {
    warm.push(kernel.updateBar(slot, bar, out));
    values.set(out, i * kernel.width);
  });
  return { values, warm };
}

function runTicks(
  kernel: FusedFeatureKernel,
  series: readonly Tick[],
): { values: Float64Array; warm: boolean[] } {
  const slot = kernel.addInstrument();
  const out = new Float64Array(kernel.width);
  const values = new Float64Array(series.length * kernel.width);
  const warm: boolean[] = [];
  series.forEach((tick, i) => {
    warm.push(kernel.updateTick(slot, tick, out));
    values.set(out, i * kernel.width);
  });
  return { values, warm };
}

const barRows = (series: readonly Bar[]): Float64Array => {
  const rows = new Float64Array(series.length * BAR_WORDS);
  series.forEach((b, i) =>
    rows.set([b.ts, b.open, b.high, b.low, b.close, b.volume, b.buyVolume, b.sellVolume], i * BAR_WORDS),
  );
  return rows;
};

const tickRows = (series: readonly Tick[]): Float64Array => {
  const rows = new Float64Array(series.length * TICK_WORDS);
  series.forEach((t, i) =>
    rows.set(
      [t.ts, t.price, t.size, t.bid, t.ask, t.side === 'buy' ? 1 : t.side === 'sell' ? -1 : 0],
      i * TICK_WORDS,
    ),
  );
  return rows;
};

/** Where WASM and reference disagree, described for the failure message. */
function describeMismatch(
  specs: readonly FeatureSpec[],
  a: Float64Array,
  b: Float64Array,
  at: number,
): string {
  if (at < 0) return 'none';
  const width = specs.reduce((sum, s) => sum + s.outputs.length, 0);
  const names = specs.flatMap((s) => s.outputs);
  return `${names[at % width]} at row ${Math.floor(at / width)}: wasm ${a[at]} vs reference ${b[at]}`;
}

const ADVERSARIAL_BARS: Record<string, () => Bar[]> = {
  'a random walk': () => bars({ length: 3000, seed: 1 }),
  'a constant series': () => bars({ length: 500, seed: 2, volatility: 0 }),
  'huge magnitudes (1e12)': () => bars({ length: 1500, seed: 3, start: 1e12 }),
  'tiny magnitudes (1e-9)': () => bars({ length: 1500, seed: 4, start: 1e-9 }),
  'gaps of ±20 %': () => bars({ length: 2000, seed: 5, gapProbability: 0.02, volatility: 0.01 }),
  'a wild walk (5 % steps)': () => bars({ length: 2000, seed: 6, volatility: 0.05 }),
};

describe('WASM fused bar kernel vs TypeScript reference', () => {
  for (const [name, make] of Object.entries(ADVERSARIAL_BARS)) {
    it(`agrees within 1e-9 relative on ${name}, each kernel alone and all fused`, () => {
      const series = make();
      for (const specs of [...BAR_SPECS.map((s) => [s]), BAR_SPECS]) {
        const a = runBars(wasm.fuse(specs), series);
        const b = runBars(referenceFeatureEngine.fuse(specs), series);
        const at = firstMismatch(a.values, b.values, TOLERANCE);
        expect(describeMismatch(specs, a.values, b.values, at)).toBe('none');
        expect(a.warm).toEqual(b.warm);
      }
    });
  }

  it('keeps instruments apart: interleaved updates equal separate runs', () => {
    const first = bars({ length: 400, seed: 11 });
    const second = bars({ length: 400, seed: 12, start: 5000 });
    const kernel = wasm.fuse(BAR_SPECS);
    const slots = [kernel.addInstrument(), kernel.addInstrument()];
    const out = new Float64Array(kernel.width);
    const interleaved = [new Float64Array(400 * kernel.width), new Float64Array(400 * kernel.width)];
    for (let i = 0; i < 400; i++) {
      [first, second].forEach((series, k) => {
        kernel.updateBar(slots[k] as number, series[i] as Bar, out);
        interleaved[k]?.set(out, i * kernel.width);
      });
    }
    expect(
      firstMismatch(
        interleaved[0] as Float64Array,
        runBars(referenceFeatureEngine.fuse(BAR_SPECS), first).values,
        TOLERANCE,
      ),
    ).toBe(-1);
    expect(
      firstMismatch(
        interleaved[1] as Float64Array,
        runBars(referenceFeatureEngine.fuse(BAR_SPECS), second).values,
        TOLERANCE,
      ),
    ).toBe(-1);
  });

  it('gives the same values through the whole-series entry point as bar by bar', () => {
    const series = bars({ length: 5000, seed: 13, gapProbability: 0.01 });
    const kernel = wasm.fuse(BAR_SPECS);
    const batch = kernel.updateSeries(kernel.addInstrument(), barRows(series));
    const streamed = runBars(referenceFeatureEngine.fuse(BAR_SPECS), series).values;
    expect(firstMismatch(batch, streamed, TOLERANCE)).toBe(-1);
  });

  it('agrees on a 1e6-long series', () => {
    const series = bars({ length: 1_000_000, seed: 14, volatility: 0.001 });
    const specs = BAR_SPECS.filter((s) =>
      ['ema', 'rsi', 'atr', 'stdev', 'bollinger', 'macd', 'zscore'].includes(s.kind),
    );
    const kernel = wasm.fuse(specs);
    const batch = kernel.updateSeries(kernel.addInstrument(), barRows(series));
    const streamed = runBars(referenceFeatureEngine.fuse(specs), series).values;
    expect(firstMismatch(batch, streamed, TOLERANCE)).toBe(-1);
  });
});

describe('WASM fused tick kernel vs TypeScript reference', () => {
  const cases: Record<string, () => Tick[]> = {
    'random ticks': () => ticks({ length: 5000, seed: 21 }),
    'ticks with session gaps': () => ticks({ length: 5000, seed: 22, gapProbability: 0.01 }),
    'huge prices': () => ticks({ length: 2000, seed: 23, start: 1e12 }),
  };
  for (const [name, make] of Object.entries(cases)) {
    it(`agrees within 1e-9 relative on ${name}`, () => {
      const series = make();
      for (const specs of [...TICK_SPECS.map((s) => [s]), TICK_SPECS]) {
        const a = runTicks(wasm.fuse(specs), series);
        const b = runTicks(referenceFeatureEngine.fuse(specs), series);
        const at = firstMismatch(a.values, b.values, TOLERANCE);
        expect(describeMismatch(specs, a.values, b.values, at)).toBe('none');
        expect(a.warm).toEqual(b.warm);
      }
      const kernel = wasm.fuse(TICK_SPECS);
      const batch = kernel.updateSeries(kernel.addInstrument(), tickRows(series));
      expect(
        firstMismatch(batch, runTicks(referenceFeatureEngine.fuse(TICK_SPECS), series).values, TOLERANCE),
      ).toBe(-1);
    });
  }
});

describe('WASM single-indicator batch kernels vs TypeScript reference loops', () => {
  const batch = new WasmBatchKernels();
  for (const [name, make] of Object.entries(ADVERSARIAL_BARS)) {
    it(`agree within 1e-9 relative on ${name}`, () => {
      const series = make();
      const x = Float64Array.from(series, (b) => b.close);
      const h = Float64Array.from(series, (b) => b.high);
      const l = Float64Array.from(series, (b) => b.low);
      const pairs: [string, Float64Array, Float64Array][] = [
        ['ema', batch.ema(x, 21), reference.emaSeries(x, 21)],
        ['sma', batch.sma(x, 50), reference.smaSeries(x, 50)],
        ['wilder', batch.wilder(x, 14), reference.wilderSeries(x, 14)],
        ['rsi', batch.rsi(x, 14), reference.rsiSeries(x, 14)],
        ['stdev', batch.stdev(x, 20), reference.stdevSeries(x, 20)],
        ['stdev sample', batch.stdev(x, 20, true), reference.stdevSeries(x, 20, true)],
        ['zscore', batch.zscore(x, 20), reference.zscoreSeries(x, 20)],
        ['atr', batch.atr(h, l, x, 14), reference.atrSeries(h, l, x, 14)],
      ];
      for (const [kernel, a, b] of pairs)
        expect(`${kernel}: ${firstMismatch(a, b, TOLERANCE)}`).toBe(`${kernel}: -1`);
    });
  }

  it('rejects a series holding NaN', () => {
    expect(() => batch.ema([1, 2, Number.NaN, 4], 2)).toThrow(/NaN or infinite/);
  });
});
