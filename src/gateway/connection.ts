import type { RawData, WebSocket } from 'ws';
import type { NinjaTraderSessionEvent, StoreRefusal } from '../bus/topics.js';
import type { RiskCommand } from '../risk/risk-events.js';
import type { AccountOwnership } from './account-ownership.js';
import type { DeadLetter } from '../core/events.js';
import type { Clock } from '../core/clock.js';
import type { ErrorCode } from '../core/error-codes.js';
import { describeError } from '../core/errors.js';
import { MICROS_PER_SECOND } from '../core/time.js';
import {
  joinFrame,
  parseFrame,
  serialiseEngineMessage,
  type ClientMessageValidator,
  type MessageRejection,
} from './protocol/codec.js';
import {
  CONTROL_TYPES,
  PROTOCOL_VERSION,
  type ClientMessage,
  type HelloMessage,
} from './protocol/schemas.js';
import type { InboundTranslator } from './inbound-translator.js';
import type { GatewaySession, SessionConnection } from './session.js';
import { TokenBucket } from './token-bucket.js';
import { CLOSE_CODES } from './close-codes.js';
import { keptRaw } from './kept-raw.js';

/** Counters of one gateway, for tests, the dashboard and `/metrics`. */
export interface GatewayCounters {
  accepted: number;
  rejected: number;
  duplicates: number;
  gaps: number;
  throttled: number;
  backpressurePauses: number;
  heartbeatTimeouts: number;
  slowConsumers: number;
  floods: number;
  /** Messages accepted here that the store then refused (each answered with an `error`). */
  storeRefused: number;
}

/** What a connection shares with its gateway. */
export interface ConnectionContext {
  readonly clock: Clock;
  readonly validator: ClientMessageValidator;
  readonly translator: InboundTranslator;
  readonly counters: GatewayCounters;
  readonly publishDeadLetter: (letter: DeadLetter) => void;
  readonly publishSession: (event: NinjaTraderSessionEvent) => void;
  /** Who may speak for which account, and the fills already applied. */
  readonly ownership: AccountOwnership;
  /** Risk commands a client message asks for (kill, proposal decisions). */
  readonly publishRiskCommand: (command: RiskCommand) => void;
  readonly heartbeatMs: number;
  readonly maxPayload: number;
  readonly maxMessagesPerSecond: number;
  readonly maxRejectsPerSecond: number;
  readonly maxBufferedBytes: number;
  readonly serverVersion: string;
  /**
   * Finds or creates the session a hello asks for; `resumed` when it continues one, `restored`
   * when that session was rebuilt from the store's watermark after an engine restart.
   */
  openSession(hello: HelloMessage): { session: GatewaySession; resumed: boolean; restored: boolean };
  /** The connection ended; the session stays for resume. */
  connectionClosed(connection: GatewayConnection): void;
  /** True while the pipelines asked the gateway to stop reading. */
  readonly pipelineFull: () => boolean;
  /** Called after each frame (the downstream queue check), when the engine gave one. */
  readonly afterFrame: (() => void) | undefined;
  /** Why the store cannot write, while it cannot (from `store.health`); undefined when it can. */
  readonly storeTrouble: () => string | undefined;
  /** A durable record a message needs could not be written (the fill ledger on a full disk). */
  readonly recordFailed: (reason: string) => void;
}

/** A forward jump in client seq larger than this is refused rather than declared lost. */
export const MAX_SEQ_GAP = 10_000;

const PAUSED_BY_RATE = 1;
const PAUSED_BY_STORE = 2;
const PAUSED_BY_PIPELINE = 4;
/** `admit` could not write a record the message needs; the connection is closing. */
const NOT_RECORDED = Symbol('not recorded');

/**
 * One WebSocket: parses frames, enforces the per-connection rules (hello first, seq order,
 * rate limit, flood, slow consumer, liveness) and hands sequenced messages to its session.
 * Everything on the message path is synchronous; outbound messages are grouped into one frame
 * per event-loop turn.
 */
