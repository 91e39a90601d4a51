import WebSocket from 'ws';
import { LiveClock, type Clock } from '../core/clock.js';
import { GatewayError } from '../core/errors.js';
import { FINAL_CLOSE_CODES } from './close-codes.js';
import { joinFrame, serialiseClientMessage } from './protocol/codec.js';
import {
  PROTOCOL_VERSION,
  type ClientMessage,
  type EngineMessage,
  type ErrorMessage,
  type WelcomeMessage,
} from './protocol/schemas.js';

/** A sequenced client message before the client numbers it; `ts` defaults to the clock's now. */
export type OutgoingMessage = ClientMessage extends infer M
  ? M extends { type: 'hello' | 'ack' | 'ping' }
    ? never
    : M extends { seq: number; ts: number }
      ? Omit<M, 'seq' | 'ts'> & { ts?: number }
      : never
  : never;

/** An engine → client command (order, cancel, …, snapshot_request). */
export type EngineCommand = Exclude<EngineMessage, { type: 'welcome' | 'ack' | 'error' | 'pong' }>;

export interface GatewayClientOptions {
  /** `ws://127.0.0.1:<port>/v1/stream`, or the engine's `http://host:port` (the path is added). */
  readonly url: string;
  readonly token: string;
  readonly name?: string;
  readonly version?: string;
  readonly accounts?: readonly string[];
  readonly clock?: Clock;
  /** Reconnect and resume after a connection is lost (default true). */
  readonly reconnect?: boolean;
  /**
   * Retry while no session was ever established (default true). False: when the first connection
   * fails (refused, unreachable, no welcome in time), `connect()` rejects with GATEWAY_UNREACHABLE
   * naming the URL and why; a session once established still reconnects as `reconnect` says.
   */
  readonly retryFirstConnection?: boolean;
  /** How long one connection attempt may take, to the engine's welcome (default 10,000 ms). */
  readonly connectTimeoutMs?: number;
  readonly minBackoffMs?: number;
  readonly maxBackoffMs?: number;
  /** Unacknowledged messages kept for resend; `drained()` waits while more are held. Default 100,000. */
  readonly maxUnacked?: number;
  /** Largest batch frame the client writes, in characters. Default 65,536. */
  readonly maxFrameBytes?: number;
  /** Extra upgrade headers (tests use `Origin`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Every engine command, in order, once; the client acks it after this returns. */
  readonly onCommand?: (command: EngineCommand) => void;
  readonly onError?: (error: ErrorMessage) => void;
  readonly onWelcome?: (welcome: WelcomeMessage) => void;
  /** The engine acknowledged everything up to `lastSeq` (benchmarks time tick → ack with it). */
  readonly onAck?: (lastSeq: number) => void;
  /** The connection ended (before any reconnect): close code and reason. */
  readonly onDisconnect?: (code: number, reason: string) => void;
}

interface Waiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: Error) => void;
}

/**
 * The Node side of protocol v1 (docs/protocol.md), speaking for NinjaTrader: used by tests, the
 * load generator and `enigma feed`. `send` numbers a message and keeps it until the engine acks
 * it; what is sent in one event-loop turn goes out as batch frames; a lost connection is
 * re-established with backoff and the session resumed with the unacknowledged messages.
 */
export class GatewayClient {
  private readonly clock: Clock;
  private readonly url: string;
  private socket: WebSocket | undefined;
  private ready = false;
  private closedByUser = false;
  private finalError: GatewayError | undefined;
  private attempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private livenessTimer: NodeJS.Timeout | undefined;
  private attemptTimer: NodeJS.Timeout | undefined;
  /** Why the last connection attempt failed, for the error of a first connection that never came. */
  private attemptFailure = '';
  private lastReceivedAt = 0;
  private heartbeatMs = 5000;

  /** The session to resume; set by the first welcome. */
  sessionId: string | undefined;
  /** Highest seq assigned. */
  private nextSeq = 0;
  /** Unacknowledged messages, contiguous seqs from `unacked[unackedHead].seq`. */
  private unacked: ClientMessage[] = [];
  private unackedHead = 0;
  /** Highest seq written on the current connection. */
  private writtenSeq = 0;
  /** Highest client seq the engine acknowledged. */
  ackedSeq = 0;
  /** Highest engine seq received and handled; what the client acks. */
  lastEngineSeq = 0;
  private lastEngineSeqAcked = 0;
  private control: string[] = [];
  private flushQueued = false;
  private waiters: Waiter[] = [];
  private drainWaiters: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private welcomeWaiters: { resolve: (welcome: WelcomeMessage) => void; reject: (error: Error) => void }[] =
    [];
  /** Engine messages dropped as duplicates (seq already handled). */
  duplicateCommands = 0;
  /** Connections established so far. */
  connections = 0;

