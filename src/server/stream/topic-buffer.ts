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

  /** Everything waiting, oldest first, and the count dropped; empties the buffer. */
  take(): { items: StreamItem[]; dropped: number } {
    let items: StreamItem[];
    if (this.latest) {
      items = [...this.latest.values()];
      this.latest.clear();
    } else {
      const ring = this.ring as StreamItem[];
      items = new Array<StreamItem>(this.count);
      for (let i = 0; i < this.count; i++) items[i] = ring[(this.head + i) % this.capacity] as StreamItem;
      ring.length = 0;
      this.head = 0;
      this.count = 0;
    }
    const dropped = this.dropped;
    this.dropped = 0;
    return { items, dropped };
  }
}
