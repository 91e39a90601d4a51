import {
  DEFAULT_PRICE_BAND,
  PriceBand,
  type BandVerdict,
  type PriceBandSettings,
} from '../core/price-band.js';
import type { Micros } from '../core/time.js';

/** How far ahead of the engine's clock a client's market time may be (clock skew). */
export const MAX_FUTURE_SKEW_MICROS: Micros = 60_000_000;
/** Market time before this (1980-01-01) is not live data: a wrong unit or a broken clock. */
export const EARLIEST_MARKET_TIME: Micros = 315_532_800_000_000;

/** Why a print's time cannot be accepted, or undefined. */
export type TimeVerdict =
  | { readonly kind: 'backwards'; readonly last: Micros }
  | { readonly kind: 'future'; readonly limit: Micros }
  | { readonly kind: 'too-old' }
  | undefined;

/**
 * One source's view of its own market data (one per gateway session): time order per instrument
 * and kind, and price bands. Kept per session, so one client's prints, however wrong, never move
 * the time order or the band another client is judged by. A refused print moves nothing.
 */
export class MarketGuard {
  private readonly lastTs = { tick: new Map<string, Micros>(), bar: new Map<string, Micros>() };
  private readonly band: PriceBand;

  constructor(settings: PriceBandSettings = DEFAULT_PRICE_BAND) {
    this.band = new PriceBand(settings);
  }

  /** Judges a print's time against this source's last one and the engine's clock. */
  checkTime(kind: 'tick' | 'bar', symbol: string, ts: Micros, now: Micros): TimeVerdict {
    if (ts > now + MAX_FUTURE_SKEW_MICROS) return { kind: 'future', limit: now + MAX_FUTURE_SKEW_MICROS };
    if (ts < EARLIEST_MARKET_TIME) return { kind: 'too-old' };
    const last = this.lastTs[kind].get(symbol);
    return last !== undefined && ts < last ? { kind: 'backwards', last } : undefined;
  }

  /** Judges a price against this source's band; an accepted one moves the reference. */
  checkPrice(symbol: string, price: number, tickSize: number, ts: Micros): BandVerdict {
    return this.band.check(symbol, price, tickSize, ts);
  }

  /** Records an accepted print's time. */
  accept(kind: 'tick' | 'bar', symbol: string, ts: Micros): void {
    this.lastTs[kind].set(symbol, ts);
  }
}