  constructor(private readonly options: GatewayClientOptions) {
    this.clock = options.clock ?? new LiveClock();
    const url = new URL(options.url);
    if (url.protocol === 'http:' || url.protocol === 'https:') {
      url.protocol = url.protocol === 'http:' ? 'ws:' : 'wss:';
      url.pathname = '/v1/stream';
    }
    this.url = url.toString();
  }

  /** Messages sent but not yet acknowledged. */
  get unackedCount(): number {
    return this.unacked.length - this.unackedHead;
  }

  /** True while a session is established on an open connection. */
  get connected(): boolean {
    return this.ready;
  }

  /** Connects (or waits for the next welcome); rejects when the engine refuses for good. */
  connect(): Promise<WelcomeMessage> {
    if (this.finalError) return Promise.reject(this.finalError);
    const welcome = new Promise<WelcomeMessage>((resolve, reject) =>
      this.welcomeWaiters.push({ resolve, reject }),
    );
    if (!this.socket) {
      // Waiting out a backoff: connect now instead (one connection at a time).
      clearTimeout(this.reconnectTimer);
      this.open();
    }
    return welcome;
  }

  /** Numbers and queues a message; returns its seq. Written with the others of this turn. */
  send(message: OutgoingMessage): number {
    if (this.closedByUser || this.finalError)
      throw this.finalError ?? new GatewayError('GATEWAY_CLIENT_CLOSED', 'the client is closed');
    this.nextSeq += 1;
    const numbered = message as unknown as { seq: number; ts?: number };
    numbered.seq = this.nextSeq;
    if (numbered.ts === undefined) numbered.ts = this.clock.now();
    this.unacked.push(numbered as unknown as ClientMessage);
    this.scheduleFlush();
    return this.nextSeq;
  }

  /**
   * Resolves once the engine acknowledged `seq` (or everything sent so far); rejects when the
   * connection ends for good first (refused, or lost with `reconnect: false`).
   */
  acknowledged(seq: number = this.nextSeq): Promise<void> {
    if (this.ackedSeq >= seq) return Promise.resolve();
    if (this.finalError) return Promise.reject(this.finalError);
    return new Promise((resolve, reject) => this.waiters.push({ seq, resolve, reject }));
  }

  /** Resolves when fewer than half of `maxUnacked` messages wait for acks: pace producers with it. */
  drained(): Promise<void> {
    if (this.unackedCount < this.maxUnacked / 2) return Promise.resolve();
    if (this.finalError) return Promise.reject(this.finalError);
    return new Promise((resolve, reject) => this.drainWaiters.push({ resolve, reject }));
  }

  /** Sends an application `ping`; resolves with the round trip in microseconds. */
  ping(): Promise<number> {
    const id = `p-${String(this.clock.now())}`;
    return new Promise((resolve) => {
      this.pongWaiters.set(id, resolve);
      this.pushControl(JSON.stringify({ type: 'ping', seq: 0, ts: this.clock.now(), id }));
    });
  }
  private readonly pongWaiters = new Map<string, (roundTrip: number) => void>();

  /** Drops the connection without a close frame (tests: a crash seen from the engine). */
  dropConnection(): void {
    this.ready = false;
    this.socket?.terminate();
  }

