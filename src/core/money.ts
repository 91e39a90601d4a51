import { findInstrument, type Instrument } from './instruments.js';

/**
 * Money arithmetic for futures: prices become whole ticks, P&L is ticks × tick value. Working in
 * integer ticks keeps sums exact (no 0.1 + 0.2 drift); only the final product is a float.
 */

/** Dollars per tick per contract, free of binary drift (6E: 0.00005 × 125 000 = 6.25, not 6.250000000000001). */
export function tickValueOf(instrument: Pick<Instrument, 'tickSize' | 'pointValue'>): number {
  return Number((instrument.tickSize * instrument.pointValue).toPrecision(12));
}

/** A price as a whole number of ticks (prices are already on the tick grid; rounding removes float noise). */
export function priceToTicks(price: number, tickSize: number): number {
  return Math.round(price / tickSize);
}

/** Money for a number of ticks and contracts, rounded to a hundredth of a cent. */
export function moneyFromTicks(ticks: number, tickValue: number): number {
  return Math.round(ticks * tickValue * 10_000) / 10_000;
}

/** A cache of instruments by symbol, so hot paths do not rebuild them per message. */
export class InstrumentCache {
  private readonly instruments = new Map<string, Instrument | null>();

  get(symbol: string): Instrument | undefined {
    let instrument = this.instruments.get(symbol);
    if (instrument === undefined) {
      const found = findInstrument(symbol);
      instrument = found ? { ...found, tickValue: tickValueOf(found) } : null;
      this.instruments.set(symbol, instrument);
    }
    return instrument ?? undefined;
  }
}
