/**
 * The engine's outbound messages a client has not acknowledged yet, kept for resend after a
 * reconnect. Bounded: when full, the oldest message is evicted and a later resume from before it
 * becomes a gap (answered with a snapshot request).
 */
export class OutboundWindow {
  private readonly seqs: Float64Array;
  private readonly texts: (string | undefined)[];
  private head = 0;
  private length = 0;
  /** Messages evicted unacknowledged because the window was full. */
  evicted = 0;

  constructor(readonly capacity: number) {
    this.seqs = new Float64Array(capacity);
    this.texts = new Array<string | undefined>(capacity).fill(undefined);
  }

  get size(): number {
    return this.length;
  }

  /** The lowest seq still held, or undefined when empty. */
  get firstSeq(): number | undefined {
    return this.length === 0 ? undefined : (this.seqs[this.head] as number);
  }

  push(seq: number, text: string): void {
    if (this.length === this.capacity) {
      this.texts[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.length -= 1;
      this.evicted += 1;
    }
    const index = (this.head + this.length) % this.capacity;
    this.seqs[index] = seq;
    this.texts[index] = text;
    this.length += 1;
  }

  /** Forgets every message with seq ≤ `seq` (the client acknowledged them). */
  acknowledge(seq: number): void {
    while (this.length > 0 && (this.seqs[this.head] as number) <= seq) {
      this.texts[this.head] = undefined;
      this.head = (this.head + 1) % this.capacity;
      this.length -= 1;
    }
  }

  /** The held messages with seq > `seq`, oldest first. */
  after(seq: number): string[] {
    const texts: string[] = [];
    for (let i = 0; i < this.length; i++) {
      const index = (this.head + i) % this.capacity;
      if ((this.seqs[index] as number) > seq) texts.push(this.texts[index] as string);
    }
    return texts;
  }
}
