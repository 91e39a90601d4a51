/**
 * Peers side by side, in one run on one tick stream: the same work (10-tick bars per instrument,
 * then EMA 20, RSI 14, ATR 14, Bollinger 20×2 and MACD 12/26/9 on every bar) done three ways:
 *
 * - **trading-signals**, the peer library, fed by a plain bar builder;
 * - **plain JavaScript**: the same bar builder and our TypeScript reference indicators called
 *   directly, no RxJS, no pipeline: the floor for overhead;
 * - **our pipeline**: the same steps as a pipeline definition, compiled (src/pipeline/compile.ts)
 *   and run as an RxJS graph (src/pipeline/runtime.ts) with the feature engine of
 *   `loadFeatureEngine` (fused WebAssembly), and again with the TypeScript kernels.
 *
 * Reported as ns per tick (median of several rounds, ways interleaved round by round so machine
 * noise falls on all alike) and as ratios, which survive a noisy machine better than the absolutes.
 */
import { ATR, BollingerBands, EMA, MACD, RSI } from 'trading-signals';
import { MessageBus } from '../../src/bus/bus.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Bar, Tick } from '../../src/core/events.js';
import { loadFeatureEngine } from '../../src/kernels/engine.js';
import { Atr, Bollinger, Ema, Macd, Rsi } from '../../src/kernels/reference/indicators.js';
import { checkPipeline, type CompiledPipeline } from '../../src/pipeline/compile.js';
import type { PipelineDefinition } from '../../src/pipeline/definition.js';
import type { FeatureEngine } from '../../src/pipeline/operator.js';
import { instantiatePipeline } from '../../src/pipeline/runtime.js';
import type { Suite } from '../suite.js';
import { benchRegistry, generateTicks, median } from '../support/bench-registry.js';

const TICKS_PER_BAR = 10;

type OpenBar = { -readonly [K in keyof Bar]: Bar[K] };

/** Tick bars per instrument, as the `bars` operator makes them (`ticks: n`). */
function barBuilder(onBar: (bar: Bar) => void): (tick: Tick) => void {
  const open = new Map<string, OpenBar>();
  return (tick) => {
    let bar = open.get(tick.symbol);
    if (!bar) {
      bar = {
        symbol: tick.symbol,
        ts: tick.ts,
        end: tick.ts,
        open: tick.price,
        high: tick.price,
        low: tick.price,
        close: tick.price,
        volume: 0,
        buyVolume: 0,
        sellVolume: 0,
        trades: 0,
      };
      open.set(tick.symbol, bar);
    }
    if (tick.price > bar.high) bar.high = tick.price;
    if (tick.price < bar.low) bar.low = tick.price;
    bar.close = tick.price;
    bar.end = tick.ts;
    bar.volume += tick.size;
    if (tick.side === 'buy') bar.buyVolume += tick.size;
    else if (tick.side === 'sell') bar.sellVolume += tick.size;
    bar.trades++;
    if (bar.trades === TICKS_PER_BAR) {
      open.delete(tick.symbol);
      onBar(bar);
    }
  };
}

/** Per-instrument state made on first sight of the symbol. */
function perSymbol<T>(make: () => T): (symbol: string) => T {
  const states = new Map<string, T>();
  return (symbol) => {
    let state = states.get(symbol);
    if (state === undefined) {
      state = make();
      states.set(symbol, state);
    }
    return state;
  };
}

/** The peer: trading-signals indicators on each bar. Returns a checksum so nothing is dead code. */
function peerWay(ticks: readonly Tick[]): number {
  let sum = 0;
  const state = perSymbol(() => ({
    ema: new EMA(20),
    rsi: new RSI(14),
    atr: new ATR(14),
    bb: new BollingerBands(20, 2),
    macd: new MACD(new EMA(12), new EMA(26), new EMA(9)),
  }));
  const push = barBuilder((bar) => {
    const s = state(bar.symbol);
    sum += s.ema.update(bar.close, false) ?? 0;
    sum += s.rsi.update(bar.close, false) ?? 0;
    sum += s.atr.update(bar, false) ?? 0;
    sum += s.bb.update(bar.close, false)?.middle ?? 0;
    sum += s.macd.update(bar.close, false)?.histogram ?? 0;
  });
  for (const tick of ticks) push(tick);
  return sum;
}

/** Plain JavaScript: our reference indicators called directly, no RxJS. */
function plainWay(ticks: readonly Tick[]): number {
  let sum = 0;
  const state = perSymbol(() => ({
    ema: new Ema(20),
    rsi: new Rsi(14),
    atr: new Atr(14),
    bb: new Bollinger(20, 2),
    macd: new Macd(12, 26, 9),
  }));
  const push = barBuilder((bar) => {
    const s = state(bar.symbol);
    if (s.ema.update(bar.close)) sum += s.ema.value;
    if (s.rsi.update(bar.close)) sum += s.rsi.value;
    if (s.atr.update(bar.high, bar.low, bar.close)) sum += s.atr.value;
    if (s.bb.update(bar.close)) sum += s.bb.middle;
    if (s.macd.update(bar.close)) sum += s.macd.histogram;
  });
  for (const tick of ticks) push(tick);
  return sum;
}

