import type { Coalescing } from './stream-topics.js';

/** One update item as the client receives it: which event (`kind`) and the event itself. */
export interface StreamItem {
  readonly kind: string;
  readonly data: unknown;
}

/**
 * What waits for one client on one topic until the next flush. `latest`: the newest item per key
 * (a slow client sees the current state, not every step to it). `queue`: the newest `capacity`
 * items in order (a ring: the oldest are dropped first and counted in `dropped`).
 */
export class TopicBuffer {
  /** Items dropped since the last flush (queue topics only). */
  dropped = 0;
  /** While the snapshot is being read, updates wait here and are not flushed. */
  snapshotPending = false;
  private readonly latest: Map<string, StreamItem> | undefined;
  private readonly ring: StreamItem[] | undefined;
  private head = 0;
  private count = 0;

  constructor(
    coalescing: Coalescing,
    private readonly capacity: number,
    /** The client chose the capacity (`newest`): what it drops was asked for, not lost to slowness. */
    readonly chosen = false,
  ) {
    if (coalescing === 'latest') this.latest = new Map();
    else this.ring = [];
  }

  get size(): number {
    return this.latest ? this.latest.size : this.count;
  }

  add(kind: string, key: string | undefined, data: unknown): void {
    const item = { kind, data };
    if (this.latest) {
      // Delete first so the newest key goes last: items flush in the order their last change came.
      if (key !== undefined) this.latest.delete(key);
      this.latest.set(key ?? '', item);
      if (this.latest.size > this.capacity) {
        const oldest = this.latest.keys().next().value;
        if (oldest !== undefined) this.latest.delete(oldest);
        this.dropped++;
      }
      return;
    }
    const ring = this.ring as StreamItem[];
    if (this.count < this.capacity) {
      ring[(this.head + this.count) % this.capacity] = item;
      this.count++;
    } else {
      ring[this.head] = item;
      this.head = (this.head + 1) % this.capacity;
      this.dropped++;
    }
  }

  /**
   * Up to `max` of what waits, oldest first, and the count dropped since the last take; what is
   * left waits for the next take, in order.
   */
  take(max = Infinity): { items: StreamItem[]; dropped: number } {
    const items: StreamItem[] = [];
    if (this.latest) {
      for (const [key, item] of this.latest) {
        if (items.length >= max) break;
        items.push(item);
        this.latest.delete(key);
      }
    } else {
      const ring = this.ring as StreamItem[];
      const taken = Math.min(max, this.count);
      for (let i = 0; i < taken; i++) items.push(ring[(this.head + i) % this.capacity] as StreamItem);
      this.head = (this.head + taken) % this.capacity;
      this.count -= taken;
      if (this.count === 0) {
        ring.length = 0;
        this.head = 0;
      }
    }
    const dropped = this.dropped;
    this.dropped = 0;
    return { items, dropped };
  }
}
