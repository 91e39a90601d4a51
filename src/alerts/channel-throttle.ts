import type { AlertSeverity } from '../core/events.js';

const RANK: Record<AlertSeverity, number> = { info: 0, warning: 1, critical: 2 };

/** What a throttle held back in one window, for the summary sent when the window ends. */
export interface HeldBack {
  readonly total: number;
  /** Count per alert code, in the order they first came. */
  readonly byCode: ReadonlyMap<string, number>;
  /** The most severe one held back. */
  readonly severity: AlertSeverity;
}

/**
 * A channel's limit of `max` notifications per window (a minute): the ones past it are held
 * back and counted; when the window ends, `onSummary` gets the count (once, and only if something
 * was held back), and the summary counts as the first notification of the next window.
 */
export class ChannelThrottle {
  private windowStart = -Infinity;
  private sent = 0;
  private held: { total: number; byCode: Map<string, number>; severity: AlertSeverity } | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly onSummary: (held: HeldBack) => void,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** True when the notification may go now; false when it is held back (and counted). */
  admit(code: string, severity: AlertSeverity): boolean {
    const now = this.nowMs();
    if (now - this.windowStart >= this.windowMs && this.held === undefined) {
      this.windowStart = now;
      this.sent = 0;
    }
    if (this.sent < this.max) {
      this.sent++;
      return true;
    }
    if (!this.held) {
      this.held = { total: 0, byCode: new Map(), severity };
      this.timer = setTimeout(() => this.summarise(), Math.max(0, this.windowStart + this.windowMs - now));
      this.timer.unref();
    }
    this.held.total++;
    this.held.byCode.set(code, (this.held.byCode.get(code) ?? 0) + 1);
    if (RANK[severity] > RANK[this.held.severity]) this.held.severity = severity;
    return false;
  }

  /** Sends the pending summary now (the notifier is stopping). */
  flush(): void {
    if (this.held) this.summarise();
  }

  private summarise(): void {
    clearTimeout(this.timer);
    const held = this.held;
    this.held = undefined;
    if (!held) return;
    this.windowStart = this.nowMs();
    this.sent = 1;
    this.onSummary(held);
  }
}

/** `12 alerts held back in the last minute: ALERT_FILL ×10, ALERT_REJECT_BURST ×2`. */
export function heldBackText(held: HeldBack, windowMs: number): string {
  const codes = [...held.byCode].map(([code, count]) => `${code} ×${String(count)}`).join(', ');
  const window = windowMs === 60_000 ? 'the last minute' : `the last ${String(windowMs / 1000)} s`;
  return `${String(held.total)} alert${held.total === 1 ? '' : 's'} held back in ${window} (this channel's limit): ${codes}`;
}
