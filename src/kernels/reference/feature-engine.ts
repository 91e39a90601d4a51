import type { Bar, Tick } from '../../core/events.js';
import { KernelError } from '../../core/errors.js';
import type { FeatureEngine, FeatureSpec, FusedFeatureKernel } from '../../pipeline/operator.js';
import { type CompiledFeature, compileGroup } from '../feature-program.js';
import { checkBar, checkTick, sideCode, wrongInput } from '../input-guard.js';
import {
  Atr,
  Bollinger,
  CumulativeDelta,
  Donchian,
  Ema,
  Macd,
  OrderFlowImbalance,
  RealizedVol,
  Roc,
  Rsi,
  Sma,
  Stdev,
  Vwap,
  Wilder,
  Zscore,
} from './indicators.js';

/** One feature of one instrument: reads the message, writes its outputs at `offset`, says if warm. */
type BarUpdate = (bar: Bar, out: Float64Array, offset: number) => boolean;
type TickUpdate = (tick: Tick, side: number, out: Float64Array, offset: number) => boolean;

/** The bar value a price feature reads, by `PRICE_FIELDS` index. */
export function barPrice(bar: Bar, field: number): number {
  switch (field) {
    case 1:
      return bar.open;
    case 2:
      return bar.high;
    case 3:
      return bar.low;
    case 4:
      return (bar.high + bar.low + bar.close) / 3;
    default:
      return bar.close;
  }
}

function single(warm: boolean, value: number, out: Float64Array, offset: number): boolean {
  out[offset] = warm ? value : Number.NaN;
  return warm;
}

function triple(warm: boolean, a: number, b: number, c: number, out: Float64Array, offset: number): boolean {
  out[offset] = warm ? a : Number.NaN;
  out[offset + 1] = warm ? b : Number.NaN;
  out[offset + 2] = warm ? c : Number.NaN;
  return warm;
}

function barFeature(feature: CompiledFeature): BarUpdate {
  const [a0, a1, a2, a3] = feature.args;
  switch (feature.kind) {
    case 'sma': {
      const k = new Sma(a0);
      return (bar, out, o) => single(k.update(barPrice(bar, a1)), k.value, out, o);
    }
    case 'ema': {
      const k = new Ema(a0);
      return (bar, out, o) => single(k.update(barPrice(bar, a1)), k.value, out, o);
    }
    case 'wilder': {
      const k = new Wilder(a0);
      return (bar, out, o) => single(k.update(barPrice(bar, a1)), k.value, out, o);
    }
    case 'rsi': {
      const k = new Rsi(a0);
      return (bar, out, o) => single(k.update(barPrice(bar, a1)), k.value, out, o);
    }
    case 'atr': {
      const k = new Atr(a0);
      return (bar, out, o) => single(k.update(bar.high, bar.low, bar.close), k.value, out, o);
    }
    case 'bollinger': {
      const k = new Bollinger(a0, a1);
      return (bar, out, o) => {
        const warm = k.update(barPrice(bar, a2));
        const middle = k.middle;
        const width = k.width;
        return triple(warm, middle + width, middle, middle - width, out, o);
      };
    }
    case 'macd': {
      const k = new Macd(a0, a1, a2);
      return (bar, out, o) => triple(k.update(barPrice(bar, a3)), k.line, k.signal, k.histogram, out, o);
    }
    case 'stdev': {
      const k = new Stdev(a0, a1 === 1 ? 1 : 0);
      return (bar, out, o) => single(k.update(barPrice(bar, a2)), k.value, out, o);
    }
    case 'zscore': {
      const k = new Zscore(a0);
      return (bar, out, o) => single(k.update(barPrice(bar, a1)), k.value, out, o);
    }
    case 'vwap': {
      const k = new Vwap(a0, a1);
      return (bar, out, o) => single(k.update(bar.ts, barPrice(bar, a2), bar.volume), k.value, out, o);
    }
    case 'realizedVol': {
      const k = new RealizedVol(a0, a1);
      return (bar, out, o) => single(k.update(barPrice(bar, a2)), k.value, out, o);
    }
    case 'roc': {
      const k = new Roc(a0);
      return (bar, out, o) => single(k.update(barPrice(bar, a1)), k.value, out, o);
    }
    case 'donchian': {
      const k = new Donchian(a0);
      return (bar, out, o) => triple(k.update(bar.high, bar.low), k.upper, k.middle, k.lower, out, o);
    }
    default:
      throw new KernelError('KERNEL_BAD_SPEC', `${feature.kind} is not a bar feature`);
  }
}

