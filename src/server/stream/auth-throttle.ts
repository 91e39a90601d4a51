/** Failed authentications an address may make in a burst, and how fast its allowance returns. */
const FAILURE_BURST = 10;
const FAILURES_PER_MINUTE = 6;
/** Addresses tracked at once; the least recently failing is forgotten first. */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Throttles failed authentications per remote address (a token bucket each), so guessing tokens
 * over the stream is as slow as over the API. Bounded in memory whatever a client does.
 */
export class AuthThrottle {
  private readonly failures = new Map<string, { allowance: number; at: number }>();

  constructor(private readonly nowMs: () => number = () => performance.now()) {}

  /** Seconds until `address` may try again; 0 when it is not throttled. */
  throttledFor(address: string): number {
    const entry = this.failures.get(address);
    if (!entry) return 0;
    const allowance = this.refill(entry);
    return allowance >= 1 ? 0 : Math.ceil(((1 - allowance) * 60) / FAILURES_PER_MINUTE);
  }

  recordFailure(address: string): void {
    let entry = this.failures.get(address);
    if (entry) {
      this.refill(entry);
      this.failures.delete(address);
    } else {
      entry = { allowance: FAILURE_BURST, at: this.nowMs() };
      if (this.failures.size >= MAX_TRACKED_ADDRESSES) {
        const oldest = this.failures.keys().next().value;
        if (oldest !== undefined) this.failures.delete(oldest);
      }
    }
    entry.allowance -= 1;
    this.failures.set(address, entry);
  }

  private refill(entry: { allowance: number; at: number }): number {
    const now = this.nowMs();
    entry.allowance = Math.min(
      FAILURE_BURST,
      entry.allowance + ((now - entry.at) / 60_000) * FAILURES_PER_MINUTE,
    );
    entry.at = now;
    return entry.allowance;
  }
}
