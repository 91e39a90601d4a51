/** Ten minutes of once-a-second status: the plot's memory stays the same however long the page is open. */
export const RING_POINTS = 600;

/** A plotted latency: nanoseconds to microseconds, and nothing (a gap) for "no figure yet". */
export function micros(nanos: number | null | undefined): number | null {
  return nanos === null || nanos === undefined || !Number.isFinite(nanos) || nanos <= 0 ? null : nanos / 1000;
}

/**
 * The last `capacity` (time, p50, p99) points of one pipeline, oldest overwritten first. A null
 * latency is a gap in the line (no data, or the link was down), never a zero.
 */
export class LatencyRing {
  private readonly times: Float64Array;
  private readonly p50: (number | null)[];
  private readonly p99: (number | null)[];
  private next = 0;
  private filled = 0;

  constructor(readonly capacity = RING_POINTS) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError('capacity must be a positive integer');
    this.times = new Float64Array(capacity);
    this.p50 = new Array<number | null>(capacity).fill(null);
    this.p99 = new Array<number | null>(capacity).fill(null);
  }

  get size(): number {
    return this.filled;
  }

  /** The time of the newest point (seconds), or null when there is none. */
  get lastTime(): number | null {
    return this.filled === 0 ? null : (this.times[(this.next + this.capacity - 1) % this.capacity] ?? null);
  }

  /** Adds a point at `seconds`; an older or equal time than the newest is ignored (the x axis only grows). */
  push(seconds: number, p50: number | null, p99: number | null): void {
    const last = this.lastTime;
    if (!Number.isFinite(seconds) || (last !== null && seconds <= last)) return;
    this.times[this.next] = seconds;
    this.p50[this.next] = p50;
    this.p99[this.next] = p99;
    this.next = (this.next + 1) % this.capacity;
    this.filled = Math.min(this.filled + 1, this.capacity);
  }

  /** The points oldest first, as uPlot takes them: [times, p50, p99]. */
  columns(): [number[], (number | null)[], (number | null)[]] {
    const start = (this.next + this.capacity - this.filled) % this.capacity;
    const times: number[] = [];
    const p50: (number | null)[] = [];
    const p99: (number | null)[] = [];
    for (let i = 0; i < this.filled; i++) {
      const at = (start + i) % this.capacity;
      times.push(this.times[at] ?? 0);
      p50.push(this.p50[at] ?? null);
      p99.push(this.p99[at] ?? null);
    }
    return [times, p50, p99];
  }
}
