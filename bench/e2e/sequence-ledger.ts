/**
 * The load generator's accounting of one direction of sequenced messages (docs/protocol.md §3.2):
 * every `seq` the receiver sees is checked against the ones before it.
 *
 * 1. A `seq` seen before is a **duplicate** (counted once per extra copy).
 * 2. A new `seq` lower than the highest seen so far arrived **reordered** (after a later one):
 *    swapping two neighbours counts 1.
 * 3. **Lost** is every `seq` from 1 to `max(highest seen, expected)` that never arrived: a dropped
 *    message in the middle shows as a hole; one dropped at the end only against `expected`.
 *
 * @example
 * const ledger = new SequenceLedger();
 * for (const seq of [1, 3, 2, 2]) ledger.receive(seq);
 * ledger.counts(4); // { received: 3, lost: 1, duplicated: 1, reordered: 1 }
 */
export class SequenceLedger {
  private seen = new Uint8Array(1024);
  private highest = 0;
  private distinct = 0;
  private contiguous = 0;
  private duplicated = 0;
  private reordered = 0;

  /** Records one arrival; returns false when it was a duplicate. */
  receive(seq: number): boolean {
    if (seq >= this.seen.length) this.grow(seq);
    if (this.seen[seq] === 1) {
      this.duplicated += 1;
      return false;
    }
    this.seen[seq] = 1;
    this.distinct += 1;
    if (seq < this.highest) this.reordered += 1;
    else this.highest = seq;
    while (this.seen[this.contiguous + 1] === 1) this.contiguous += 1;
    return true;
  }

  /** The highest `seq` up to which everything has arrived: what the receiver acknowledges. */
  get lastContiguous(): number {
    return this.contiguous;
  }

  get highestSeen(): number {
    return this.highest;
  }

  /** Totals; `expected` is how many messages the sender should have numbered (0 if unknown). */
  counts(expected = 0): SequenceCounts {
    const span = Math.max(this.highest, expected);
    return {
      received: this.distinct,
      lost: span - this.distinct,
      duplicated: this.duplicated,
      reordered: this.reordered,
    };
  }

  private grow(seq: number): void {
    let size = this.seen.length;
    while (size <= seq) size *= 2;
    const bigger = new Uint8Array(size);
    bigger.set(this.seen);
    this.seen = bigger;
  }
}

export interface SequenceCounts {
  /** Distinct sequence numbers that arrived. */
  readonly received: number;
  readonly lost: number;
  readonly duplicated: number;
  readonly reordered: number;
}
