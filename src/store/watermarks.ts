import type { StoredWatermark } from '../bus/topics.js';

interface SourceState {
  /** Every seq up to this one is committed. */
  contiguous: number;
  /** Committed seqs above `contiguous + 1` (a gap below them). */
  readonly ahead: Set<number>;
  /** Highest seq accepted into a batch, committed or not: a lower one is a duplicate. */
  highestAccepted: number;
}

/**
 * Per source, the highest contiguous committed sequence number: the store's durability promise
 * to the gateway ("everything up to seq is on disk").
 */
export class WatermarkTracker {
  private readonly sources = new Map<string, SourceState>();

  private state(source: string): SourceState {
    let state = this.sources.get(source);
    if (!state) {
      state = { contiguous: 0, ahead: new Set(), highestAccepted: 0 };
      this.sources.set(source, state);
    }
    return state;
  }

  /** Restores a watermark read from the database at open. */
  restore(source: string, seq: number): void {
    const state = this.state(source);
    state.contiguous = seq;
    state.highestAccepted = Math.max(state.highestAccepted, seq);
  }

  /** True when `seq` is new for the source (and records it); false for a duplicate or stale resend. */
  accept(source: string, seq: number): boolean {
    const state = this.state(source);
    if (seq <= state.highestAccepted) return false;
    state.highestAccepted = seq;
    return true;
  }

  /** Marks seqs as committed; returns the sources whose watermark moved, with the new value. */
  commit(committed: ReadonlyMap<string, readonly number[]>): StoredWatermark[] {
    const moved: StoredWatermark[] = [];
    for (const [source, seqs] of committed) {
      const state = this.state(source);
      const before = state.contiguous;
      for (const seq of seqs) {
        if (seq === state.contiguous + 1) {
          state.contiguous = seq;
          while (state.ahead.delete(state.contiguous + 1)) state.contiguous++;
          continue;
        }
        // Stryker disable next-line ConditionalExpression,EqualityOperator: accept() lets no seq be committed twice, so none at or below the watermark comes here
        if (seq > state.contiguous) state.ahead.add(seq);
      }
      if (state.contiguous !== before) moved.push({ source, seq: state.contiguous });
    }
    return moved;
  }

  /** The highest seq of a source taken into a batch, committed or not (0 when none). */
  accepted(source: string): number {
    return this.sources.get(source)?.highestAccepted ?? 0;
  }

  /** The current watermark of a source (0 when nothing is stored). */
  get(source: string): number {
    return this.sources.get(source)?.contiguous ?? 0;
  }

  all(): StoredWatermark[] {
    return [...this.sources].map(([source, state]) => ({ source, seq: state.contiguous }));
  }
}
