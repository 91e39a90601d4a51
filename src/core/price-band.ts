import type { Micros } from './time.js';

/** How far a print may be from the last accepted price of its instrument. */
export interface PriceBandSettings {
  /** Band half-width as a fraction of the reference price (0.03 = 3 %). */
  readonly fraction: number;
  /** A floor for the half-width in ticks, so thin prices (6E, ZN) are not banded to nothing. */
  readonly minTicks: number;
  /**
   * A move beyond the band that holds this long (every print beyond it, all within one band of
   * each other) is a real move: the reference moves there. Until then those prints are refused.
   */
  readonly confirmMicros: Micros;
}

export const DEFAULT_PRICE_BAND: PriceBandSettings = {
  fraction: 0.03,
  minTicks: 20,
  confirmMicros: 5_000_000,
};

/** What the band says about one print. */
export type BandVerdict =
  | { readonly ok: true; readonly reanchored: boolean }
  | { readonly ok: false; readonly reference: number; readonly limit: number };

// Shared verdicts: an accepted print (almost every one) allocates nothing.
const ACCEPTED: BandVerdict = { ok: true, reanchored: false };
const REANCHORED: BandVerdict = { ok: true, reanchored: true };

interface SymbolBand {
  reference: number;
  /** A move beyond the band being watched: where it started and the price it holds around. */
  pendingSince: Micros | undefined;
  pendingPrice: number;
}

/**
 * Price-band protection for one source of market data, as exchanges band prices: a print further
 * than the band from the last accepted price of its instrument is refused, unless the market
 * really moved there (the prints beyond the band hold together for `confirmMicros`), when the
 * reference follows and the caller raises an alert. One instance per source, so one client's
 * prints never move another's reference.
 *
 * @example
 * const band = new PriceBand(DEFAULT_PRICE_BAND);
 * band.check('CL 01-27', 70.12, 0.01, ts);        // { ok: true, reanchored: false }
 * band.check('CL 01-27', 100.25, 0.01, ts + 1);   // { ok: false, reference: 70.12, limit: 2.1036 }
 */
export class PriceBand {
  private readonly symbols = new Map<string, SymbolBand>();

  constructor(private readonly settings: PriceBandSettings = DEFAULT_PRICE_BAND) {}

  /** Judges a print; the reference moves only with an accepted print. */
  check(symbol: string, price: number, tickSize: number, ts: Micros): BandVerdict {
    const band = this.symbols.get(symbol);
    if (!band) {
      this.symbols.set(symbol, { reference: price, pendingSince: undefined, pendingPrice: 0 });
      return ACCEPTED;
    }
    const limit = this.halfWidth(band.reference, tickSize);
    // Half a tick of slack absorbs binary rounding (70.2 − 70 is 0.20000000000000284).
    if (Math.abs(price - band.reference) <= limit + tickSize / 2) {
      band.reference = price;
      band.pendingSince = undefined;
      return ACCEPTED;
    }
    const together =
      band.pendingSince !== undefined &&
      Math.abs(price - band.pendingPrice) <= this.halfWidth(band.pendingPrice, tickSize);
    if (!together) {
      band.pendingSince = ts;
      band.pendingPrice = price;
      return { ok: false, reference: band.reference, limit };
    }
    if (ts - (band.pendingSince ?? ts) >= this.settings.confirmMicros) {
      band.reference = price;
      band.pendingSince = undefined;
      return REANCHORED;
    }
    return { ok: false, reference: band.reference, limit };
  }

  private halfWidth(reference: number, tickSize: number): number {
    return Math.max(Math.abs(reference) * this.settings.fraction, this.settings.minTicks * tickSize);
  }
}
