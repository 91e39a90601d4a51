import type { ConfluenceLevel, Signal, Tick } from '../core/events.js';
import { findInstrument, roundToTick } from '../core/instruments.js';
import { MICROS_PER_MINUTE } from '../core/time.js';
import { deriveSeed, SeededRandom } from './random.js';

export interface SimulatedSignalOptions {
  readonly seed: number;
  /** Average signals per minute of market time, per instrument. */
  readonly perMinute: number;
  /** Stop distance in ticks from the signal price; targets sit at 1R and 2R. */
  readonly stopTicks: number;
  /** Name in the signal's `source`. */
  readonly source: string;
}

/**
 * Enigma-style order-flow signals for one instrument, computed from its tape: the direction and
 * power come from the recent aggressor imbalance, the confluence from how many views agree (fast
 * and slow imbalance, price against its average, imbalance size). Signals fire at random moments
 * of market time (seeded) at the configured average rate, so the stream is deterministic.
 */
export class SimulatedSignals {
  private readonly random: SeededRandom;
  private readonly meanGap: number;
  private fastFlow = 0;
  private slowFlow = 0;
  private fastVolume = 0;
  private slowVolume = 0;
  private averagePrice = Number.NaN;
  private nextSignalTs = Number.NaN;
  private readonly tickSize: number;

  constructor(
    private readonly symbol: string,
    private readonly options: SimulatedSignalOptions,
  ) {
    this.random = new SeededRandom(deriveSeed(options.seed, `signals:${symbol}`));
    this.meanGap = MICROS_PER_MINUTE / options.perMinute;
    this.tickSize = findInstrument(symbol)?.tickSize ?? 0.01;
  }

  /** Updates the order-flow state with one tick; returns a signal when one fires. */
  update(tick: Tick): Signal | undefined {
    const signed = tick.side === 'buy' ? tick.size : tick.side === 'sell' ? -tick.size : 0;
    this.fastFlow += 0.05 * (signed - this.fastFlow);
    this.slowFlow += 0.005 * (signed - this.slowFlow);
    this.fastVolume += 0.05 * (tick.size - this.fastVolume);
    this.slowVolume += 0.005 * (tick.size - this.slowVolume);
    this.averagePrice = Number.isNaN(this.averagePrice)
      ? tick.price
      : this.averagePrice + 0.01 * (tick.price - this.averagePrice);
    if (Number.isNaN(this.nextSignalTs)) this.nextSignalTs = tick.ts + this.gap();
    if (tick.ts < this.nextSignalTs) return undefined;
    this.nextSignalTs = tick.ts + this.gap();

    const imbalance = this.fastVolume > 0 ? this.fastFlow / this.fastVolume : 0;
    const slowImbalance = this.slowVolume > 0 ? this.slowFlow / this.slowVolume : 0;
    // No clear imbalance, no signal: the indicator stays quiet rather than saying "neutral".
    if (Math.abs(imbalance) < 0.05) return undefined;
    const direction = imbalance > 0 ? 'long' : 'short';
    const sign = Math.sign(imbalance);
    const agreeing =
      1 +
      (Math.sign(slowImbalance) === sign ? 1 : 0) +
      (Math.sign(tick.price - this.averagePrice) === sign ? 1 : 0) +
      (Math.abs(imbalance) > 0.2 ? 1 : 0);
    const stopDistance = this.options.stopTicks * this.tickSize;
    const price = tick.price;
    return {
      source: this.options.source,
      symbol: this.symbol,
      ts: tick.ts,
      direction,
      strength: Math.abs(imbalance) > 0.35 ? 'strong' : 'normal',
      power: Math.round(Math.abs(imbalance) * 1000) / 10,
      confluence: agreeing as ConfluenceLevel,
      price,
      metadata: { imbalance: Math.round(imbalance * 1e4) / 1e4 },
      stop: roundToTick(price - sign * stopDistance, this.tickSize),
      targets: [
        roundToTick(price + sign * stopDistance, this.tickSize),
        roundToTick(price + 2 * sign * stopDistance, this.tickSize),
      ],
    };
  }

  private gap(): number {
    return Math.max(1, Math.round(this.random.exponential(this.meanGap)));
  }
}