export class GatewayConnection implements SessionConnection {
  session: GatewaySession | undefined;
  /** Answered the last ping (or sent anything) since it was sent. */
  alive = true;
  /**
   * Clock time of the peer's last heartbeat: a WebSocket pong or an application `ping`. Set off
   * the message path (a pong comes once a beat), so the status route can show it at no cost.
   */
  lastHeartbeatTs: number | undefined;
  private lastSeqOnConnection = 0;
  private lastAckSent = 0;
  private outbound: string[] = [];
  private flushQueued = false;
  private pausedBy = 0;
  private readonly bucket: TokenBucket;
  private rejectWindowStart = 0;
  private rejectsInWindow = 0;
  private closing = false;
  /** This connection was sent STORE_UNAVAILABLE for the store's current outage. */
  private toldStoreTrouble = false;
  private readonly helloTimer: NodeJS.Timeout;
  private rateTimer: NodeJS.Timeout | undefined;
  private readonly flush = (): void => this.flushNow();

  constructor(
    readonly socket: WebSocket,
    private readonly context: ConnectionContext,
    helloTimeoutMs: number,
  ) {
    this.bucket = new TokenBucket(context.maxMessagesPerSecond, context.clock);
    this.helloTimer = setTimeout(() => {
      if (!this.session) this.fail('GATEWAY_HELLO_REQUIRED', 'no hello within the hello timeout', undefined);
    }, helloTimeoutMs);
    socket.on('message', (data, isBinary) => this.handleFrame(data, isBinary));
    socket.on('pong', () => {
      this.alive = true;
      this.lastHeartbeatTs = this.context.clock.now();
    });
    socket.on('close', () => this.handleClose());
    socket.on('error', () => undefined);
  }

  private handleFrame(data: RawData, isBinary: boolean): void {
    this.alive = true;
    if (this.closing) return;
    if (isBinary) {
      this.fail(
        'GATEWAY_BINARY_FRAME',
        'binary frames are not part of protocol v1; send UTF-8 JSON text',
        undefined,
      );
      return;
    }
    const text = data.toString();
    const parsed = parseFrame(text);
    if (!Array.isArray(parsed)) {
      this.handleRejected(parsed, keptRaw(undefined, text));
      return;
    }
    const deficit = this.bucket.take(parsed.length);
    if (deficit > 0) this.throttle(deficit);
    const single = parsed.length === 1;
    for (const value of parsed) {
      if (this.closing) return;
      this.handleMessage(value, single ? text : undefined);
    }
    this.context.afterFrame?.();
  }

  private handleMessage(value: unknown, text: string | undefined): void {
    const rejection = this.context.validator.validate(value);
    const session = this.session;
    if (!session) {
      if (rejection === undefined && (value as ClientMessage).type === 'hello')
        this.handleHello(value as HelloMessage);
      else
        this.fail(
          'GATEWAY_HELLO_REQUIRED',
          'the first message on a connection must be a valid hello',
          rejection?.seq,
        );
      return;
    }
    if (rejection) {
      this.handleRejected(rejection, keptRaw(value, text));
      return;
    }
    const message = value as ClientMessage;
    switch (message.type) {
      case 'hello':
        this.fail('GATEWAY_HELLO_REQUIRED', 'a second hello on the same connection', undefined);
        return;
      case 'ack':
        session.window.acknowledge(message.last_seq);
        return;
      case 'ping': {
        const now = this.context.clock.now();
        this.lastHeartbeatTs = now;
        this.enqueue(
          serialiseEngineMessage({
            type: 'pong',
            seq: 0,
            ts: now,
            ...(message.id !== undefined && { id: message.id }),
            ping_ts: message.ts,
          }),
        );
        return;
      }
      default:
        this.handleSequenced(session, message, text);
    }
  }

  private handleSequenced(session: GatewaySession, message: ClientMessage, text: string | undefined): void {
    const seq = message.seq;
    if (seq === 0) {
      this.reject(
        {
          code: 'GATEWAY_SCHEMA_VIOLATION',
          reason: `${message.type}.seq is 0; sequenced messages count from 1`,
          seq,
          type: message.type,
        },
        session.rejects.keep(keptRaw(message, text), this.context.clock.now()),
      );
      return;
    }
    if (!this.claimSeq(session, seq, message.type, text ?? message)) return;
    const rejection =
      this.context.translator.check(message, session.market, this.context.clock.now(), session.source) ??
      this.admit(session, message);
    if (rejection === NOT_RECORDED) return;
    if (rejection) {
      const raw = session.rejects.keep(keptRaw(message, text), this.context.clock.now());
      session.refuse(seq, rejection.code, rejection.reason, raw);
      this.reject(rejection, raw);
      return;
    }
    const event = this.context.translator.publish(message, session.market, session.source);
    session.accept(message, event ?? message);
    this.context.counters.accepted += 1;
    if (message.type === 'snapshot')
      this.publishSessionEvent(session, 'snapshot', undefined, event as NinjaTraderSessionEvent['snapshot']);
    for (const command of this.context.ownership.commandsOf(session, message))
      this.context.publishRiskCommand(command);
    this.scheduleFlush();
  }

