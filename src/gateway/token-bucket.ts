import type { Clock } from '../core/clock.js';
import { MICROS_PER_SECOND } from '../core/time.js';

/** A per-connection rate limit: `ratePerSecond` tokens refill continuously, up to one second's worth. */
export class TokenBucket {
  private tokens: number;
  private refilledAt: number;

  constructor(
    private readonly ratePerSecond: number,
    private readonly clock: Clock,
  ) {
    this.tokens = ratePerSecond;
    this.refilledAt = clock.now();
  }

  /** Takes `count` tokens (going negative when over the limit); returns the deficit, 0 when within it. */
  take(count: number): number {
    const now = this.clock.now();
    const refill = ((now - this.refilledAt) * this.ratePerSecond) / MICROS_PER_SECOND;
    this.tokens = Math.min(this.ratePerSecond, this.tokens + refill) - count;
    this.refilledAt = now;
    return this.tokens < 0 ? -this.tokens : 0;
  }

  /** Milliseconds until a deficit of `deficit` tokens has refilled. */
  millisecondsToRefill(deficit: number): number {
    return Math.ceil((deficit * 1000) / this.ratePerSecond);
  }
}
