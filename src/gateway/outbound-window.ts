/** Slots a new window starts with; it doubles up to its capacity as messages wait. */
const INITIAL_SLOTS = 16;

/**
 * The engine's outbound messages a client has not acknowledged yet, kept for resend after a
 * reconnect. Bounded: when full, the oldest message is evicted and a later resume from before it
 * becomes a gap (answered with a snapshot request). Its ring grows on demand: every session keeps
 * one for its time to live, and a full-size ring (10,000 slots, 160 KB) per session let a client
 * that reconnects over and over make the engine hold gigabytes (`npm run chaos`, fuzz).
 */
export class OutboundWindow {
  private seqs: Float64Array;
  private texts: (string | undefined)[];
  private head = 0;
  private length = 0;
  /** Messages evicted unacknowledged because the window was full. */
  evicted = 0;

  constructor(readonly capacity: number) {
    const slots = Math.min(capacity, INITIAL_SLOTS);
    this.seqs = new Float64Array(slots);
    // Stryker disable next-line ArrayDeclaration: an empty array written by index holds the same values (only V8's layout differs)
    this.texts = new Array<string | undefined>(slots).fill(undefined);
  }

  get size(): number {
    return this.length;
  }

  /** Slots the ring holds now: what the window costs in memory, grown only as messages wait. */
  get slots(): number {
    return this.seqs.length;
  }

  /** The lowest seq still held, or undefined when empty. */
  get firstSeq(): number | undefined {
    return this.length === 0 ? undefined : (this.seqs[this.head] as number);
  }

  push(seq: number, text: string): void {
    if (this.length === this.capacity) {
      this.texts[this.head] = undefined;
      this.head = (this.head + 1) % this.seqs.length;
      this.length -= 1;
      this.evicted += 1;
    } else if (this.length === this.seqs.length) {
      this.grow();
    }
    const index = (this.head + this.length) % this.seqs.length;
    this.seqs[index] = seq;
    this.texts[index] = text;
    this.length += 1;
  }

  /** Forgets every message with seq ≤ `seq` (the client acknowledged them). */
  acknowledge(seq: number): void {
    while (this.length > 0 && (this.seqs[this.head] as number) <= seq) {
      this.texts[this.head] = undefined;
      this.head = (this.head + 1) % this.seqs.length;
      this.length -= 1;
    }
  }

  /** The held messages with seq > `seq`, oldest first. */
  after(seq: number): string[] {
    const texts: string[] = [];
    for (let i = 0; i < this.length; i++) {
      const index = (this.head + i) % this.seqs.length;
      if ((this.seqs[index] as number) > seq) texts.push(this.texts[index] as string);
    }
    return texts;
  }

  /** Doubles the ring (up to the capacity), oldest message first at slot 0. */
  private grow(): void {
    const slots = Math.min(this.capacity, this.seqs.length * 2);
    const seqs = new Float64Array(slots);
    // Stryker disable next-line ArrayDeclaration: an empty array written by index holds the same values (only V8's layout differs)
    const texts = new Array<string | undefined>(slots).fill(undefined);
    // Stryker disable next-line EqualityOperator: one slot past the messages copies an empty slot that the next push overwrites
    for (let i = 0; i < this.length; i++) {
      const index = (this.head + i) % this.seqs.length;
      seqs[i] = this.seqs[index] as number;
      texts[i] = this.texts[index];
    }
    this.seqs = seqs;
    this.texts = texts;
    this.head = 0;
  }
}