  /**
   * The ownership check, which records an execution's fill id durably. When the fill ledger
   * cannot be written (a full disk) the message is not handled and its seq not consumed: the
   * connection closes with 1013 and the client resumes and sends it again.
   */
  private admit(
    session: GatewaySession,
    message: ClientMessage,
  ): MessageRejection | undefined | typeof NOT_RECORDED {
    try {
      return this.context.ownership.admit(session, message);
    } catch (error) {
      const reason = `${message.type} seq ${String(message.seq)} was not applied: a record it needs cannot be written (${describeError(error)}); reconnect and send it again`;
      this.context.recordFailed(reason);
      this.fail('STORE_UNAVAILABLE', reason, message.seq);
      return NOT_RECORDED;
    }
  }

  /**
   * Applies the seq rules of §3.2 to a sequenced message: false when it must not be processed
   * (backwards or too far ahead: reported; duplicate: dropped silently). A forward gap is
   * reported and its seqs declared lost.
   */
  private claimSeq(session: GatewaySession, seq: number, type: string, raw: string | object): boolean {
    const text = () => (typeof raw === 'string' ? keptRaw(undefined, raw) : keptRaw(raw));
    if (seq <= this.lastSeqOnConnection) {
      this.reject(
        {
          code: 'GATEWAY_SEQ_BACKWARDS',
          reason: `${type}.seq ${String(seq)} is not greater than the previous seq ${String(this.lastSeqOnConnection)} on this connection`,
          seq,
          type,
        },
        text(),
      );
      return false;
    }
    const expected = session.handledSeq + 1;
    if (seq - expected > MAX_SEQ_GAP) {
      this.reject(
        {
          code: 'GATEWAY_SEQ_GAP',
          reason: `${type}.seq ${String(seq)} is more than ${String(MAX_SEQ_GAP)} ahead of ${String(expected)}: resend from ${String(expected)}, or start a new session`,
          seq,
          type,
        },
        text(),
      );
      return false;
    }
    this.lastSeqOnConnection = seq;
    if (seq < expected) {
      this.context.counters.duplicates += 1;
      this.scheduleFlush();
      return false;
    }
    if (seq > expected) {
      this.context.counters.gaps += 1;
      session.declareLost(seq - 1);
      this.sendError(
        'GATEWAY_SEQ_GAP',
        `seq jumped from ${String(expected - 1)} to ${String(seq)}: ${String(expected)}…${String(seq - 1)} are declared lost; a snapshot is requested`,
        seq,
        type,
      );
      session.requestSnapshot(`client seq gap: ${String(expected)}…${String(seq - 1)} never arrived`);
    }
    return true;
  }

  /** A frame or message refused before its content was trusted; consumes its seq when readable. */
  private handleRejected(rejection: MessageRejection, raw: string): void {
    const session = this.session;
    if (!session) {
      this.fail(
        'GATEWAY_HELLO_REQUIRED',
        `the first message on a connection must be a valid hello (${rejection.reason})`,
        rejection.seq,
      );
      return;
    }
    const text = session.rejects.keep(raw, this.context.clock.now());
    const seq = rejection.seq;
    const sequenced =
      seq !== undefined && seq > 0 && !(rejection.type !== undefined && CONTROL_TYPES.has(rejection.type));
    if (sequenced && seq > this.lastSeqOnConnection) {
      if (!this.claimSeq(session, seq, rejection.type ?? 'message', text)) return;
      session.refuse(seq, rejection.code, rejection.reason, text);
      this.scheduleFlush();
    }
    this.reject(rejection, text);
  }

