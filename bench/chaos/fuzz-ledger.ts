/**
 * The fuzzer's accounting: what became of every frame it sent.
 *
 * Each fuzz frame is followed by a sentinel `ping` (id `s<n>`). The engine handles a connection's
 * frames in order, so when the sentinel's `pong` comes back, the frame before it has been handled.
 *
 * 1. A frame is **answered** when something came back for it before its sentinel's pong (an
 *    `error`, or the `pong` of a ping it carried), when it was a control message that needs no
 *    answer (a client `ack`), or when every sequenced message it carried was acknowledged later.
 * 2. A frame still waiting when the engine closes the connection is **closed with a documented
 *    code** when that code is in docs/protocol.md §5 (else **closed undocumented**).
 * 3. A frame handled with nothing for it, or a sequenced message accepted and never acknowledged
 *    while the connection stayed open, is **unanswered**: the engine swallowed it.
 */
import type { FrameKind, FuzzFrame } from './fuzz-frames.js';

export interface FuzzCounts {
  connections: number;
  frames: number;
  answered: number;
  closedDocumented: number;
  closedUndocumented: number;
  unanswered: number;
  /** Upgrades refused (503 at the connection limit, …) and retried. */
  refusedUpgrades: number;
  /** A closing frame (binary, oversize, …) whose connection ended with another code than §5 gives. */
  unexpectedCloses: number;
  readonly byKind: Partial<Record<FrameKind, number>>;
  readonly closeCodes: Record<string, number>;
  readonly errorCodes: Record<string, number>;
  /** Up to 20 examples of unanswered or undocumented outcomes, for the report. */
  readonly examples: string[];
}

export function emptyCounts(): FuzzCounts {
  return {
    connections: 0,
    frames: 0,
    answered: 0,
    closedDocumented: 0,
    closedUndocumented: 0,
    unanswered: 0,
    refusedUpgrades: 0,
    unexpectedCloses: 0,
    byKind: {},
    closeCodes: {},
    errorCodes: {},
    examples: [],
  };
}

/** Adds `from` into `into` (the fuzz process sums its connections, the scenario its processes). */
export function addCounts(into: FuzzCounts, from: FuzzCounts): void {
  for (const key of [
    'connections',
    'frames',
    'answered',
    'closedDocumented',
    'closedUndocumented',
    'unanswered',
    'refusedUpgrades',
    'unexpectedCloses',
  ] as const)
    into[key] += from[key];
  for (const field of ['byKind', 'closeCodes', 'errorCodes'] as const) {
    const target = into[field] as Record<string, number>;
    for (const [key, value] of Object.entries(from[field] as Record<string, number>))
      target[key] = (target[key] ?? 0) + value;
  }
  for (const example of from.examples)
    if (into.examples.length < 20 && !into.examples.includes(example)) into.examples.push(example);
}

interface Pending {
  readonly sentinel: number;
  readonly frame: FuzzFrame;
  answered: boolean;
}

/** One connection's frames in flight. */
export class ConnectionLedger {
  private readonly pending: Pending[] = [];
  /** Handled frames whose sequenced messages wait for an ack: highest seq each needs. */
  private readonly awaitingAck: { readonly seq: number; readonly kind: FrameKind }[] = [];
  private acked = 0;
  private expectedClose: { kind: FrameKind; code: number } | undefined;

  constructor(
    private readonly counts: FuzzCounts,
    private readonly documented: ReadonlySet<number>,
  ) {}

  /** Frames sent and not yet handled (their sentinel not back). */
  get inFlight(): number {
    return this.pending.length;
  }

  /** Frames handled whose messages still wait for an ack. */
  get waitingForAcks(): number {
    return this.awaitingAck.length;
  }

  sent(frame: FuzzFrame, sentinel: number, closesWith?: number): void {
    this.counts.frames += 1;
    this.counts.byKind[frame.kind] = (this.counts.byKind[frame.kind] ?? 0) + 1;
    this.pending.push({ sentinel, frame, answered: frame.kind === 'control' && isAck(frame) });
    if (closesWith !== undefined) this.expectedClose = { kind: frame.kind, code: closesWith };
  }

  /** An `error` frame, or a `pong` that is not a sentinel's: an answer to the oldest frame in flight. */
  answer(code?: string): void {
    if (code !== undefined) this.counts.errorCodes[code] = (this.counts.errorCodes[code] ?? 0) + 1;
    const head = this.pending[0];
    if (head) head.answered = true;
  }

  /** The sentinel `s<n>` came back: every frame up to it has been handled. */
  sentinel(n: number): void {
    while (this.pending.length > 0 && (this.pending[0] as Pending).sentinel <= n) {
      const { frame, answered } = this.pending.shift() as Pending;
      if (answered) this.counts.answered += 1;
      else if (frame.seqs.length > 0) this.awaitAck(frame);
      else this.swallowed(frame.kind, 'handled with no answer');
    }
  }

  ack(lastSeq: number): void {
    if (lastSeq <= this.acked) return;
    this.acked = lastSeq;
    let kept = 0;
    for (const waiting of this.awaitingAck) {
      if (waiting.seq <= lastSeq) this.counts.answered += 1;
      else this.awaitingAck[kept++] = waiting;
    }
    this.awaitingAck.length = kept;
  }

  /** The engine closed the connection (1006 when it ended without a close frame). */
  closed(code: number): void {
    this.counts.closeCodes[String(code)] = (this.counts.closeCodes[String(code)] ?? 0) + 1;
    const open = this.pending.length + this.awaitingAck.length;
    if (this.documented.has(code)) this.counts.closedDocumented += open;
    else {
      this.counts.closedUndocumented += open;
      this.example(`connection closed with undocumented code ${String(code)}`);
    }
    // A flood (4003) may end the connection before the closing frame is read.
    if (this.expectedClose && this.expectedClose.code !== code && code !== 4003) {
      this.counts.unexpectedCloses += 1;
      this.example(
        `${this.expectedClose.kind} frame: closed with ${String(code)}, §5 says ${String(this.expectedClose.code)}`,
      );
    }
    this.pending.length = 0;
    this.awaitingAck.length = 0;
  }

  /** The fuzzer closed the connection itself: whatever is still open was swallowed. */
  finished(): void {
    for (const { frame, answered } of this.pending) {
      if (answered) this.counts.answered += 1;
      else this.swallowed(frame.kind, 'no sentinel pong before the end');
    }
    for (const waiting of this.awaitingAck) this.swallowed(waiting.kind, 'accepted, never acknowledged');
    this.pending.length = 0;
    this.awaitingAck.length = 0;
  }

  private awaitAck(frame: FuzzFrame): void {
    const seq = Math.max(...frame.seqs);
    if (seq <= this.acked) this.counts.answered += 1;
    else this.awaitingAck.push({ seq, kind: frame.kind });
  }

  private swallowed(kind: FrameKind, why: string): void {
    this.counts.unanswered += 1;
    this.example(`${kind}: ${why}`);
  }

  private example(text: string): void {
    if (this.counts.examples.length < 20 && !this.counts.examples.includes(text))
      this.counts.examples.push(text);
  }
}

function isAck(frame: FuzzFrame): boolean {
  return typeof frame.data === 'string' && frame.data.startsWith('{"type":"ack"');
}