function tickFeature(feature: CompiledFeature): TickUpdate {
  const [a0, a1] = feature.args;
  switch (feature.kind) {
    case 'orderFlowImbalance': {
      const k = new OrderFlowImbalance(a0);
      return (t, side, out, o) => single(k.update(t.price, t.size, t.bid, t.ask, side), k.value, out, o);
    }
    case 'cumulativeDelta': {
      const k = new CumulativeDelta(a0 === 1, a1);
      return (t, side, out, o) =>
        single(k.update(t.ts, t.price, t.size, t.bid, t.ask, side), k.value, out, o);
    }
    case 'tickVwap': {
      const k = new Vwap(a0, a1);
      return (t, _side, out, o) => single(k.update(t.ts, t.price, t.size), k.value, out, o);
    }
    default:
      throw new KernelError('KERNEL_BAD_SPEC', `${feature.kind} is not a tick feature`);
  }
}

function fuse(specs: readonly FeatureSpec[]): FusedFeatureKernel {
  const group = compileGroup(specs);
  const offsets: number[] = [];
  let offset = 0;
  for (const feature of group.features) {
    offsets.push(offset);
    offset += feature.width;
  }
  const barSlots: BarUpdate[][] = [];
  const tickSlots: TickUpdate[][] = [];
  const slotCount = (): number => (group.input === 'bar' ? barSlots.length : tickSlots.length);
  const badSlot = (slot: number): KernelError =>
    new KernelError('KERNEL_BAD_SLOT', `slot ${slot} was never allocated (have ${slotCount()})`);

  return {
    width: group.width,
    addInstrument(): number {
      if (group.input === 'bar') return barSlots.push(group.features.map(barFeature)) - 1;
      return tickSlots.push(group.features.map(tickFeature)) - 1;
    },
    updateBar(slot: number, bar: Bar, out: Float64Array): boolean {
      if (group.input !== 'bar') throw wrongInput('bar');
      const features = barSlots[slot];
      if (features === undefined) throw badSlot(slot);
      checkBar(bar);
      let warm = true;
      for (let i = 0; i < features.length; i++) {
        if (!(features[i] as BarUpdate)(bar, out, offsets[i] as number)) warm = false;
      }
      return warm;
    },
    updateTick(slot: number, tick: Tick, out: Float64Array): boolean {
      if (group.input !== 'tick') throw wrongInput('tick');
      const features = tickSlots[slot];
      if (features === undefined) throw badSlot(slot);
      checkTick(tick);
      const side = sideCode(tick);
      let warm = true;
      for (let i = 0; i < features.length; i++) {
        if (!(features[i] as TickUpdate)(tick, side, out, offsets[i] as number)) warm = false;
      }
      return warm;
    },
  };
}

/**
 * The TypeScript feature engine: the fallback when WebAssembly is unavailable (`--no-wasm`) and
 * the reference the WebAssembly engine is tested against.
 *
 * @example
 * const kernel = referenceFeatureEngine.fuse([{ kind: 'ema', input: 'bar', params: { period: 21 }, outputs: ['ema21'] }]);
 * const slot = kernel.addInstrument();
 * const out = new Float64Array(kernel.width);
 * kernel.updateBar(slot, bar, out); // out[0] is the EMA once warm, NaN before
 */
export const referenceFeatureEngine: FeatureEngine = { name: 'typescript', fuse };