  /** Closes for good (normal closure); unacknowledged messages are discarded. */
  async close(): Promise<void> {
    this.closedByUser = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.attemptTimer);
    clearInterval(this.livenessTimer);
    const socket = this.socket;
    if (!socket || socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      socket.once('close', () => resolve());
      socket.close(1000);
      setTimeout(() => {
        socket.terminate();
        resolve();
      }, 1000).unref();
    });
  }

  private get maxUnacked(): number {
    return this.options.maxUnacked ?? 100_000;
  }

  private open(): void {
    this.ready = false;
    const socket = new WebSocket(this.url, {
      headers: { Authorization: `Bearer ${this.options.token}`, ...this.options.headers },
      perMessageDeflate: false,
      maxPayload: 16 * 1024 * 1024,
    });
    this.socket = socket;
    this.attemptFailure = '';
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    clearTimeout(this.attemptTimer);
    this.attemptTimer = setTimeout(() => {
      if (this.socket !== socket || this.ready) return;
      this.attemptFailure = `no answer within ${formatSeconds(timeoutMs)}`;
      socket.terminate();
    }, timeoutMs);
    this.attemptTimer.unref();
    socket.on('open', () => {
      this.lastReceivedAt = this.clock.now();
      this.writtenSeq = 0;
      this.control = [];
      socket.send(
        JSON.stringify({
          type: 'hello',
          seq: 0,
          ts: this.clock.now(),
          protocol: PROTOCOL_VERSION,
          client: {
            name: this.options.name ?? 'enigma-node-client',
            version: this.options.version ?? '0.1.0',
          },
          accounts: this.options.accounts ?? [],
          ...(this.sessionId !== undefined && { session_id: this.sessionId }),
          last_seq: this.lastEngineSeq,
        }),
      );
    });
    socket.on('message', (data) => {
      this.lastReceivedAt = this.clock.now();
      this.handleFrame(data.toString());
    });
    socket.on('ping', () => {
      this.lastReceivedAt = this.clock.now();
    });
    socket.on('unexpected-response', (_request, response) => {
      const status = response.statusCode ?? 0;
      const code =
        status === 401
          ? 'GATEWAY_AUTH_FAILED'
          : status === 403
            ? 'GATEWAY_ORIGIN_REFUSED'
            : 'GATEWAY_UNAVAILABLE';
      const error = new GatewayError(code, `the engine refused the connection: HTTP ${String(status)}`);
      if (status === 401 || status === 403 || status === 404) this.finalError = error;
      response.resume();
      socket.terminate();
      this.handleClosed(socket, 1006, code, error);
    });
    socket.on('close', (code, reason) => this.handleClosed(socket, code, reason.toString()));
    // 'close' follows every 'error' and decides about reconnecting.
    socket.on('error', (error: NodeJS.ErrnoException) => {
      this.attemptFailure ||= describeConnectError(error);
    });
  }

  private handleClosed(socket: WebSocket, code: number, reason: string, error?: Error): void {
    if (this.socket !== socket) return;
    this.socket = undefined;
    const wasReady = this.ready;
    this.ready = false;
    clearInterval(this.livenessTimer);
    clearTimeout(this.attemptTimer);
    if (wasReady) this.options.onDisconnect?.(code, reason);
    if (this.connections === 0 && this.options.retryFirstConnection === false && !this.closedByUser) {
      // Never connected and not asked to wait: say so now rather than retry in silence.
      this.finalError ??=
        error instanceof GatewayError
          ? error
          : new GatewayError(
              'GATEWAY_UNREACHABLE',
              `cannot reach the engine at ${this.options.url}: ${this.attemptFailure || `connection closed (${String(code)} ${reason})`}`,
            );
    }
    if (FINAL_CLOSE_CODES.has(code)) {
      this.finalError = new GatewayError(
        'GATEWAY_CLIENT_CLOSED',
        `the engine closed the session for good: ${String(code)} ${reason}`,
      );
    }
    if (this.finalError) {
      this.failAll(this.finalError);
      return;
    }
    if (this.closedByUser) {
      this.failAll(new GatewayError('GATEWAY_CLIENT_CLOSED', 'the client was closed'));
      return;
    }
    if (this.options.reconnect === false) {
      this.finalError =
        error instanceof GatewayError
          ? error
          : new GatewayError('GATEWAY_CLIENT_CLOSED', `connection closed: ${String(code)} ${reason}`);
      this.failAll(this.finalError);
      return;
    }
    const min = this.options.minBackoffMs ?? 250;
    const max = this.options.maxBackoffMs ?? 30_000;
    const delay = Math.min(max, min * 2 ** Math.min(this.attempts, 16)) * (0.8 + Math.random() * 0.4);
    this.attempts += 1;
    this.reconnectTimer = setTimeout(() => {
      if (!this.socket && !this.closedByUser) this.open();
    }, delay);
  }

  /** The connection ended for good: every pending promise rejects with `error`. */
  private failAll(error: Error): void {
    const waiters = [...this.welcomeWaiters, ...this.waiters, ...this.drainWaiters];
    this.welcomeWaiters = [];
    this.waiters = [];
    this.drainWaiters = [];
    for (const waiter of waiters) waiter.reject(error);
  }

  private handleFrame(text: string): void {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    if (Array.isArray(value)) for (const message of value) this.handleMessage(message as EngineMessage);
    else this.handleMessage(value as EngineMessage);
    if (this.lastEngineSeq > this.lastEngineSeqAcked) this.scheduleFlush();
  }

  private handleMessage(message: EngineMessage): void {
    switch (message.type) {
      case 'welcome':
        this.handleWelcome(message);
        return;
      case 'ack':
        this.handleAck(message.last_seq);
        return;
      case 'error':
        this.options.onError?.(message);
        return;
      case 'pong': {
        const waiter = message.id === undefined ? undefined : this.pongWaiters.get(message.id);
        if (waiter && message.id !== undefined) {
          this.pongWaiters.delete(message.id);
          waiter(this.clock.now() - message.ping_ts);
        }
        return;
      }
      default:
        if (message.seq <= this.lastEngineSeq) {
          this.duplicateCommands += 1;
          return;
        }
        this.lastEngineSeq = message.seq;
        this.options.onCommand?.(message);
    }
  }

  private handleWelcome(welcome: WelcomeMessage): void {
    clearTimeout(this.attemptTimer);
    this.connections += 1;
    this.attempts = 0;
    if (welcome.resumed) {
      this.handleAck(welcome.last_seq);
      this.writtenSeq = this.ackedSeq;
    } else {
      // A new session: what is still unacknowledged is renumbered from 1, in the original order.
      this.unacked = this.unacked.slice(this.unackedHead);
      this.unackedHead = 0;
      this.unacked.forEach((message, index) => {
        (message as { seq: number }).seq = index + 1;
      });
      this.nextSeq = this.unacked.length;
      this.ackedSeq = 0;
      this.writtenSeq = 0;
      this.lastEngineSeq = 0;
      this.lastEngineSeqAcked = 0;
      for (const waiter of this.waiters) waiter.resolve();
      this.waiters = [];
    }
    this.sessionId = welcome.session_id;
    this.heartbeatMs = welcome.heartbeat_ms;
    this.ready = true;
    clearInterval(this.livenessTimer);
    this.livenessTimer = setInterval(() => {
      if (this.clock.now() - this.lastReceivedAt > 3 * this.heartbeatMs * 1000) this.socket?.terminate();
    }, this.heartbeatMs);
    this.livenessTimer.unref();
    this.options.onWelcome?.(welcome);
    const waiters = this.welcomeWaiters;
    this.welcomeWaiters = [];
    for (const waiter of waiters) waiter.resolve(welcome);
    this.scheduleFlush();
  }

  private handleAck(lastSeq: number): void {
    if (lastSeq <= this.ackedSeq) return;
    this.ackedSeq = lastSeq;
    this.options.onAck?.(lastSeq);
    while (
      this.unackedHead < this.unacked.length &&
      (this.unacked[this.unackedHead] as ClientMessage).seq <= lastSeq
    ) {
      this.unacked[this.unackedHead] = undefined as unknown as ClientMessage;
      this.unackedHead += 1;
    }
    if (this.unackedHead > 4096 && this.unackedHead * 2 > this.unacked.length) {
      this.unacked = this.unacked.slice(this.unackedHead);
      this.unackedHead = 0;
    }
    if (this.waiters.length > 0) {
      const remaining: Waiter[] = [];
      for (const waiter of this.waiters) {
        if (waiter.seq <= lastSeq) waiter.resolve();
        else remaining.push(waiter);
      }
      this.waiters = remaining;
    }
    if (this.drainWaiters.length > 0 && this.unackedCount < this.maxUnacked / 2) {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const waiter of waiters) waiter.resolve();
    }
  }

  private pushControl(text: string): void {
    this.control.push(text);
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.flushQueued) return;
    this.flushQueued = true;
    queueMicrotask(() => this.flush());
  }

  private flush(): void {
    this.flushQueued = false;
    const socket = this.socket;
    if (!this.ready || !socket || socket.readyState !== WebSocket.OPEN) return;
    if (this.lastEngineSeq > this.lastEngineSeqAcked) {
      this.lastEngineSeqAcked = this.lastEngineSeq;
      this.control.push(
        JSON.stringify({ type: 'ack', seq: 0, ts: this.clock.now(), last_seq: this.lastEngineSeq }),
      );
    }
    const maxFrame = this.options.maxFrameBytes ?? 65_536;
    let texts = this.control;
    this.control = [];
    let bytes = texts.reduce((sum, text) => sum + text.length + 1, 0);
    const first = this.unacked[this.unackedHead] as ClientMessage | undefined;
    if (first !== undefined) {
      const start = this.unackedHead + Math.max(0, this.writtenSeq - first.seq + 1);
      for (let i = start; i < this.unacked.length; i++) {
        const text = serialiseClientMessage(this.unacked[i] as ClientMessage);
        if (bytes + text.length + 1 > maxFrame && texts.length > 0) {
          socket.send(joinFrame(texts));
          texts = [];
          bytes = 0;
        }
        texts.push(text);
        bytes += text.length + 1;
      }
      this.writtenSeq = (this.unacked[this.unacked.length - 1] as ClientMessage).seq;
    }
    if (texts.length > 0) socket.send(joinFrame(texts));
  }
}

/** Why a WebSocket could not be opened, in words a user can act on. */
function describeConnectError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return 'connection refused (nothing listens on that port)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return 'host unreachable';
    case 'ECONNRESET':
      return 'connection reset';
    default:
      return error.message;
  }
}

function formatSeconds(ms: number): string {
  return `${String(Math.round(ms / 100) / 10)} s`;
}
