import { ATR, BollingerBands, DonchianChannels, EMA, MACD, RSI, VWAP } from 'trading-signals';
import { SD } from 'technicalindicators';
import type { Bar } from '../../src/core/events.js';
import { referenceFeatureEngine } from '../../src/kernels/reference/feature-engine.js';
import {
  Atr,
  Bollinger,
  Donchian,
  Ema,
  Macd,
  RealizedVol,
  Rsi,
  Stdev,
  Vwap,
  Zscore,
} from '../../src/kernels/reference/indicators.js';
import {
  BAR_WORDS,
  loadWasmFeatureEngineSync,
  type WasmFusedKernel,
} from '../../src/kernels/wasm/feature-engine.js';
import { loadKernelModuleSync } from '../../src/kernels/wasm/module.js';
import type { FeatureSpec } from '../../src/pipeline/operator.js';
import type { Suite, SuiteOptions } from '../suite.js';

/**
 * Kernels: ns per value, side by side in one run, for the WebAssembly fused streaming kernel (one
 * call per bar), the WebAssembly batch kernel (one call per series, data already in linear
 * memory), the TypeScript reference loop, and the peer library. Each figure is the median of
 * several timed runs after an untimed warm-up run.
 */

function series(n: number): Bar[] {
  let seed = 7;
  const next = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const out: Bar[] = [];
  let price = 15_000;
  for (let i = 0; i < n; i++) {
    const open = price;
    const close = open * (1 + 0.002 * (next() * 2 - 1));
    const high = Math.max(open, close) * (1 + 0.001 * next());
    const low = Math.min(open, close) * (1 - 0.001 * next());
    const volume = 1 + Math.floor(next() * 500);
    const ts = 1_767_225_600_000_000 + i * 60_000_000;
    out.push({
      symbol: 'NQ 12-26',
      ts,
      end: ts + 60_000_000,
      open,
      high,
      low,
      close,
      volume,
      buyVolume: volume >> 1,
      sellVolume: volume - (volume >> 1),
      trades: volume,
    });
    price = close;
  }
  return out;
}

/** CPU time of this process in ns: unlike wall time, it does not count time the OS gave to others. */
function cpuNow(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) * 1000;
}

/**
 * Median ns per value of each body (each processes `values` values). The bodies run interleaved,
 * round after round, after one untimed warm-up round, and are timed in process CPU time: on a
 * shared machine every variant sees the same background load and preemption does not count.
 */
function measureAll(rounds: number, values: number, bodies: readonly (() => number)[]): number[] {
  let sink = 0;
  for (const body of bodies) sink += body();
  const samples = bodies.map((): number[] => []);
  for (let r = 0; r < rounds; r++) {
    bodies.forEach((body, i) => {
      const start = cpuNow();
      sink += body();
      samples[i]?.push((cpuNow() - start) / values);
    });
  }
  // Keep the results observable so the JIT cannot drop the work.
  if (sink === Number.MIN_VALUE) console.log(sink);
  return samples.map((list) => {
    list.sort((a, b) => a - b);
    return list[Math.floor(list.length / 2)] as number;
  });
}

/**
 * Streaming loops read their Bar objects from a pool of 4096 (cycled): in a live pipeline the bar
 * was just built and is in cache. Reading a million cold objects would add the same ≈ 20 ns of
 * cache misses to every streaming variant and hide the kernels' own cost.
 */
const POOL_MASK = 4095;

const round = (x: number): number => (x >= 100 ? Math.round(x) : Math.round(x * 100) / 100);
const ratio = (slow: number, fast: number): string => `${(slow / fast).toFixed(1)}×`;

function streamKernel(
  specs: readonly FeatureSpec[],
  bars: readonly Bar[],
  count: number,
  kind: 'wasm' | 'ts',
): () => number {
  const engine = kind === 'wasm' ? loadWasmFeatureEngineSync() : referenceFeatureEngine;
  return () => {
    const kernel = engine.fuse(specs);
    const slot = kernel.addInstrument();
    const out = new Float64Array(kernel.width);
    let acc = 0;
    for (let i = 0; i < count; i++) {
      kernel.updateBar(slot, bars[i & POOL_MASK] as Bar, out);
      acc += out[0] as number;
    }
    return acc;
  };
}

