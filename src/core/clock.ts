import type { Micros } from './time.js';

/**
 * The only source of "now" for domain code. Live runs read the wall clock; replays read the
 * timestamp of the message being replayed, so the same input always gives the same output.
 */
export interface Clock {
  now(): Micros;
}

/** Wall-clock time from the monotonic high-resolution timer, anchored to the epoch at start-up. */
export class LiveClock implements Clock {
  now(): Micros {
    return Math.round((performance.timeOrigin + performance.now()) * 1000);
  }
}

/** Time that moves only when a replayed message says so; it never goes backwards. */
export class ReplayClock implements Clock {
  private current: Micros;

  constructor(start: Micros = 0) {
    this.current = start;
  }

  now(): Micros {
    return this.current;
  }

  /** Moves the clock to `ts`; earlier times are ignored so the clock stays monotone. */
  advanceTo(ts: Micros): void {
    if (ts > this.current) this.current = ts;
  }
}
