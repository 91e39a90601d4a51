import { describe, expect, it } from 'vitest';
import type { Tick } from '../../src/core/events.js';
import { findInstrument } from '../../src/core/instruments.js';
import { SimulatedMarket, type SimulatedMarketOptions } from '../../src/sources/simulated-market.js';
import { SimulatedSignals } from '../../src/sources/simulated-signals.js';

const OPTIONS: SimulatedMarketOptions = {
  seed: 42,
  symbols: ['ES 12-26', 'NQ 12-26', 'CL 01-27'],
  start: 1_767_623_400_000_000,
  ticksPerSecond: 3000,
};

function take(market: SimulatedMarket, n: number): Tick[] {
  return Array.from({ length: n }, () => market.next());
}

describe('simulated market', () => {
  it('gives an identical stream for the same seed', () => {
    expect(take(new SimulatedMarket(OPTIONS), 20_000)).toEqual(take(new SimulatedMarket(OPTIONS), 20_000));
  });

  it('gives a different stream for another seed', () => {
    const a = take(new SimulatedMarket(OPTIONS), 1000);
    const b = take(new SimulatedMarket({ ...OPTIONS, seed: 43 }), 1000);
    expect(a).not.toEqual(b);
  });

  it('emits realistic ticks: time order, prices on the tick grid, a positive spread, trades at bid or ask', () => {
    const ticks = take(new SimulatedMarket(OPTIONS), 50_000);
    let last = 0;
    const symbols = new Set<string>();
    for (const tick of ticks) {
      const tickSize = findInstrument(tick.symbol)?.tickSize ?? NaN;
      expect(tick.ts).toBeGreaterThanOrEqual(last);
      expect(Number.isInteger(tick.ts)).toBe(true);
      last = tick.ts;
      symbols.add(tick.symbol);
      for (const price of [tick.price, tick.bid, tick.ask])
        expect(Math.abs(price / tickSize - Math.round(price / tickSize))).toBeLessThan(1e-6);
      expect(tick.ask).toBeGreaterThan(tick.bid);
      expect(tick.price === tick.ask ? 'buy' : tick.price === tick.bid ? 'sell' : 'other').toBe(tick.side);
      expect(tick.size).toBeGreaterThanOrEqual(1);
    }
    expect([...symbols].sort()).toEqual(['CL 01-27', 'ES 12-26', 'NQ 12-26']);
  });

  it('keeps the offered rate roughly: about ticksPerSecond on average over market time', () => {
    const ticks = take(new SimulatedMarket(OPTIONS), 200_000);
    const seconds = ((ticks.at(-1)?.ts ?? 0) - OPTIONS.start) / 1e6;
    const rate = ticks.length / seconds;
    // Regimes and bursts make the tape busier than the baseline, but not by an order of magnitude.
    expect(rate).toBeGreaterThan(OPTIONS.ticksPerSecond * 0.8);
    expect(rate).toBeLessThan(OPTIONS.ticksPerSecond * 4);
  });

  it('moves prices by a plausible amount per hour (about 0.3% of price)', () => {
    const market = new SimulatedMarket({ ...OPTIONS, symbols: ['ES 12-26'], ticksPerSecond: 200 });
    const first = market.next().price;
    let tick = market.next();
    while (tick.ts < OPTIONS.start + 3600e6) tick = market.next();
    expect(Math.abs(tick.price - first) / first).toBeLessThan(0.05);
  });
});

describe('simulated Enigma signals', () => {
  it('fires about perMinute signals per instrument, each with a stop and 1R/2R targets on the tick grid', () => {
    const market = new SimulatedMarket({ ...OPTIONS, symbols: ['NQ 12-26'], ticksPerSecond: 100 });
    const signals = new SimulatedSignals('NQ 12-26', {
      seed: 7,
      perMinute: 2,
      stopTicks: 12,
      source: 'enigma-sim',
    });
    const fired = [];
    let tick = market.next();
    while (tick.ts < OPTIONS.start + 60 * 60e6) {
      const signal = signals.update(tick);
      if (signal) fired.push(signal);
      tick = market.next();
    }
    expect(fired.length).toBeGreaterThan(60);
    expect(fired.length).toBeLessThan(180);
    for (const signal of fired) {
      const sign = signal.direction === 'long' ? 1 : -1;
      expect(signal.stop).toBe(signal.price - sign * 3);
      expect(signal.targets).toEqual([signal.price + sign * 3, signal.price + sign * 6]);
      expect(signal.confluence).toBeGreaterThanOrEqual(1);
      expect(signal.confluence).toBeLessThanOrEqual(4);
    }
  });
});