const kernels: Suite = async (options: SuiteOptions) => {
  const n = options.quick ? 100_000 : 1_000_000;
  const fusedN = options.quick ? 20_000 : 200_000;
  const runs = options.quick ? 5 : 11;
  const bars = series(n);
  const closes = Float64Array.from(bars, (b) => b.close);
  const highs = Float64Array.from(bars, (b) => b.high);
  const lows = Float64Array.from(bars, (b) => b.low);
  const module = loadKernelModuleSync();
  const exports = module.exports;
  // Series, outputs and a state block in linear memory: the batch kernels read them in place.
  const base = module.allocate(n * 8 * 4 + 16 * 1024 * 8);
  const state = base + n * 8 * 4;
  module.heap.set(closes, base / 8);
  module.heap.set(highs, base / 8 + n);
  module.heap.set(lows, base / 8 + 2 * n);
  const out = base + 3 * n * 8;
  const resetState = (): void => {
    module.heap.fill(0, state / 8, state / 8 + 16 * 1024);
  };
  const outValue = (): number => module.heap[out / 8 + n - 1] as number;

  const rows: Record<string, string | number>[] = [];
  const batchSpeedups: number[] = [];
  const add = (kernel: string, ...args: [...bodies: (() => number)[], peerName: string]): void => {
    const peerName = args.pop() as string;
    const [stream, batch, ts, peer] = measureAll(runs, n, args as (() => number)[]) as [
      number,
      number,
      number,
      number,
    ];
    batchSpeedups.push(ts / batch);
    rows.push({
      kernel,
      'wasm stream ns': round(stream),
      'wasm batch ns': round(batch),
      'ts reference ns': round(ts),
      'peer ns': round(peer),
      peer: peerName,
      'batch vs ts': ratio(ts, batch),
      'batch vs peer': ratio(peer, batch),
      'stream vs ts': ratio(ts, stream),
    });
  };

  {
    const spec: FeatureSpec[] = [{ kind: 'ema', input: 'bar', params: { period: 21 }, outputs: ['ema'] }];
    add(
      'EMA 21',
      streamKernel(spec, bars, n, 'wasm'),
      () => (resetState(), exports.emaSeries(state, base, n, 21, out), outValue()),
      () => {
        const k = new Ema(21);
        let acc = 0;
        for (let i = 0; i < n; i++) if (k.update(closes[i] as number)) acc += k.value;
        return acc;
      },
      () => {
        const k = new EMA(21);
        let acc = 0;
        for (let i = 0; i < n; i++) acc += k.update(closes[i] as number, false) ?? 0;
        return acc;
      },
      'trading-signals EMA',
    );
  }
  {
    const spec: FeatureSpec[] = [{ kind: 'rsi', input: 'bar', params: { period: 14 }, outputs: ['rsi'] }];
    add(
      'RSI 14',
      streamKernel(spec, bars, n, 'wasm'),
      () => (resetState(), exports.rsiSeries(state, base, n, 14, out), outValue()),
      () => {
        const k = new Rsi(14);
        let acc = 0;
        for (let i = 0; i < n; i++) if (k.update(closes[i] as number)) acc += k.value;
        return acc;
      },
      () => {
        const k = new RSI(14);
        let acc = 0;
        for (let i = 0; i < n; i++) acc += k.update(closes[i] as number, false) ?? 0;
        return acc;
      },
      'trading-signals RSI',
    );
  }
  {
    const spec: FeatureSpec[] = [{ kind: 'stdev', input: 'bar', params: { period: 20 }, outputs: ['sd'] }];
    add(
      'rolling stdev 20',
      streamKernel(spec, bars, n, 'wasm'),
      () => (resetState(), exports.stdevSeries(state, base, n, 20, 0, out), outValue()),
      () => {
        const k = new Stdev(20, 0);
        let acc = 0;
        for (let i = 0; i < n; i++) if (k.update(closes[i] as number)) acc += k.value;
        return acc;
      },
      () => {
        const k = new SD({ period: 20, values: [] });
        let acc = 0;
        for (let i = 0; i < n; i++) acc += k.nextValue(closes[i] as number) ?? 0;
        return acc;
      },
      'technicalindicators SD',
    );
  }
  {
    const spec: FeatureSpec[] = [{ kind: 'atr', input: 'bar', params: { period: 14 }, outputs: ['atr'] }];
    add(
      'ATR 14',
      streamKernel(spec, bars, n, 'wasm'),
      () => (
        resetState(),
        exports.atrSeries(state, base + n * 8, base + 2 * n * 8, base, n, 14, out),
        outValue()
      ),
      () => {
        const k = new Atr(14);
        let acc = 0;
        for (let i = 0; i < n; i++)
          if (k.update(highs[i] as number, lows[i] as number, closes[i] as number)) acc += k.value;
        return acc;
      },
      () => {
        const k = new ATR(14);
        let acc = 0;
        for (let i = 0; i < n; i++) acc += k.update(bars[i & POOL_MASK] as Bar, false) ?? 0;
        return acc;
      },
      'trading-signals ATR',
    );
  }

  // Ten features per bar, fused: ns per bar (all ten features updated).
  const tenSpecs: FeatureSpec[] = [
    { kind: 'ema', input: 'bar', params: { period: 9 }, outputs: ['ema9'] },
    { kind: 'ema', input: 'bar', params: { period: 21 }, outputs: ['ema21'] },
    { kind: 'rsi', input: 'bar', params: { period: 14 }, outputs: ['rsi'] },
    { kind: 'atr', input: 'bar', params: { period: 14 }, outputs: ['atr'] },
    {
      kind: 'bollinger',
      input: 'bar',
      params: { period: 20, multiplier: 2 },
      outputs: ['bb.upper', 'bb.middle', 'bb.lower'],
    },
    {
      kind: 'macd',
      input: 'bar',
      params: { fast: 12, slow: 26, signal: 9 },
      outputs: ['m.line', 'm.signal', 'm.histogram'],
    },
    { kind: 'zscore', input: 'bar', params: { period: 20 }, outputs: ['z'] },
    {
      kind: 'vwap',
      input: 'bar',
      params: { window: 0, sessionStartMinute: 1320, field: 'typical' },
      outputs: ['vwap'],
    },
    { kind: 'realizedVol', input: 'bar', params: { period: 20 }, outputs: ['rv'] },
    {
      kind: 'donchian',
      input: 'bar',
      params: { period: 20 },
      outputs: ['dc.upper', 'dc.middle', 'dc.lower'],
    },
  ];
  const fusedBars = bars.slice(0, fusedN);
  const barRows = new Float64Array(fusedN * BAR_WORDS);
  fusedBars.forEach((b, i) =>
    barRows.set([b.ts, b.open, b.high, b.low, b.close, b.volume, b.buyVolume, b.sellVolume], i * BAR_WORDS),
  );
  const wasmEngine = loadWasmFeatureEngineSync();
  const rowsPtr = module.allocate(barRows.length * 8);
  const rowsOut = module.allocate(fusedN * 16 * 8);
  module.heap.set(barRows, rowsPtr / 8);
  const separateTs = (): number => {
    const ema9 = new Ema(9);
    const ema21 = new Ema(21);
    const rsi = new Rsi(14);
    const atr = new Atr(14);
    const bb = new Bollinger(20, 2);
    const macd = new Macd(12, 26, 9);
    const z = new Zscore(20);
    const vwap = new Vwap(0, 1320);
    const rv = new RealizedVol(20, 1);
    const dc = new Donchian(20);
    let acc = 0;
    for (let i = 0; i < fusedN; i++) {
      const b = bars[i & POOL_MASK] as Bar;
      const typical = (b.high + b.low + b.close) / 3;
      ema9.update(b.close);
      ema21.update(b.close);
      rsi.update(b.close);
      atr.update(b.high, b.low, b.close);
      bb.update(b.close);
      macd.update(b.close);
      z.update(b.close);
      vwap.update(b.ts, typical, b.volume);
      rv.update(b.close);
      dc.update(b.high, b.low);
      acc +=
        ema9.value +
        ema21.value +
        rsi.value +
        atr.value +
        bb.middle +
        macd.histogram +
        z.value +
        vwap.value +
        rv.value +
        dc.middle;
    }
    return acc;
  };
  const peer = (): number => {
    const ema9 = new EMA(9);
    const ema21 = new EMA(21);
    const rsi = new RSI(14);
    const atr = new ATR(14);
    const bb = new BollingerBands(20, 2);
    const macd = new MACD(new EMA(12), new EMA(26), new EMA(9));
    const z = new SD({ period: 20, values: [] });
    const vwap = new VWAP();
    const rv = new SD({ period: 20, values: [] });
    const dc = new DonchianChannels(20);
    let acc = 0;
    let previous = (bars[0] as Bar).close;
    for (let i = 0; i < fusedN; i++) {
      const b = bars[i & POOL_MASK] as Bar;
      acc += ema9.update(b.close, false) ?? 0;
      acc += ema21.update(b.close, false) ?? 0;
      acc += rsi.update(b.close, false) ?? 0;
      acc += atr.update(b, false) ?? 0;
      acc += bb.update(b.close, false)?.middle ?? 0;
      acc += macd.update(b.close, false)?.histogram ?? 0;
      acc += z.nextValue(b.close) ?? 0;
      acc += vwap.update(b, false) ?? 0;
      acc += rv.nextValue(Math.log(b.close / previous)) ?? 0;
      acc += dc.update(b, false)?.middle ?? 0;
      previous = b.close;
    }
    return acc;
  };
  const [fusedStream, fusedBatch, separate, peerFused, referenceEngine] = measureAll(runs, fusedN, [
    streamKernel(tenSpecs, bars, fusedN, 'wasm'),
    () => {
      // The whole series in one call on rows already in linear memory, like the rows above.
      const kernel: WasmFusedKernel = wasmEngine.fuse(tenSpecs);
      const slot = kernel.slots[kernel.addInstrument()] as number;
      return exports.fusedBarSeries(
        kernel.program,
        tenSpecs.length,
        slot,
        rowsPtr,
        fusedN,
        rowsOut,
        kernel.width,
      );
    },
    separateTs,
    peer,
    streamKernel(tenSpecs, bars, fusedN, 'ts'),
  ]) as [number, number, number, number, number];
  rows.push({
    kernel: '10 features fused (per bar)',
    'wasm stream ns': round(fusedStream),
    'wasm batch ns': round(fusedBatch),
    'ts reference ns': round(separate),
    'peer ns': round(peerFused),
    peer: 'trading-signals + technicalindicators',
    'batch vs ts': ratio(separate, fusedBatch),
    'batch vs peer': ratio(peerFused, fusedBatch),
    'stream vs ts': ratio(separate, fusedStream),
  });
  rows.push({
    kernel: '10 features, TS reference engine (per bar)',
    'wasm stream ns': round(fusedStream),
    'wasm batch ns': round(fusedBatch),
    'ts reference ns': round(referenceEngine),
    'peer ns': round(peerFused),
    peer: 'trading-signals + technicalindicators',
    'batch vs ts': ratio(referenceEngine, fusedBatch),
    'batch vs peer': ratio(peerFused, fusedBatch),
    'stream vs ts': ratio(referenceEngine, fusedStream),
  });

  // Where fusion starts to pay: WASM stream vs TS reference engine by group size (MIN_WASM_FEATURES).
  const crossover = [1, 2, 3, 4, 6].map((size) => {
    const specs = tenSpecs.slice(0, size);
    const [wasmNs, tsNs] = measureAll(runs, fusedN, [
      streamKernel(specs, bars, fusedN, 'wasm'),
      streamKernel(specs, bars, fusedN, 'ts'),
    ]) as [number, number];
    return `${size}: wasm ${round(wasmNs)} / ts ${round(tsNs)}`;
  });

  return {
    name: 'kernels',
    rows,
    figures: {
      'kernels.fused10StreamNanosPerBar': fusedStream,
      'kernels.fused10StreamSpeedupVsPeer': peerFused / fusedStream,
      'kernels.fused10StreamSpeedupVsTsEngine': referenceEngine / fusedStream,
      'kernels.batchSpeedupVsTsMin': Math.min(...batchSpeedups),
    },
    notes: [
      `${n.toLocaleString('en')} values per single-indicator run, ${fusedN.toLocaleString('en')} bars per 10-feature run; median of ${runs} interleaved runs after a warm-up run, in process CPU time.`,
      'wasm stream: FusedFeatureKernel.updateBar per bar (reads the Bar, checks for NaN, one JS→WASM call, copies the vector out); streaming loops cycle through 4096 Bar objects, hot in cache as in a live pipeline.',
      'wasm batch: one call per series on data already in linear memory (10-feature rows: fusedBarSeries, the export behind WasmFusedKernel.updateSeries).',
      'ts reference: the reference classes in a plain loop (10-feature row: ten separate class updates per bar; next row: the reference FusedFeatureKernel).',
      `Streaming ns per bar by group size (first features of the 10), wasm / ts reference engine: ${crossover.join('; ')}.`,
      'Peer for the 10 features: trading-signals EMA×2, RSI, ATR, BollingerBands, MACD, VWAP (cumulative), DonchianChannels; technicalindicators SD for the z-score and realized-vol deviations.',
    ],
  };
};

export default kernels;