/** The same work as a pipeline: in-memory replay → bars → five fused features → a discarding sink. */
function compilePipeline(ticks: readonly Tick[]): CompiledPipeline {
  const registry = benchRegistry(ticks);
  const definition: PipelineDefinition = {
    id: 'peers',
    steps: [
      { id: 'market', op: 'arrayReplay' },
      { id: 'bars', op: 'bars', from: 'market', params: { ticks: TICKS_PER_BAR } },
      { id: 'ema20', op: 'ema', from: 'bars', params: { period: 20 } },
      { id: 'rsi14', op: 'rsi', from: 'bars', params: { period: 14 } },
      { id: 'atr14', op: 'atr', from: 'bars', params: { period: 14 } },
      { id: 'bb', op: 'bollinger', from: 'bars', params: { period: 20, multiplier: 2 } },
      { id: 'macd', op: 'macd', from: 'bars', params: { fast: 12, slow: 26, signal: 9 } },
      { id: 'out', op: 'discard', from: ['ema20', 'rsi14', 'atr14', 'bb', 'macd'] },
    ],
  };
  const { compiled, issues } = checkPipeline({ definition, file: '<peers>', baseDir: '.' }, { registry });
  if (!compiled) throw new Error(issues.map((issue) => issue.message).join('\n'));
  return compiled;
}

async function pipelineWay(pipeline: CompiledPipeline, featureEngine: FeatureEngine): Promise<number> {
  const run = instantiatePipeline(pipeline, {
    clock: new ReplayClock(),
    bus: new MessageBus(),
    mode: 'replay',
    dataDir: '.',
    featureEngine,
  });
  run.start();
  const metrics = await run.done;
  run.dispose();
  return metrics.steps.find((step) => step.step === 'peers.bars')?.out ?? 0;
}

const peersSuite: Suite = async ({ quick }) => {
  const count = quick ? 300_000 : 2_000_000;
  const rounds = quick ? 3 : 7;
  const ticks = generateTicks(count, 11);
  const pipeline = compilePipeline(ticks);
  const wasm = await loadFeatureEngine({ wasm: true });
  const typescript = await loadFeatureEngine({ wasm: false });
  const ways: [string, () => number | Promise<number>][] = [
    ['trading-signals (peer), plain bar builder', () => peerWay(ticks)],
    ['plain JavaScript, our TypeScript indicators, no RxJS (floor)', () => plainWay(ticks)],
    ['our pipeline: compiled RxJS graph, fused WebAssembly features', () => pipelineWay(pipeline, wasm)],
    ['our pipeline: compiled RxJS graph, TypeScript features', () => pipelineWay(pipeline, typescript)],
  ];
  const samples = ways.map(() => [] as number[]);
  for (const [, run] of ways) await run(); // warm-up, not timed
  for (let round = 0; round < rounds; round++) {
    for (const [index, [, run]] of ways.entries()) {
      const started = performance.now();
      await run();
      samples[index]?.push(((performance.now() - started) * 1e6) / count);
    }
  }
  const ns = samples.map(median);
  const [peer, plain, ours, oursTs] = ns as [number, number, number, number];
  const bars = await pipelineWay(pipeline, wasm);
  const rows = ways.map(([way], index) => ({
    way,
    'ns/tick': Number((ns[index] as number).toFixed(1)),
    'Mticks/s': Number((1e3 / (ns[index] as number)).toFixed(2)),
    '× plain JS': Number(((ns[index] as number) / plain).toFixed(2)),
    '× trading-signals': Number(((ns[index] as number) / peer).toFixed(2)),
  }));
  return {
    name: 'peers: the same bars and features three ways (one run, one tick stream)',
    rows,
    notes: [
      `${count.toLocaleString('en-US')} ticks over 3 instruments → ${bars.toLocaleString('en-US')} bars of ${String(TICKS_PER_BAR)} ticks; EMA 20, RSI 14, ATR 14, Bollinger 20×2, MACD 12/26/9 per bar; median of ${String(rounds)} rounds after a warm-up, ways interleaved`,
      '× columns: time per tick relative to that way (below 1 is faster); the pipeline’s × plain JS is what compiling to an RxJS graph costs over hand-written code',
    ],
    figures: {
      'peers.pipelineNanosPerTick': ours,
      'peers.pipelineOverPlainRatio': ours / plain,
      'peers.peerOverPipelineRatio': peer / ours,
      'peers.pipelineTsOverPlainRatio': oursTs / plain,
    },
  };
};

export default peersSuite;
