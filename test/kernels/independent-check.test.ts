import { ATR, BollingerBands, RSI, SMA } from 'trading-signals';
import { EMA as TiEma, MACD as TiMacd, SD as TiSd } from 'technicalindicators';
import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/events.js';
import { referenceFeatureEngine } from '../../src/kernels/reference/feature-engine.js';
import {
  atrSeries,
  emaSeries,
  rsiSeries,
  smaSeries,
  stdevSeries,
} from '../../src/kernels/reference/series.js';
import { WasmBatchKernels } from '../../src/kernels/wasm/batch.js';
import { loadWasmFeatureEngineSync } from '../../src/kernels/wasm/feature-engine.js';
import { bars, close, closes, spec } from './helpers.js';

/**
 * Independent check against two widely used libraries. Conventions, chosen to match them:
 * EMA and MACD seeded with the SMA of the first `period` values (technicalindicators; trading-signals
 * seeds with the first value instead, so it is not used for EMA); RSI and ATR with Wilder
 * smoothing seeded by the mean of the first `period` values and the first true range high − low
 * (trading-signals); Bollinger and the rolling deviation with the population deviation.
 */

const TOLERANCE = 1e-9;
const batch = new WasmBatchKernels();
const wasm = loadWasmFeatureEngineSync();

/** Peer values aligned to our series: `peer[i]` belongs to index `offset + i`. */
function expectAligned(ours: Float64Array, peer: readonly number[], offset: number): void {
  expect(peer.length).toBeGreaterThan(100);
  expect(offset + peer.length).toBe(ours.length);
  for (let i = 0; i < offset; i++) expect(ours[i]).toBeNaN();
  for (let i = 0; i < peer.length; i++) {
    const a = ours[offset + i] as number;
    const b = peer[i] as number;
    if (!close(a, b, TOLERANCE)) expect.fail(`index ${offset + i}: ours ${a}, peer ${b}`);
  }
}

/** Runs one streaming feature over bars, returning its outputs (NaN until warm). */
function streamed(
  engine: 'wasm' | 'reference',
  kind: string,
  params: Record<string, number>,
  width: number,
  series: readonly Bar[],
): Float64Array[] {
  const outputs = Array.from({ length: width }, (_, i) => `o${i}`);
  const kernel = (engine === 'wasm' ? wasm : referenceFeatureEngine).fuse([spec(kind, params, outputs)]);
  const slot = kernel.addInstrument();
  const out = new Float64Array(width);
  const columns = outputs.map(() => new Float64Array(series.length));
  series.forEach((bar, i) => {
    kernel.updateBar(slot, bar, out);
    columns.forEach((column, k) => (column[i] = out[k] as number));
  });
  return columns;
}

const SERIES: Record<string, Bar[]> = {
  'a calm walk': bars({ length: 3000, seed: 31 }),
  'a gappy walk': bars({ length: 3000, seed: 32, volatility: 0.01, gapProbability: 0.01, start: 20_000 }),
};

for (const [name, series] of Object.entries(SERIES)) {
  describe(`independent check on ${name}`, () => {
    const prices = closes(series);
    const highs = Float64Array.from(series, (b) => b.high);
    const lows = Float64Array.from(series, (b) => b.low);
    const candles = series.map((b) => ({ high: b.high, low: b.low, close: b.close }));

    it('SMA matches trading-signals SMA', () => {
      const peer = new SMA(20);
      const values = series.map((b) => peer.update(b.close, false)).filter((v): v is number => v !== null);
      for (const ours of [
        smaSeries(prices, 20),
        batch.sma(prices, 20),
        ...streamed('wasm', 'sma', { period: 20 }, 1, series),
      ]) {
        expectAligned(ours, values, 19);
      }
    });

    it('EMA matches technicalindicators EMA (SMA-seeded)', () => {
      const peer = TiEma.calculate({ period: 21, values: Array.from(prices) });
      for (const ours of [
        emaSeries(prices, 21),
        batch.ema(prices, 21),
        ...streamed('wasm', 'ema', { period: 21 }, 1, series),
      ]) {
        expectAligned(ours, peer, 20);
      }
    });

    it('RSI matches trading-signals RSI (Wilder smoothing)', () => {
      const peer = new RSI(14);
      const values = series.map((b) => peer.update(b.close, false)).filter((v): v is number => v !== null);
      for (const ours of [
        rsiSeries(prices, 14),
        batch.rsi(prices, 14),
        ...streamed('wasm', 'rsi', { period: 14 }, 1, series),
      ]) {
        expectAligned(ours, values, 14);
      }
    });

    it('ATR matches trading-signals ATR (Wilder smoothing, first true range high − low)', () => {
      const peer = new ATR(14);
      const values = candles.map((c) => peer.update(c, false)).filter((v): v is number => v !== null);
      for (const ours of [
        atrSeries(highs, lows, prices, 14),
        batch.atr(highs, lows, prices, 14),
        ...streamed('wasm', 'atr', { period: 14 }, 1, series),
      ]) {
        expectAligned(ours, values, 13);
      }
    });

    it('Bollinger bands match trading-signals BollingerBands (population deviation)', () => {
      const peer = new BollingerBands(20, 2);
      const values = series.map((b) => peer.update(b.close, false)).filter((v) => v !== null);
      for (const engine of ['wasm', 'reference'] as const) {
        const [upper, middle, lower] = streamed(
          engine,
          'bollinger',
          { period: 20, multiplier: 2 },
          3,
          series,
        ) as [Float64Array, Float64Array, Float64Array];
        expectAligned(
          upper,
          values.map((v) => v.upper),
          19,
        );
        expectAligned(
          middle,
          values.map((v) => v.middle),
          19,
        );
        expectAligned(
          lower,
          values.map((v) => v.lower),
          19,
        );
      }
    });

    it('rolling population deviation matches technicalindicators SD', () => {
      const peer = TiSd.calculate({ period: 20, values: Array.from(prices) });
      for (const ours of [stdevSeries(prices, 20), batch.stdev(prices, 20)]) expectAligned(ours, peer, 19);
    });

    it('MACD matches technicalindicators MACD with EMA oscillator and signal', () => {
      const peer = TiMacd.calculate({
        values: Array.from(prices),
        fastPeriod: 12,
        slowPeriod: 26,
        signalPeriod: 9,
        SimpleMAOscillator: false,
        SimpleMASignal: false,
      }).filter((v) => v.signal !== undefined);
      for (const engine of ['wasm', 'reference'] as const) {
        const [line, signal, histogram] = streamed(
          engine,
          'macd',
          { fast: 12, slow: 26, signal: 9 },
          3,
          series,
        ) as [Float64Array, Float64Array, Float64Array];
        expectAligned(
          line,
          peer.map((v) => v.MACD as number),
          33,
        );
        expectAligned(
          signal,
          peer.map((v) => v.signal as number),
          33,
        );
        expectAligned(
          histogram,
          peer.map((v) => v.histogram as number),
          33,
        );
      }
    });
  });
}
