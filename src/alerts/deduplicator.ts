import type { Micros } from '../core/time.js';

/** Entries kept at most; past it, the ones whose window has passed are forgotten. */
const PRUNE_AT = 10_000;

/**
 * Drops an alert whose key (rule, account, subject) was raised less than its window ago, by the
 * alerts' own times. The first one of a key always passes; one after the window passes again.
 */
export class Deduplicator {
  private readonly last = new Map<string, { ts: Micros; window: Micros }>();

  /** True when `key` was raised within `window` before `ts` (then it is dropped). */
  isDuplicate(key: string, ts: Micros, window: Micros): boolean {
    const seen = this.last.get(key);
    if (seen && ts - seen.ts < window && ts >= seen.ts) return true;
    if (this.last.size >= PRUNE_AT) this.prune(ts);
    this.last.set(key, { ts, window });
    return false;
  }

  private prune(now: Micros): void {
    for (const [key, seen] of this.last) if (now - seen.ts >= seen.window) this.last.delete(key);
  }
}
