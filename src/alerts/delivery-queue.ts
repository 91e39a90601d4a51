import type { AlertDelivery, DeliveryStatus } from './alert-events.js';
import type { ChannelTarget } from './channel-requests.js';
import { postOnce, type PostResult } from './http-post.js';
import type { Notification } from './notification.js';

export interface DeliveryPolicy {
  /** Tries per notification before it is dead-lettered. */
  readonly attempts: number;
  /** Wait before the first retry; doubled per retry up to `maxRetryMs`, with jitter. */
  readonly firstRetryMs: number;
  readonly maxRetryMs: number;
  /** Time limit of one try. */
  readonly timeoutMs: number;
  /** Notifications waiting at most; past it the oldest waiting one is dropped. */
  readonly capacity: number;
}

export interface DeliveryHooks {
  /** Every attempt and every notification that never left (dropped). */
  readonly record: (delivery: AlertDelivery) => void;
  /** A notification whose last try failed. */
  readonly deadLetter: (notification: Notification, channel: string, error: string) => void;
  /** Wall clock in milliseconds (default Date.now). */
  readonly nowMs?: () => number;
  /** In [0, 1) (default Math.random): spreads retries so many engines do not retry in step. */
  readonly random?: () => number;
}

/**
 * The wait before retry `retry` (1 = the first): `firstRetryMs × 2^(retry−1)`, capped, then
 * "equal jitter": a random point in its upper half, so retries spread out but never come sooner
 * than half the backoff.
 */
export function retryDelayMs(policy: DeliveryPolicy, retry: number, random: number): number {
  const backoff = Math.min(policy.maxRetryMs, policy.firstRetryMs * 2 ** (retry - 1));
  return backoff / 2 + (backoff / 2) * random;
}

/**
 * One channel's outbox: a bounded queue and one sender that posts notifications in order, retries
 * a failed one with exponential backoff and jitter, and dead-letters it after the last try.
 * `enqueue` only appends (the bus never waits on a channel); a slow or failing channel delays
 * only its own notifications.
 */
export class DeliveryQueue {
  private readonly waiting: Notification[] = [];
  private running = false;
  private closed = false;
  private readonly abort = new AbortController();
  private wake: (() => void) | undefined;
  private idleWaiters: (() => void)[] = [];

  constructor(
    readonly target: ChannelTarget,
    private readonly policy: DeliveryPolicy,
    private readonly hooks: DeliveryHooks,
  ) {}

  /** Notifications waiting (not counting the one being sent). */
  get depth(): number {
    return this.waiting.length;
  }

  enqueue(notification: Notification): void {
    if (this.closed) {
      this.mark(notification, 'dropped', 0, 'the notifier is closed');
      return;
    }
    if (this.waiting.length >= this.policy.capacity) {
      const oldest = this.waiting.shift() as Notification;
      this.mark(oldest, 'dropped', 0, `the channel's queue is full (${String(this.policy.capacity)})`);
    }
    this.waiting.push(notification);
    if (!this.running) void this.run();
  }

  /** Resolves when nothing waits and nothing is being sent. */
  idle(): Promise<void> {
    if (!this.running && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stops: waits up to `graceMs` for the queue to empty, then cancels the try or the backoff in
   * progress and records what is left as dropped.
   */
  async close(graceMs = 5_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.idle(), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    this.closed = true;
    this.abort.abort();
    this.wake?.();
    await this.idle();
  }

  private async run(): Promise<void> {
    this.running = true;
    try {
      for (let next = this.waiting.shift(); next !== undefined; next = this.waiting.shift()) {
        await this.deliver(next);
      }
    } finally {
      this.running = false;
      for (const resolve of this.idleWaiters.splice(0)) resolve();
    }
  }

  private async deliver(notification: Notification): Promise<void> {
    const now = this.hooks.nowMs ?? Date.now;
    let last: PostResult = { ok: false, error: 'not tried' };
    for (let attempt = 1; attempt <= this.policy.attempts; attempt++) {
      if (this.closed) {
        this.mark(notification, 'dropped', attempt - 1, 'the notifier closed before it was delivered');
        return;
      }
      const request = this.target.request(notification, now() / 1000);
      last = await postOnce(request, this.policy.timeoutMs, this.abort.signal);
      if (!last.ok && this.closed) {
        this.mark(notification, 'dropped', attempt, 'the notifier closed before it was delivered');
        return;
      }
      const final = last.ok || attempt === this.policy.attempts;
      const status: DeliveryStatus = last.ok ? 'delivered' : final ? 'dead-lettered' : 'failed';
      this.mark(notification, status, attempt, last.error, last.httpStatus);
      if (final) break;
      await this.pause(retryDelayMs(this.policy, attempt, (this.hooks.random ?? Math.random)()));
    }
    if (!last.ok) this.hooks.deadLetter(notification, this.target.name, last.error ?? 'failed');
  }

  /** Waits out a backoff; `close` cuts it short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  private mark(
    notification: Notification,
    status: DeliveryStatus,
    attempt: number,
    error?: string,
    httpStatus?: number,
  ): void {
    const { alert } = notification;
    this.hooks.record({
      ts: Math.round((this.hooks.nowMs ?? Date.now)() * 1000),
      alertId: notification.id,
      alertTs: alert.ts,
      code: alert.code,
      severity: alert.severity,
      rule: notification.rule,
      channel: this.target.name,
      attempt,
      status,
      ...(httpStatus !== undefined && { httpStatus }),
      ...(error !== undefined && { error }),
    });
  }
}
