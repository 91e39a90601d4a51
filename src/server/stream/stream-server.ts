import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { MessageBus } from '../../bus/bus.js';
import type { Bar } from '../../core/events.js';
import { GATEWAY_PATH } from '../../gateway/gateway.js';
import { refuseUpgrade } from '../../gateway/upgrade-guard.js';
import { roleAllows, type Authenticate, type Principal } from '../auth/roles.js';
import { bearerToken } from '../auth/bearer.js';
import { throttleOf } from '../auth/failed-auth-throttle.js';
import { StreamClient, type StreamClientLimits } from './stream-client.js';
import { parseStreamMessage } from './stream-messages.js';
import type { TopicBuffer } from './topic-buffer.js';
import {
  BARS_FEED,
  BARS_PREFIX,
  isStreamTopic,
  observeFeed,
  STREAM_TOPIC_NAMES,
  STREAM_TOPIC_SPECS,
  VALID_TOPICS_TEXT,
  type Coalescing,
  type StreamTopicName,
} from './stream-topics.js';

/** Where the live stream listens, beside the gateway's `/v1/stream`. */
export const STREAM_PATH = '/api/v1/stream';
/** The version of the stream protocol (docs/api-stream.md), sent in `welcome`. */
export const STREAM_PROTOCOL_VERSION = 1;

/** A topic's current state for a new subscriber; may be a promise (the store's queries are). */
export type StreamSnapshots = (topic: string) => unknown;

export interface StreamOptions {
  /** The engine's HTTP server; the stream handles its upgrades to `/api/v1/stream`. */
  readonly server: Server;
  readonly bus: MessageBus;
  /** Finds the holder of a token (the token registry); the stream needs role `viewer` or above. */
  readonly authenticate: Authenticate;
  /** The snapshot sent first on subscribe, and `status` once a second. Default: null for every topic. */
  readonly snapshots?: StreamSnapshots;
  /** Connections at once, authenticated or not (default 64); more are refused with 503. */
  readonly maxConnections?: number;
  /** Largest message a client may send, bytes (default 16 KiB; ws closes with 1009 beyond it). */
  readonly maxPayload?: number;
  /** How long a client has to authenticate after connecting (default 5,000 ms). */
  readonly authTimeoutMs?: number;
  /** How often waiting updates are sent (default 50 ms): what coalesces between two flushes. */
  readonly flushIntervalMs?: number;
  /**
   * Update items serialised and sent in one go (default 64): a client's flush is cut into slices
   * of this size, so a trader's signal never waits behind a browser's whole update.
   */
  readonly maxItemsPerSlice?: number;
  /** How often `status` is sent (default 1,000 ms). */
  readonly statusIntervalMs?: number;
  /** Items kept per client and topic between flushes (default 1,000); older ones are dropped and counted. */
  readonly maxQueuedPerTopic?: number;
  /** Bytes a client's socket may hold unsent before updates wait (default 1 MiB). */
  readonly maxBufferedBytes?: number;
  /** How long a client may stay over `maxBufferedBytes` before it is closed (default 5,000 ms). */
  readonly slowConsumerMs?: number;
  /** Topics one client may hold at once (default 64). */
  readonly maxTopicsPerClient?: number;
  /** Messages a client may send per second (default 20); beyond, it is closed. */
  readonly maxMessagesPerSecond?: number;
  /** How often each client is pinged (default 15,000 ms); one that has not answered by the next ping is cut off. */
  readonly heartbeatMs?: number;
  /** Browser origins allowed besides the server's own (default none). */
  readonly allowedOrigins?: readonly string[];
}

export interface StreamStats {
  readonly connections: number;
  readonly authenticated: number;
  /** Updates dropped for slow clients (queue topics over their bound), over the stream's life. */
  readonly dropped: number;
  readonly slowConsumersClosed: number;
  readonly authFailures: number;
}

export interface StreamHandle {
  readonly path: string;
  stats(): StreamStats;
  /** Closes every client (1001) and stops listening for upgrades; idempotent. */
  close(): Promise<void>;
}

