import type { Tick } from '../core/events.js';
import { findInstrument, roundToTick, type Instrument } from '../core/instruments.js';
import { MICROS_PER_SECOND, type Micros } from '../core/time.js';
import { deriveSeed, SeededRandom } from './random.js';

export interface SimulatedMarketOptions {
  readonly seed: number;
  /** NinjaTrader symbols, e.g. `ES 12-26`; their roots must be in the contract table. */
  readonly symbols: readonly string[];
  /** Time of the first tick. */
  readonly start: Micros;
  /** Average trade prints per second, all instruments together. */
  readonly ticksPerSecond: number;
}

/** Typical price levels (late 2026) so simulated prices look like the real contracts. */
const REFERENCE_PRICES: Readonly<Record<string, number>> = {
  ES: 6000,
  MES: 6000,
  NQ: 21000,
  MNQ: 21000,
  YM: 44000,
  MYM: 44000,
  RTY: 2300,
  M2K: 2300,
  CL: 70,
  MCL: 70,
  GC: 2600,
  MGC: 2600,
  '6E': 1.08,
  M6E: 1.08,
  ZN: 110,
  ZB: 118,
};

/**
 * calm, normal, volatile: variance of the mid per second relative to normal, how busy the tape
 * is, and how wide the spread can get (in ticks).
 */
const REGIMES = [
  { variance: 0.4, activity: 0.6, maxSpreadTicks: 1, meanSize: 2 },
  { variance: 1, activity: 1, maxSpreadTicks: 1, meanSize: 3 },
  { variance: 3, activity: 2, maxSpreadTicks: 2, meanSize: 5 },
] as const;

/** Typical one-hour standard deviation of price, as a fraction of price. */
const HOURLY_VOLATILITY = 0.003;
/** Order-flow pressure: its spread and how long it persists (seconds, exponential decay). */
const PRESSURE_SPREAD = 0.08;
const PRESSURE_SECONDS = 60;
/** Mean time between regime switches and between volume bursts, in seconds of market time. */
const REGIME_SECONDS = 1800;
const BURST_SECONDS = 300;
const BURST_ACTIVITY = 6;

interface InstrumentState {
  readonly instrument: Instrument;
  readonly random: SeededRandom;
  /** Best bid in ticks. */
  bidTicks: number;
  regime: 0 | 1 | 2;
  /** Hidden order-flow pressure (about ±0.1): tilts both the aggressor side and the next move. */
  pressure: number;
  burstLeft: number;
  lastTs: Micros;
  nextTs: Micros;
  readonly meanGap: number;
  /** Variance of the mid per second in normal times, in ticks². */
  readonly varianceTicksPerSecond: number;
}

/**
 * A deterministic, seeded generator of realistic tick streams for several instruments: a random
 * walk of the mid in whole ticks with volatility regimes, a spread in ticks that widens when the
 * market is volatile, clustered volume bursts, and aggressor flow that leads price a little (so
 * order-flow signals have a real, modest edge). The same options always give the same stream.
 */
export class SimulatedMarket {
  private readonly states: InstrumentState[];

  constructor(options: SimulatedMarketOptions) {
    const perInstrument = options.ticksPerSecond / Math.max(1, options.symbols.length);
    this.states = options.symbols.map((symbol) => {
      const instrument = findInstrument(symbol);
      if (!instrument) throw new Error(`unknown instrument '${symbol}'`);
      const random = new SeededRandom(deriveSeed(options.seed, symbol));
      const reference = REFERENCE_PRICES[instrument.root] ?? 100;
      const meanGap = MICROS_PER_SECOND / perInstrument;
      const hourlyTicks = (reference * HOURLY_VOLATILITY) / instrument.tickSize;
      return {
        instrument,
        random,
        bidTicks: Math.round(reference / instrument.tickSize),
        regime: 1,
        pressure: 0,
        burstLeft: 0,
        meanGap,
        varianceTicksPerSecond: (hourlyTicks * hourlyTicks) / 3600,
        lastTs: options.start,
        nextTs: options.start + Math.max(1, Math.round(random.exponential(meanGap))),
      };
    });
  }

  /** Time of the next tick. */
  peekTime(): Micros {
    return this.nextState().nextTs;
  }

  /** The next tick in time order across all instruments. */
  next(): Tick {
    const state = this.nextState();
    const tick = this.step(state);
    const activity = REGIMES[state.regime].activity * (state.burstLeft > 0 ? BURST_ACTIVITY : 1);
    state.nextTs += Math.max(1, Math.round(state.random.exponential(state.meanGap / activity)));
    return tick;
  }

  private nextState(): InstrumentState {
    let best = this.states[0] as InstrumentState;
    for (const state of this.states) if (state.nextTs < best.nextTs) best = state;
    return best;
  }

  private step(state: InstrumentState): Tick {
    const { random, instrument } = state;
    const seconds = (state.nextTs - state.lastTs) / MICROS_PER_SECOND;
    state.lastTs = state.nextTs;
    if (random.next() < seconds / REGIME_SECONDS) state.regime = Math.floor(random.next() * 3) as 0 | 1 | 2;
    if (state.burstLeft > 0) state.burstLeft--;
    else if (random.next() < seconds / BURST_SECONDS) state.burstLeft = random.geometric(200);
    const regime = REGIMES[state.regime];

    // Pressure decays with market time, so the stream looks alike at any tick rate.
    const decay = Math.exp(-seconds / PRESSURE_SECONDS);
    state.pressure =
      decay * state.pressure + Math.sqrt(1 - decay * decay) * PRESSURE_SPREAD * random.normal();
    const buyProbability = 0.5 + Math.max(-0.45, Math.min(0.45, 4 * state.pressure));
    const side = random.next() < buyProbability ? 'buy' : 'sell';
    // One-tick moves with a probability that gives the regime's variance per second of market time.
    const moveProbability = Math.min(0.9, state.varianceTicksPerSecond * regime.variance * seconds);
    if (random.next() < moveProbability) {
      const up = random.next() < 0.5 + Math.max(-0.45, Math.min(0.45, state.pressure));
      state.bidTicks = Math.max(10, state.bidTicks + (up ? 1 : -1));
    }
    const spreadTicks = 1 + Math.floor(random.next() * regime.maxSpreadTicks);
    const burst = state.burstLeft > 0 ? 3 : 1;
    const bid = roundToTick(state.bidTicks * instrument.tickSize, instrument.tickSize);
    const ask = roundToTick((state.bidTicks + spreadTicks) * instrument.tickSize, instrument.tickSize);
    return {
      symbol: instrument.symbol,
      ts: state.nextTs,
      price: side === 'buy' ? ask : bid,
      size: random.geometric(regime.meanSize * burst),
      bid,
      ask,
      side,
    };
  }
}
