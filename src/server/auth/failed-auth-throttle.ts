import type { Authenticate } from './roles.js';

/** Failed authentications an address may make in a burst, and how fast its allowance returns. */
export const AUTH_FAILURE_BURST = 10;
export const AUTH_FAILURES_PER_MINUTE = 6;
/** Addresses tracked at once; the least recently failing is forgotten first. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Failed authentications per remote address, as a token bucket: an address that spent its
 * allowance is refused (429) whatever it presents until the allowance returns, so guessing tokens
 * gains nothing. One throttle guards both the API and the gateway's upgrades.
 */
export class FailedAuthThrottle {
  /** Remaining failure allowance per remote address, refilled over time. */
  private readonly failures = new Map<string, { allowance: number; at: number }>();

  constructor(private readonly nowMs: () => number = Date.now) {}

  /** Seconds until `address` may try again; 0 when it is not throttled. */
  throttledFor(address: string): number {
    const entry = this.failures.get(address);
    if (!entry) return 0;
    const allowance = this.refill(entry);
    return allowance >= 1 ? 0 : Math.ceil(((1 - allowance) * 60) / AUTH_FAILURES_PER_MINUTE);
  }

  /** Counts a failure; true when this one used up the address's allowance (log it once, then). */
  recordFailure(address: string): boolean {
    let entry = this.failures.get(address);
    if (entry) {
      this.refill(entry);
      this.failures.delete(address);
    } else {
      entry = { allowance: AUTH_FAILURE_BURST, at: this.nowMs() };
      if (this.failures.size >= MAX_TRACKED_ADDRESSES) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
    }
    entry.allowance -= 1;
    this.failures.set(address, entry);
    return entry.allowance < 1 && entry.allowance >= 0;
  }

  private refill(entry: { allowance: number; at: number }): number {
    const now = this.nowMs();
    entry.allowance = Math.min(
      AUTH_FAILURE_BURST,
      entry.allowance + ((now - entry.at) / 60_000) * AUTH_FAILURES_PER_MINUTE,
    );
    entry.at = now;
    return entry.allowance;
  }
}

const shared = new WeakMap<Authenticate, FailedAuthThrottle>();

/**
 * The throttle of an `Authenticate`: every guard built over the same function (the API's
 * middleware, the gateway's upgrade guard) counts failures in the same buckets, so one limit
 * covers both without more wiring.
 */
export function throttleOf(authenticate: Authenticate): FailedAuthThrottle {
  let throttle = shared.get(authenticate);
  if (!throttle) {
    throttle = new FailedAuthThrottle();
    shared.set(authenticate, throttle);
  }
  return throttle;
}
