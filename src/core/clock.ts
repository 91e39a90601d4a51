import type { Micros } from './time.js';

/**
 * The only source of "now" for domain code. Live runs read the wall clock; replays read the
 * timestamp of the message being replayed, so the same input always gives the same output.
 */
export interface Clock {
  now(): Micros;
  /**
   * Events stamped before this instant are history replayed to warm state up (a simulated
   * market's backfill): they warm indicators but are not traded. Absent: every event is live.
   */
  readonly liveFrom?: Micros;
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

export interface SessionClockOptions {
  /** Market time at which the live session begins; earlier events are warm-up (`liveFrom`). */
  readonly start: Micros;
  /** Market seconds per wall-clock second once the session runs (1 = real time). */
  readonly speed: number;
  /** The wall clock that paces the session (default: the live clock). */
  readonly wall?: Clock;
}

/**
 * Market time of a simulated session, driven by the simulated market:
 *
 * 1. `now()` is the time of the last tick the market released (`advanceTo`), never less than
 *    `start`: an engine that falls behind is never "late" against its own market, so a risk check
 *    on an intent's age judges market time, not the wall date.
 * 2. `due()` says which ticks the wall clock has reached: `start` while the market is still
 *    warming up (its backfill is released at full speed), then `start + elapsed wall × speed`
 *    from the moment the market calls `run()`.
 *
 * @example
 * const clock = new SessionClock({ start: microsFromIso('2026-12-08T14:30:00Z'), speed: 20 });
 * clock.run();                      // after the backfill
 * while (tickTs <= clock.due()) clock.advanceTo(tickTs); // release what is due
 */
export class SessionClock implements Clock {
  readonly start: Micros;
  readonly speed: number;
  readonly liveFrom: Micros;
  private readonly wall: Clock;
  /** Resolves when the market has finished its warm-up and the session runs. */
  readonly started: Promise<void>;
  private current: Micros;
  private wallAtRun: Micros | undefined;
  private resolveStarted: () => void = () => undefined;

  constructor(options: SessionClockOptions) {
    this.started = new Promise((resolve) => (this.resolveStarted = resolve));
    this.start = options.start;
    this.liveFrom = options.start;
    this.speed = options.speed;
    this.wall = options.wall ?? new LiveClock();
    this.current = options.start;
  }

  now(): Micros {
    return this.current;
  }

  /** True once the market has finished its warm-up and the session runs. */
  get running(): boolean {
    return this.wallAtRun !== undefined;
  }

  /** Starts pacing the session by the wall clock; later calls change nothing. */
  run(): void {
    if (this.wallAtRun !== undefined) return;
    this.wallAtRun = this.wall.now();
    this.resolveStarted();
  }

  /** The latest market time whose ticks are due. */
  due(): Micros {
    if (this.wallAtRun === undefined) return this.start;
    return this.start + Math.floor((this.wall.now() - this.wallAtRun) * this.speed);
  }

  /** Moves market time to a released tick's `ts`; earlier times are ignored (monotone). */
  advanceTo(ts: Micros): void {
    if (ts > this.current) this.current = ts;
  }
}