const DEFAULTS = {
  maxConnections: 64,
  maxPayload: 16_384,
  authTimeoutMs: 5000,
  flushIntervalMs: 50,
  maxItemsPerSlice: 64,
  statusIntervalMs: 1000,
  maxQueuedPerTopic: 1000,
  maxBufferedBytes: 1_048_576,
  slowConsumerMs: 5000,
  maxTopicsPerClient: 64,
  maxMessagesPerSecond: 20,
  heartbeatMs: 15_000,
};

/** True when a browser's `Origin` is the server's own (same host and port) or allowed. */
function originAllowed(request: IncomingMessage, allowed: ReadonlySet<string>): boolean {
  const origin = request.headers.origin;
  if (origin === undefined || allowed.has(origin)) return true;
  try {
    return new URL(origin).host === request.headers.host;
  } catch {
    return false;
  }
}

/**
 * The live stream (`/api/v1/stream`, docs/api-stream.md): authenticated clients subscribe to
 * topics and get a snapshot, then the bus's updates, coalesced per client so that no client can
 * slow the engine. Bus handlers only enqueue; a timer serialises and sends.
 */
export function attachStream(options: StreamOptions): StreamHandle {
  const settings = { ...DEFAULTS, ...definedOnly(options) };
  const { server, bus, authenticate } = options;
  const snapshots = options.snapshots ?? (() => null);
  const allowedOrigins = new Set(options.allowedOrigins ?? []);
  const limits: StreamClientLimits = settings;
  // One allowance per address for the API, the gateway and the stream: guessing gains nothing anywhere.
  const throttle = throttleOf(options.authenticate);
  const clients = new Set<StreamClient>();
  /** Subscribers per stream topic; a bus topic is observed only while its stream topic has one. */
  const subscribers = new Map<string, Set<StreamClient>>();
  const unsubscribeBus = new Map<string, () => void>();
  let barsSubscribers = 0;
  let unsubscribeBars: (() => void) | undefined;
  let closed = false;
  let closing: Promise<void> | undefined;
  const counters = { slowConsumersClosed: 0, authFailures: 0, droppedOfClosed: 0 };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: settings.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
  });

  // Each event is serialised once per flush, however many clients it goes to.
  const serialised = new Map<unknown, string>();
  const json = (data: unknown): string => {
    let text = serialised.get(data);
    if (text === undefined) {
      text = JSON.stringify(data ?? null);
      serialised.set(data, text);
    }
    return text;
  };

  // Flushing: one timer for every client, armed only while something waits. A round sends one
  // slice (at most `maxItemsPerSlice` items) of one client per macrotask (setImmediate), taking the
  // clients in turn, so the engine's own I/O (a signal waiting for its order) runs between two
  // slices instead of after all of them: subscribers add no burst, however much waits for them.
  let flushTimer: NodeJS.Timeout | undefined;
  let round: StreamClient[] = [];
  let roundWaiting = false;
  function scheduleFlush(): void {
    if (flushTimer !== undefined || round.length > 0 || closed) return;
    flushTimer = setTimeout(startRound, settings.flushIntervalMs);
  }
  function startRound(): void {
    flushTimer = undefined;
    serialised.clear();
    const now = performance.now();
    roundWaiting = false;
    round = [];
    for (const client of clients) {
      if (!client.pending) continue;
      // A paced client (`pace`) waits for its time; its updates keep coalescing meanwhile.
      if (client.dueAt > now) {
        roundWaiting = true;
        continue;
      }
      client.dueAt = now + client.everyMs;
      round.push(client);
    }
    flushNext();
  }
  function flushNext(): void {
    const client = round.shift();
    if (client !== undefined && !closed) {
      const wasOpen = !client.closed;
      const left = client.flush(performance.now(), json, settings.maxItemsPerSlice);
      if (left === 'more') round.push(client);
      else if (left === 'wait') roundWaiting = true;
      if (wasOpen && client.closed) counters.slowConsumersClosed++;
    }
    if (round.length > 0 && !closed) {
      setImmediate(flushNext);
      return;
    }
    round = [];
    serialised.clear();
    // Updates that came for clients already sent to in this round wait for the next one.
    if (roundWaiting || [...clients].some((c) => c.pending)) scheduleFlush();
  }

  function deliver(topic: string, kind: string, key: string | undefined, data: unknown): void {
    const set = subscribers.get(topic);
    if (set === undefined) return;
    for (const client of set) client.enqueue(topic, kind, key, data);
    scheduleFlush();
  }

  function onBar(bar: Bar): void {
    const topic = BARS_PREFIX + bar.symbol;
    if (subscribers.has(topic)) deliver(topic, 'bar', undefined, bar);
  }

  /** Starts observing the bus for `topic`'s first subscriber. */
  function observeBus(topic: string): void {
    if (topic.startsWith(BARS_PREFIX)) {
      barsSubscribers++;
      unsubscribeBars ??= observeFeed(bus, BARS_FEED, (_kind, _key, bar) => onBar(bar as Bar));
      return;
    }
    if (topic === 'status') return;
    const spec = STREAM_TOPIC_SPECS[topic as Exclude<StreamTopicName, 'status'>];
    const stops = spec.feeds.map((feed) =>
      observeFeed(bus, feed, (kind, key, message) => deliver(topic, kind, key, message)),
    );
    unsubscribeBus.set(topic, () => {
      for (const stop of stops) stop();
    });
  }

  function unobserveBus(topic: string): void {
    if (topic.startsWith(BARS_PREFIX)) {
      barsSubscribers--;
      if (barsSubscribers === 0) {
        unsubscribeBars?.();
        unsubscribeBars = undefined;
      }
      return;
    }
    unsubscribeBus.get(topic)?.();
    unsubscribeBus.delete(topic);
  }

  function coalescingOf(topic: string): Coalescing {
    if (topic === 'status') return 'latest';
    if (topic.startsWith(BARS_PREFIX)) return 'queue';
    return STREAM_TOPIC_SPECS[topic as Exclude<StreamTopicName, 'status'>].coalescing;
  }

  function subscribe(client: StreamClient, topics: readonly string[], newest?: number): void {
    const unknown = topics.filter((topic) => !isStreamTopic(topic));
    if (unknown.length > 0) {
      client.sendError(
        'STREAM_UNKNOWN_TOPIC',
        `unknown topic(s) ${unknown.map((topic) => `'${topic}'`).join(', ')}; nothing was subscribed`,
        { topics: unknown, valid: VALID_TOPICS_TEXT },
      );
      return;
    }
    const states = topics.filter((topic) => coalescingOf(topic) === 'latest');
    if (newest !== undefined && states.length > 0) {
      client.sendError(
        'STREAM_BAD_MESSAGE',
        `\`newest\` bounds event topics (${VALID_TOPICS_TEXT.filter((topic) => coalescingOf(topic) === 'queue').join(', ')}); ${states.map((topic) => `'${topic}'`).join(', ')} keep the latest state per key; nothing was subscribed`,
      );
      return;
    }
    const fresh = topics.filter((topic) => !client.topics.has(topic));
    if (client.topics.size + fresh.length > settings.maxTopicsPerClient) {
      client.sendError(
        'STREAM_TOO_MANY_TOPICS',
        `at most ${String(settings.maxTopicsPerClient)} topics per connection; nothing was subscribed`,
      );
      return;
    }
    const buffers = fresh.map((topic) => {
      const buffer = client.subscribe(topic, coalescingOf(topic), newest);
      let set = subscribers.get(topic);
      if (!set) {
        set = new Set();
        subscribers.set(topic, set);
        observeBus(topic);
      }
      set.add(client);
      return buffer;
    });
    client.sendJson({ type: 'subscribed', topics: [...client.topics.keys()] });
    fresh.forEach((topic, index) => sendSnapshot(client, topic, buffers[index] as TopicBuffer));
  }

  /** Sends the topic's snapshot; updates that arrive meanwhile wait until it is sent. */
  function sendSnapshot(client: StreamClient, topic: string, buffer: TopicBuffer): void {
    const send = (data: unknown): void => {
      buffer.snapshotPending = false;
      if (!client.topics.has(topic)) return;
      client.sendJson({ type: 'snapshot', topic, data: data ?? null });
      scheduleFlush();
    };
    const fail = (error: unknown): void => {
      buffer.snapshotPending = false;
      client.sendError(
        'STREAM_SNAPSHOT_FAILED',
        `the snapshot of '${topic}' could not be read (${error instanceof Error ? error.message : String(error)}); updates follow`,
        { topic },
      );
      scheduleFlush();
    };
    let data: unknown;
    try {
      data = snapshots(topic);
    } catch (error) {
      fail(error);
      return;
    }
    if (data instanceof Promise) {
      buffer.snapshotPending = true;
      data.then(send, fail);
    } else {
      send(data);
    }
  }

  function unsubscribe(client: StreamClient, topics: readonly string[]): void {
    for (const topic of topics) {
      if (!client.topics.delete(topic)) continue;
      const set = subscribers.get(topic);
      set?.delete(client);
      if (set?.size === 0) {
        subscribers.delete(topic);
        unobserveBus(topic);
      }
    }
    client.sendJson({ type: 'subscribed', topics: [...client.topics.keys()] });
  }

  function admit(client: StreamClient, principal: Principal): void {
    if (!roleAllows(principal.role, 'viewer')) {
      client.close(
        'STREAM_FORBIDDEN',
        `role '${principal.role}' cannot read the stream: it needs viewer or above`,
      );
      return;
    }
    client.principal = principal;
    client.sendJson({
      type: 'welcome',
      protocol: STREAM_PROTOCOL_VERSION,
      name: principal.name,
      role: principal.role,
      topics: VALID_TOPICS_TEXT,
    });
  }

  function onMessage(client: StreamClient, data: RawData, isBinary: boolean): void {
    if (client.closed) return;
    if (!client.allowMessage()) {
      client.close('STREAM_FLOOD', `more than ${String(settings.maxMessagesPerSecond)} messages a second`);
      return;
    }
    if (isBinary) {
      client.sendError('STREAM_BAD_MESSAGE', 'send JSON text frames, not binary');
      return;
    }
    const message = parseStreamMessage(rawText(data), settings.maxTopicsPerClient);
    if ('code' in message) {
      client.sendError(message.code, message.message);
      return;
    }
    if (message.type === 'auth') {
      if (client.principal) {
        client.sendError('STREAM_BAD_MESSAGE', 'already authenticated');
        return;
      }
      const principal = authenticate(message.token);
      if (!principal) {
        counters.authFailures++;
        throttle.recordFailure(client.address);
        client.close('STREAM_AUTH_FAILED', 'the token is not valid');
        return;
      }
      admit(client, principal);
      return;
    }
    if (!client.principal) {
      client.close('STREAM_AUTH_FAILED', 'the first message must be {"type":"auth","token":…}');
      return;
    }
    if (message.type === 'subscribe') subscribe(client, message.topics, message.newest);
    else if (message.type === 'unsubscribe') unsubscribe(client, message.topics);
    else {
      client.everyMs = message.everyMs;
      client.dueAt = Math.min(client.dueAt, performance.now() + message.everyMs);
      client.sendJson({ type: 'paced', everyMs: message.everyMs });
    }
  }

  function disconnected(client: StreamClient): void {
    if (!clients.delete(client)) return;
    counters.droppedOfClosed += client.dropped;
    const topics = [...client.topics.keys()];
    client.closed = true;
    for (const topic of topics) {
      const set = subscribers.get(topic);
      set?.delete(client);
      if (set?.size === 0) {
        subscribers.delete(topic);
        unobserveBus(topic);
      }
    }
    client.topics.clear();
  }

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(request.url ?? '/', 'http://localhost');
    if (url.pathname !== STREAM_PATH) {
      // The gateway answers its own path; any other path is nobody's.
      if (url.pathname !== GATEWAY_PATH || server.listenerCount('upgrade') === 1)
        refuseUpgrade(socket, { status: 404, code: 'GATEWAY_NOT_FOUND' });
      return;
    }
    if (/(^|&)(access_)?token=/i.test(url.search.slice(1))) {
      refuseUpgrade(socket, { status: 400, code: 'STREAM_TOKEN_IN_URL' });
      return;
    }
    const address = request.socket.remoteAddress ?? 'unknown';
    const wait = throttle.throttledFor(address);
    if (wait > 0) {
      refuseUpgrade(socket, { status: 429, code: 'STREAM_AUTH_THROTTLED', retryAfterSeconds: wait });
      return;
    }
    if (!originAllowed(request, allowedOrigins)) {
      refuseUpgrade(socket, { status: 403, code: 'STREAM_ORIGIN_REFUSED' });
      return;
    }
    if (closed || clients.size >= settings.maxConnections) {
      refuseUpgrade(socket, { status: 503, code: 'STREAM_UNAVAILABLE' });
      return;
    }
    const header = request.headers.authorization;
    let principal: Principal | undefined;
    if (header !== undefined) {
      const token = bearerToken(header);
      principal = token === undefined ? undefined : authenticate(token);
      if (!principal) {
        counters.authFailures++;
        throttle.recordFailure(address);
        refuseUpgrade(socket, { status: 401, code: 'STREAM_AUTH_FAILED' });
        return;
      }
      if (!roleAllows(principal.role, 'viewer')) {
        refuseUpgrade(socket, { status: 403, code: 'STREAM_FORBIDDEN' });
        return;
      }
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const client = new StreamClient(ws, address, limits);
      clients.add(client);
      ws.on('message', (data, isBinary) => {
        // Nothing a client sends may end the engine: a failure here costs this client only.
        try {
          onMessage(client, data, isBinary);
        } catch {
          client.close('STREAM_INTERNAL_ERROR', 'the engine failed to handle this message');
        }
      });
      ws.on('close', () => disconnected(client));
      ws.on('pong', () => (client.alive = true));
      ws.on('error', () => ws.terminate());
      if (principal) {
        admit(client, principal);
        return;
      }
      const timer = setTimeout(() => {
        if (!client.principal)
          client.close(
            'STREAM_AUTH_TIMEOUT',
            `no {"type":"auth"} within ${String(settings.authTimeoutMs)} ms`,
          );
      }, settings.authTimeoutMs);
      timer.unref();
      ws.once('close', () => clearTimeout(timer));
    });
  }
  server.on('upgrade', handleUpgrade);

  // `status` once a second, from its snapshot, to every client subscribed to it.
  let statusBusy = false;
  const statusTimer = setInterval(() => {
    if (statusBusy || !subscribers.has('status')) return;
    const publish = (data: unknown): void => {
      statusBusy = false;
      deliver('status', 'status', 'status', data);
    };
    try {
      const data = snapshots('status');
      if (data instanceof Promise) {
        statusBusy = true;
        data.then(publish, () => {
          statusBusy = false;
        });
      } else {
        publish(data);
      }
    } catch {
      // A status that cannot be read this second is tried again the next.
    }
  }, settings.statusIntervalMs);
  statusTimer.unref();

  // A phone that lost its network sends no close: ping, and cut off who did not answer the last.
  const heartbeat = setInterval(() => {
    for (const client of clients) {
      if (!client.alive) {
        client.socket.terminate();
        continue;
      }
      client.alive = false;
      client.socket.ping();
    }
  }, settings.heartbeatMs);
  heartbeat.unref();

  async function shutDown(): Promise<void> {
    closed = true;
    clearInterval(statusTimer);
    clearInterval(heartbeat);
    clearTimeout(flushTimer);
    server.off('upgrade', handleUpgrade);
    const ended = [...clients].map(
      (client) =>
        new Promise<void>((resolve) => {
          if (client.socket.readyState === client.socket.CLOSED) return resolve();
          client.socket.once('close', () => resolve());
          client.close('STREAM_SHUTTING_DOWN', 'the engine is stopping');
        }),
    );
    await Promise.all(ended);
    for (const stop of unsubscribeBus.values()) stop();
    unsubscribeBus.clear();
    unsubscribeBars?.();
    await new Promise<void>((resolve) => wss.close(() => resolve()));
  }

  return {
    path: STREAM_PATH,
    stats: () => ({
      connections: clients.size,
      authenticated: [...clients].filter((client) => client.principal !== undefined).length,
      dropped: counters.droppedOfClosed + [...clients].reduce((sum, client) => sum + client.dropped, 0),
      slowConsumersClosed: counters.slowConsumersClosed,
      authFailures: counters.authFailures,
    }),
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}

/** The valid topic names (without the per-instrument bars), for docs and tests. */
export const STREAM_TOPICS: readonly string[] = STREAM_TOPIC_NAMES;

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
