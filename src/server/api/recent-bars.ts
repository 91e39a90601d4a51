import type { Bar } from '../../core/events.js';

/** Bars kept per instrument (a quarter more at most between trims): a session of 1-minute bars and more. */
export const RECENT_BARS_PER_SYMBOL = 500;
/** Instruments kept at once; past it, the one whose last bar is oldest is forgotten. */
export const RECENT_BARS_SYMBOLS = 64;

/**
 * The latest bars of each instrument, as the bus carried them, so a page opened mid-session draws
 * its chart at once (the live stream's `bars:<symbol>` snapshot). Bounded twice: bars per
 * instrument and instruments, since a client (an AddOn) may send bars of any symbol it likes.
 *
 * @example
 * const recent = new RecentBars();
 * bus.observe(TOPICS.bars).subscribe((bar) => recent.add(bar));
 * recent.latest('ES 12-26', 100); // newest first
 */
export class RecentBars {
  /** Oldest first per instrument; the map's order is the order of their last bars. */
  private readonly bySymbol = new Map<string, Bar[]>();

  constructor(
    private readonly perSymbol = RECENT_BARS_PER_SYMBOL,
    private readonly symbols = RECENT_BARS_SYMBOLS,
  ) {}

  add(bar: Bar): void {
    let bars = this.bySymbol.get(bar.symbol);
    if (bars === undefined) {
      bars = [];
      if (this.bySymbol.size >= this.symbols) {
        const stalest = this.bySymbol.keys().next().value;
        if (stalest !== undefined) this.bySymbol.delete(stalest);
      }
    } else {
      // Moved to the end: the map stays ordered by each instrument's last bar.
      this.bySymbol.delete(bar.symbol);
    }
    this.bySymbol.set(bar.symbol, bars);
    bars.push(bar);
    // Trimmed in steps, not on every bar: a copy per quarter of the bound, not per bar.
    if (bars.length >= this.perSymbol + Math.ceil(this.perSymbol / 4))
      bars.splice(0, bars.length - this.perSymbol);
  }

  /** The newest `limit` bars of `symbol`, newest first (as the API's event reads are). */
  latest(symbol: string, limit = this.perSymbol): Bar[] {
    const count = Math.min(limit, this.perSymbol);
    if (!(count > 0)) return [];
    return (this.bySymbol.get(symbol) ?? []).slice(-count).reverse();
  }
}