  private reject(rejection: MessageRejection, text: string | undefined): void {
    const context = this.context;
    context.counters.rejected += 1;
    this.sendError(rejection.code, rejection.reason, rejection.seq, rejection.type);
    context.publishDeadLetter({
      ts: context.clock.now(),
      origin: this.session?.source ?? 'gateway',
      code: rejection.code,
      reason: rejection.reason,
      message: text ?? `seq ${String(rejection.seq)}`,
    });
    const now = context.clock.now();
    if (now - this.rejectWindowStart >= MICROS_PER_SECOND) {
      this.rejectWindowStart = now;
      this.rejectsInWindow = 0;
    }
    this.rejectsInWindow += 1;
    if (this.rejectsInWindow > context.maxRejectsPerSecond) {
      context.counters.floods += 1;
      this.fail(
        'GATEWAY_FLOOD',
        `more than ${String(context.maxRejectsPerSecond)} refused messages in one second`,
        undefined,
      );
    }
  }

  private handleHello(hello: HelloMessage): void {
    clearTimeout(this.helloTimer);
    if (hello.protocol !== PROTOCOL_VERSION) {
      this.fail(
        'GATEWAY_UNSUPPORTED_PROTOCOL',
        `protocol ${String(hello.protocol)} is not supported; this engine speaks ${String(PROTOCOL_VERSION)}`,
        undefined,
      );
      return;
    }
    const { session, resumed, restored } = this.context.openSession(hello);
    this.session = session;
    session.attach(this);
    session.window.acknowledge(hello.last_seq);
    this.lastAckSent = session.ackableSeq;
    this.enqueue(
      serialiseEngineMessage({
        type: 'welcome',
        seq: 0,
        ts: this.context.clock.now(),
        protocol: PROTOCOL_VERSION,
        session_id: session.id,
        resumed,
        last_seq: session.ackableSeq,
        server: { name: 'enigma-apex', version: this.context.serverVersion },
        heartbeat_ms: this.context.heartbeatMs,
        max_payload: this.context.maxPayload,
      }),
    );
    this.publishSessionEvent(session, 'connected', resumed);
    this.checkStore();
    if (restored) {
      session.requestSnapshot(
        `engine restarted: session restored from the store at seq ${String(session.handledSeq)}; engine messages after ${String(hello.last_seq)} were lost`,
      );
    } else if (resumed) {
      for (const text of session.window.after(hello.last_seq)) this.enqueue(text);
      const firstHeld = session.window.firstSeq ?? session.outboundSeq + 1;
      if (session.outboundSeq > hello.last_seq && firstHeld > hello.last_seq + 1) {
        session.requestSnapshot(
          `engine outbound gap: resend window starts at ${String(firstHeld)}, client has ${String(hello.last_seq)}`,
        );
      }
    } else if (hello.session_id !== undefined) {
      session.requestSnapshot(`session ${hello.session_id} is unknown to this engine (restarted or expired)`);
    }
  }

  private publishSessionEvent(
    session: GatewaySession,
    kind: 'connected' | 'snapshot',
    resumed?: boolean,
    snapshot?: NinjaTraderSessionEvent['snapshot'],
  ): void {
    this.context.publishSession({
      kind,
      sessionId: session.id,
      accounts: session.accounts,
      ts: this.context.clock.now(),
      ...(resumed !== undefined && { resumed }),
      ...(snapshot !== undefined && { snapshot }),
    });
  }

  private sendError(
    code: ErrorCode,
    reason: string,
    seq: number | undefined,
    type: string | undefined,
  ): void {
    this.enqueue(
      serialiseEngineMessage({
        type: 'error',
        seq: 0,
        ts: this.context.clock.now(),
        code,
        message: reason,
        ...(seq !== undefined && { ref_seq: seq }),
        ...(type !== undefined && { ref_type: type }),
      }),
    );
  }

  /** Sends an error and closes with the code's close code (docs/protocol.md §5). */
  fail(code: ErrorCode, reason: string, seq: number | undefined): void {
    if (this.closing) return;
    this.sendError(code, reason, seq, undefined);
    this.flushNow();
    this.close(CLOSE_CODES[code as keyof typeof CLOSE_CODES] ?? 4000, code);
  }

  close(closeCode: number, reason: string): void {
    if (this.closing) return;
    this.closing = true;
    this.socket.close(closeCode, reason);
  }

  enqueue(text: string): void {
    this.outbound.push(text);
    this.scheduleFlush();
  }

  scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(this.flush);
  }

  private flushNow(): void {
    this.flushQueued = false;
    const session = this.session;
    if (session && session.ackableSeq > this.lastAckSent) {
      this.lastAckSent = session.ackableSeq;
      this.outbound.push(
        serialiseEngineMessage({
          type: 'ack',
          seq: 0,
          ts: this.context.clock.now(),
          last_seq: this.lastAckSent,
        }),
      );
    }
    if (this.outbound.length === 0) return;
    const texts = this.outbound;
    this.outbound = [];
    if (this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount > this.context.maxBufferedBytes && !this.closing) {
      this.context.counters.slowConsumers += 1;
      this.closing = true;
      this.socket.close(CLOSE_CODES.GATEWAY_SLOW_CONSUMER, 'GATEWAY_SLOW_CONSUMER');
      return;
    }
    // Frames stay under the payload limit the engine itself enforces, so clients can size buffers.
    let start = 0;
    let bytes = 0;
    for (let i = 0; i < texts.length; i++) {
      const length = (texts[i] as string).length + 1;
      if (bytes + length > this.context.maxPayload && i > start) {
        this.socket.send(joinFrame(texts.slice(start, i)));
        start = i;
        bytes = 0;
      }
      bytes += length;
    }
    this.socket.send(start === 0 ? joinFrame(texts) : joinFrame(texts.slice(start)));
  }

  private throttle(deficit: number): void {
    this.context.counters.throttled += 1;
    this.setPaused(PAUSED_BY_RATE, true);
    clearTimeout(this.rateTimer);
    this.rateTimer = setTimeout(() => {
      this.bucket.take(0);
      this.setPaused(PAUSED_BY_RATE, false);
    }, this.bucket.millisecondsToRefill(deficit));
  }

  /** The store refused a message this session sent: the client hears the code, the reason and the seq. */
  refusedByStore(refusal: StoreRefusal): void {
    this.context.counters.storeRefused += 1;
    this.sendError(refusal.code, refusal.reason, refusal.seq, refusal.type);
  }

  setStoreBacklogged(backlogged: boolean): void {
    this.setPaused(PAUSED_BY_STORE, backlogged);
  }

  /** Re-reads whether the pipelines want the gateway to stop reading. */
  checkPipeline(): void {
    this.setPaused(PAUSED_BY_PIPELINE, this.context.pipelineFull());
  }

  /**
   * While the store cannot write: one STORE_UNAVAILABLE error naming the cause (acks wait for
   * the store). Reading goes on up to the session's usual limit of unstored messages: pausing at
   * once closed the TCP window, and the client's sends then stalled for seconds after the store
   * recovered (until its next zero-window probe). Applies once the session is open.
   */
  checkStore(): void {
    if (!this.session) return;
    const trouble = this.context.storeTrouble();
    if (trouble === undefined) {
      this.toldStoreTrouble = false;
    } else if (!this.toldStoreTrouble) {
      this.toldStoreTrouble = true;
      this.sendError('STORE_UNAVAILABLE', trouble, undefined, undefined);
    }
  }

  private setPaused(reason: number, paused: boolean): void {
    const before = this.pausedBy;
    this.pausedBy = paused ? before | reason : before & ~reason;
    if (before === 0 && this.pausedBy !== 0) {
      if (reason !== PAUSED_BY_RATE) this.context.counters.backpressurePauses += 1;
      this.socket.pause();
    } else if (before !== 0 && this.pausedBy === 0) {
      // Pongs that waited unread behind the pause count from now: a full beat to arrive.
      this.alive = true;
      this.socket.resume();
    }
  }

  /**
   * Sends a WebSocket ping, or terminates the connection if the last one went unanswered. While
   * reading is paused the peer's pongs cannot be read, so its silence then is not held against it.
   */
  heartbeat(): void {
    if (!this.alive && this.pausedBy === 0) {
      this.context.counters.heartbeatTimeouts += 1;
      this.closing = true;
      this.socket.terminate();
      return;
    }
    this.alive = false;
    // A closing socket gets no ping (ws throws); if its peer never answers the close, the next
    // beat terminates it.
    if (this.socket.readyState === this.socket.OPEN) this.socket.ping();
  }

  private handleClose(): void {
    this.closing = true;
    clearTimeout(this.helloTimer);
    clearTimeout(this.rateTimer);
    this.context.connectionClosed(this);
  }
}
