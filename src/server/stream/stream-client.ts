import type { WebSocket } from 'ws';
import type { ErrorCode } from '../../core/error-codes.js';
import type { Principal } from '../auth/roles.js';
import { STREAM_CLOSE_CODES, type StreamCloseCode } from './stream-close-codes.js';
import { TopicBuffer, type StreamItem } from './topic-buffer.js';
import type { Coalescing } from './stream-topics.js';

/**
 * What a client's flush left: nothing; `more` than one slice carries (sent in the same round, after
 * the engine's own work); or updates that `wait` for a later round.
 */
export type FlushResult = 'done' | 'more' | 'wait';

/** Limits of one client, from the stream's options. */
export interface StreamClientLimits {
  readonly maxQueuedPerTopic: number;
  readonly maxBufferedBytes: number;
  readonly slowConsumerMs: number;
  readonly maxMessagesPerSecond: number;
}

/**
 * One connected client: who it is, what it subscribed to, and what waits for it. Bus handlers only
 * call `enqueue` (no serialisation, no I/O); `flush` sends, on the stream's timer, unless the
 * socket's own buffer is over the limit: then updates keep coalescing, and a client that stays
 * over the limit for `slowConsumerMs` is closed.
 */
export class StreamClient {
  principal: Principal | undefined;
  readonly topics = new Map<string, TopicBuffer>();
  /** Whether anything waits in a buffer (so the stream knows to schedule a flush). */
  pending = false;
  closed = false;
  /** Answered the last ping (or has not been pinged yet). */
  alive = true;
  /** The client's pace (`pace`): at most one flush per this many ms; 0 = every flush. */
  everyMs = 0;
  /** When this client's next flush may start (performance.now ms). */
  dueAt = 0;
  /** When the socket's buffer went over the limit (performance.now ms); undefined while under it. */
  private overSince: number | undefined;
  private tokens: number;
  private tokensAt: number;
  /** Updates dropped and already reported to the client (see `dropped`). */
  private droppedSent = 0;

  constructor(
    readonly socket: WebSocket,
    readonly address: string,
    private readonly limits: StreamClientLimits,
  ) {
    this.tokens = limits.maxMessagesPerSecond;
    this.tokensAt = performance.now();
  }

  /** Takes one message from the client's allowance; false when it sends faster than allowed. */
  allowMessage(): boolean {
    const now = performance.now();
    this.tokens = Math.min(
      this.limits.maxMessagesPerSecond,
      this.tokens + ((now - this.tokensAt) * this.limits.maxMessagesPerSecond) / 1000,
    );
    this.tokensAt = now;
    this.tokens -= 1;
    return this.tokens >= 0;
  }

  /** `newest`: the client's own bound for an event topic (at most the stream's). */
  subscribe(topic: string, coalescing: Coalescing, newest?: number): TopicBuffer {
    let buffer = this.topics.get(topic);
    if (!buffer) {
      buffer =
        newest === undefined
          ? new TopicBuffer(coalescing, this.limits.maxQueuedPerTopic)
          : new TopicBuffer(coalescing, Math.min(newest, this.limits.maxQueuedPerTopic), true);
      this.topics.set(topic, buffer);
    }
    return buffer;
  }

  enqueue(topic: string, kind: string, key: string | undefined, data: unknown): void {
    const buffer = this.topics.get(topic);
    if (!buffer || this.closed) return;
    buffer.add(kind, key, data);
    this.pending = true;
  }

  /**
   * Sends what waits, at most `maxItems` items (one slice: the engine's own work runs between two
   * slices); `json` serialises an event (the stream caches it across clients). Says what is left:
   * nothing, more for the next slice, or updates that must wait for a later flush (the socket over
   * its limit, or a snapshot still being read).
   */
  flush(now: number, json: (data: unknown) => string, maxItems: number): FlushResult {
    if (this.closed || !this.pending) return 'done';
    if (this.socket.bufferedAmount > this.limits.maxBufferedBytes) {
      this.overSince ??= now;
      if (now - this.overSince >= this.limits.slowConsumerMs) {
        this.close(
          'STREAM_SLOW_CONSUMER',
          `the client read too slowly: over ${String(this.limits.maxBufferedBytes)} bytes waited for ${String(this.limits.slowConsumerMs)} ms`,
        );
        return 'done';
      }
      return 'wait';
    }
    this.overSince = undefined;
    let budget = maxItems;
    let waiting = false;
    let more = false;
    for (const [topic, buffer] of this.topics) {
      if (buffer.snapshotPending) {
        waiting ||= buffer.size > 0;
        continue;
      }
      if (buffer.size === 0 && buffer.dropped === 0) continue;
      if (budget <= 0) {
        more = true;
        continue;
      }
      const { items, dropped } = buffer.take(budget);
      budget -= items.length;
      more ||= buffer.size > 0;
      if (!buffer.chosen) this.droppedSent += dropped;
      if (this.socket.readyState !== this.socket.OPEN) continue;
      // Built from each event's JSON text, serialised once per flush for every client (`json`).
      let text = `{"type":"update","topic":${JSON.stringify(topic)},"items":[`;
      for (let i = 0; i < items.length; i++) {
        const item = items[i] as StreamItem;
        text += `${i === 0 ? '' : ','}{"kind":"${item.kind}","data":${json(item.data)}}`;
      }
      this.socket.send(`${text}],"dropped":${String(dropped)}}`);
    }
    this.pending = waiting || more;
    return more ? 'more' : waiting ? 'wait' : 'done';
  }

  /**
   * Updates dropped over this client's life because it read too slowly: those reported, and those
   * waiting to be (not those its own `newest` left out).
   */
  get dropped(): number {
    let waiting = 0;
    for (const buffer of this.topics.values()) if (!buffer.chosen) waiting += buffer.dropped;
    return this.droppedSent + waiting;
  }

  sendJson(message: unknown): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify(message));
  }

  sendError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): void {
    this.sendJson({ type: 'error', code, message, ...extra });
  }

  /** Closes with the code's close code, and ends the socket if the client does not answer in time. */
  close(code: StreamCloseCode, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    // The close frame carries the code; the reason text goes first as an error message (a close
    // reason is limited to 123 bytes).
    this.sendErrorRaw(code, reason);
    this.socket.close(STREAM_CLOSE_CODES[code], code);
    // A client that reads nothing never answers the close frame: do not wait for it.
    setTimeout(() => this.socket.terminate(), 1000).unref();
  }

  private sendErrorRaw(code: ErrorCode, message: string): void {
    // A slow consumer's buffer is full already: its last words would only add to it.
    if (code === 'STREAM_SLOW_CONSUMER' || this.socket.readyState !== this.socket.OPEN) return;
    this.socket.send(JSON.stringify({ type: 'error', code, message }));
  }
}
