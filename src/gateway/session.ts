import type { Received, StoreRefusal } from '../bus/topics.js';
import { RejectBudget } from './kept-raw.js';
import { MarketGuard } from './market-guard.js';
import type { Clock } from '../core/clock.js';
import { clientSource } from '../core/market-source.js';
import { serialiseEngineMessage } from './protocol/codec.js';
import type { ClientMessage, EngineMessage } from './protocol/schemas.js';
import { OutboundWindow } from './outbound-window.js';

/** When the engine acknowledges a client message: once the store committed it, or once accepted. */
export type AckPolicy = 'stored' | 'accepted';

/** What a session needs from the connection currently holding it. */
export interface SessionConnection {
  /** Queues serialised engine messages for the next frame. */
  enqueue(text: string): void;
  /** Something changed that may need an `ack` frame. */
  scheduleFlush(): void;
  /** The backlog of accepted-but-unstored messages crossed a limit. */
  setStoreBacklogged(backlogged: boolean): void;
  /** The store refused a message of this session after the gateway accepted it. */
  refusedByStore(refusal: StoreRefusal): void;
}

/** Where a session starts: fresh, or where the store's watermark says a previous engine left it. */
export interface SessionStart {
  /** Client seqs up to this one are already durably handled (restored after an engine restart). */
  readonly handledSeq: number;
  /** Client seqs up to this one are committed and may be acknowledged (default `handledSeq`). */
  readonly ackableSeq?: number;
  /** Engine seqs up to this one were sent by a previous engine; numbering continues after it. */
  readonly outboundSeq: number;
}

/**
 * The engine's memory of one client across reconnects (docs/protocol.md §3): the client `seq`
 * handled so far, what may be acknowledged, and the outbound window for resends.
 *
 * Every client seq, once handled, is published on `edge.received` with `Received.seq` equal to the
 * protocol seq: accepted messages with their event, refused ones as `refused`, skipped ones as
 * `lost`. So the store's watermark for `gateway:<id>` is directly the highest client seq it may
 * acknowledge, and it survives an engine restart.
 */
export class GatewaySession {
  readonly source: string;
  /** This session's own time order and price bands for its market data (never another's). */
  readonly market = new MarketGuard();
  /** How many of this session's refused messages keep their raw text (the rest are counted). */
  readonly rejects = new RejectBudget();
  accounts: readonly string[] = [];
  connection: SessionConnection | undefined;
  /** Clock time the last connection ended, for expiry; undefined while connected. */
  disconnectedAt: number | undefined;

  /** Highest client seq handled: accepted, refused or declared lost. */
  handledSeq: number;
  /** Highest client seq that may be acknowledged now. */
  ackableSeq: number;
  private backlogged = false;

  /** Highest engine seq assigned. */
  outboundSeq: number;
  readonly window: OutboundWindow;
  private snapshotRequests = 0;

  constructor(
    readonly id: string,
    private readonly ackPolicy: AckPolicy,
    private readonly maxUnstored: number,
    windowCapacity: number,
    private readonly clock: Clock,
    private readonly publishReceived: (received: Received) => void,
    start: SessionStart = { handledSeq: 0, outboundSeq: 0 },
  ) {
    this.source = clientSource(id);
    this.window = new OutboundWindow(windowCapacity);
    this.handledSeq = start.handledSeq;
    this.ackableSeq = start.ackableSeq ?? start.handledSeq;
    this.outboundSeq = start.outboundSeq;
  }

  /** Handled client messages the store has not committed yet (0 when acking on acceptance). */
  get unstoredCount(): number {
    return this.handledSeq - this.ackableSeq;
  }

  /**
   * Records an accepted message, whose domain events the caller has just published; `payload` is
   * the event itself (so the store can point at its typed row) or the wire message.
   */
  accept(message: ClientMessage, payload: unknown): void {
    this.handled(message.seq, message.type, payload);
  }

  /** Records a refused message: its seq is consumed and acknowledged like any other. */
  refuse(seq: number, code: string, reason: string, raw: string): void {
    this.handled(seq, 'refused', { code, reason, raw });
  }

  /** Declares client seqs from `handledSeq + 1` to `through` lost (they never arrived). */
  declareLost(through: number): void {
    for (let seq = this.handledSeq + 1; seq <= through; seq++)
      this.handled(seq, 'lost', { reason: 'never arrived' });
  }

  private handled(seq: number, type: string, message: unknown): void {
    this.handledSeq = seq;
    this.publishReceived({ source: this.source, seq, type, message });
    if (this.ackPolicy === 'accepted') {
      this.ackableSeq = seq;
    } else if (!this.backlogged && this.unstoredCount >= this.maxUnstored) {
      this.backlogged = true;
      this.connection?.setStoreBacklogged(true);
    }
  }

  /** The store committed every message of this session up to client seq `seq`. */
  stored(seq: number): void {
    if (seq <= this.ackableSeq) return;
    // Stryker disable next-line MethodExpression: equivalent when the gateway is given the store's accepted seq (the engine always is): a restored session starts there, so no watermark passes handledSeq. The guard is for a gateway told only the committed watermark.
    this.ackableSeq = Math.min(seq, this.handledSeq);
    if (this.backlogged && this.unstoredCount <= this.maxUnstored / 2) {
      this.backlogged = false;
      this.connection?.setStoreBacklogged(false);
    }
    this.connection?.scheduleFlush();
  }

  /** Re-applies the backlog state to a connection that just took the session over. */
  attach(connection: SessionConnection): void {
    this.connection = connection;
    this.disconnectedAt = undefined;
    if (this.backlogged) connection.setStoreBacklogged(true);
  }

  /** Numbers, stamps, keeps and (when connected) sends an engine → client command. */
  send(message: EngineMessage): number {
    this.outboundSeq += 1;
    message.seq = this.outboundSeq;
    message.ts = this.clock.now();
    const text = serialiseEngineMessage(message);
    this.window.push(this.outboundSeq, text);
    this.connection?.enqueue(text);
    return this.outboundSeq;
  }

  requestSnapshot(reason: string): void {
    this.snapshotRequests += 1;
    this.send({
      type: 'snapshot_request',
      seq: 0,
      ts: 0,
      request_id: `snap-${String(this.snapshotRequests)}`,
      reason,
    });
  }
}
