import type { Socket } from 'node:net';
import WebSocket from 'ws';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type Topic } from '../../src/bus/topics.js';
import type { DeadLetter } from '../../src/core/events.js';
import { startGateway, type Gateway, type GatewayOptions } from '../../src/gateway/gateway.js';
import type { EngineMessage } from '../../src/gateway/protocol/schemas.js';
import { startHttpServer, type HttpServerHandle } from '../../src/server/http-server.js';
import { Store, type StoreOptions } from '../../src/store/store.js';

export const TEST_TOKEN = 'test-token-not-a-secret';
export const NQ = 'NQ 12-26';

/** A real engine edge on loopback: HTTP server, gateway and a bus whose topics are recorded. */
export interface TestEngine {
  readonly bus: MessageBus;
  readonly http: HttpServerHandle;
  readonly gateway: Gateway;
  readonly streamUrl: string;
  /** Every message published on each topic, by topic name. */
  readonly recorded: Map<string, unknown[]>;
  /** The server side of every TCP connection accepted, in order (to see whether it is read). */
  readonly serverSockets: Socket[];
  published<T>(topic: { name: string; message?: T }): T[];
  close(): Promise<void>;
}

export async function startTestEngine(
  options: Partial<Omit<GatewayOptions, 'server' | 'bus'>> = {},
  port = 0,
): Promise<TestEngine> {
  const bus = new MessageBus();
  const recorded = new Map<string, unknown[]>();
  for (const topic of Object.values(TOPICS)) {
    const list: unknown[] = [];
    recorded.set(topic.name, list);
    bus.observe(topic as Topic<unknown>).subscribe((message) => list.push(message));
  }
  const http = await startHttpServer({ port });
  const serverSockets: Socket[] = [];
  http.server.on('connection', (socket: Socket) => serverSockets.push(socket));
  const gateway = startGateway({ token: TEST_TOKEN, ...options, server: http.server, bus });
  return {
    bus,
    http,
    gateway,
    streamUrl: `ws://127.0.0.1:${String(http.port)}/v1/stream`,
    recorded,
    serverSockets,
    published: <T>(topic: { name: string; message?: T }) => (recorded.get(topic.name) ?? []) as T[],
    async close() {
      await gateway.close();
      await http.close();
    },
  };
}

/** A test engine whose bus is persisted by a real Store on a DuckDB file, acking what it committed. */
export interface StoredTestEngine extends TestEngine {
  readonly store: Store;
}

/**
 * A real engine edge with a real Store on `path`: the gateway acks once the store committed, and
 * resumes sessions a previous engine left in that file. Closing closes the gateway, then the
 * store (which commits what it holds). By default the store commits only when the test calls
 * `store.flush()`, so a test decides what is committed when.
 */
export async function startStoredEngine(
  path: string,
  options: Partial<Omit<GatewayOptions, 'server' | 'bus'>> = {},
  storeOptions: StoreOptions = { flushIntervalMs: 3_600_000 },
  port = 0,
): Promise<StoredTestEngine> {
  const store = await Store.open(path, storeOptions);
  const engine = await startTestEngine(
    {
      ackOn: 'stored',
      storedWatermark: (source) => store.watermark(source),
      acceptedSeq: (source) => store.acceptedSeq(source),
      ...options,
    },
    port,
  );
  store.attach(engine.bus);
  return {
    ...engine,
    store,
    async close() {
      await engine.close();
      await store.close();
    },
  };
}

/** A bare protocol peer: sends raw text and collects every engine message for assertions. */
export class RawPeer {
  readonly messages: EngineMessage[] = [];
  closeCode: number | undefined;
  closeReason = '';
  private waiters: { predicate: (m: EngineMessage) => boolean; resolve: (m: EngineMessage) => void }[] = [];
  private closeWaiters: (() => void)[] = [];
  private syncs = 0;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const value = JSON.parse(data.toString()) as EngineMessage | EngineMessage[];
      for (const message of Array.isArray(value) ? value : [value]) {
        this.messages.push(message);
        this.waiters = this.waiters.filter((waiter) => {
          if (!waiter.predicate(message)) return true;
          waiter.resolve(message);
          return false;
        });
      }
    });
    socket.on('close', (code, reason) => {
      this.closeCode = code;
      this.closeReason = reason.toString();
      for (const resolve of this.closeWaiters) resolve();
    });
    socket.on('error', () => undefined);
  }

  static async open(
    url: string,
    options: { token?: string; headers?: Record<string, string>; autoPong?: boolean } = {},
  ) {
    const socket = new WebSocket(url, {
      headers: { Authorization: `Bearer ${options.token ?? TEST_TOKEN}`, ...options.headers },
      autoPong: options.autoPong ?? true,
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return new RawPeer(socket);
  }

  /** Opens and says hello; resolves with the welcome. */
  static async hello(
    url: string,
    hello: { session_id?: string; last_seq?: number; accounts?: string[]; protocol?: number } = {},
  ): Promise<{ peer: RawPeer; welcome: Extract<EngineMessage, { type: 'welcome' }> }> {
    const peer = await RawPeer.open(url);
    const welcome = peer.next('welcome');
    peer.send({
      type: 'hello',
      seq: 0,
      ts: 1,
      protocol: hello.protocol ?? 1,
      client: { name: 'test', version: '1' },
      accounts: hello.accounts ?? ['Sim101'],
      ...(hello.session_id !== undefined && { session_id: hello.session_id }),
      last_seq: hello.last_seq ?? 0,
    });
    return { peer, welcome: (await welcome) as Extract<EngineMessage, { type: 'welcome' }> };
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** The next message (already received or future) of `type` matching `predicate`. */
  next<T extends EngineMessage['type']>(
    type: T,
    predicate: (message: Extract<EngineMessage, { type: T }>) => boolean = () => true,
  ): Promise<Extract<EngineMessage, { type: T }>> {
    const test = (m: EngineMessage) => m.type === type && predicate(m as Extract<EngineMessage, { type: T }>);
    const seen = this.messages.find(test);
    if (seen) return Promise.resolve(seen as Extract<EngineMessage, { type: T }>);
    return new Promise((resolve) =>
      this.waiters.push({ predicate: test, resolve: resolve as (m: EngineMessage) => void }),
    );
  }

  /**
   * Sends `messages` and a ping in one frame; resolves with the pong, once the engine has read
   * every frame before (one frame: a pause the messages cause cannot hold the ping back).
   */
  sync(messages: readonly unknown[] = []): Promise<unknown> {
    const id = `sync-${String(++this.syncs)}`;
    this.send([...messages, { type: 'ping', seq: 0, ts: 1, id }]);
    return this.next('pong', (pong) => pong.id === id);
  }

  /** The `last_seq` of every ack received so far, in order. */
  acks(): number[] {
    return this.messages.flatMap((m) => (m.type === 'ack' ? [m.last_seq] : []));
  }

  /** Resolves once the engine acknowledged `seq`. */
  acked(seq: number): Promise<unknown> {
    return this.next('ack', (ack) => ack.last_seq >= seq);
  }

  closed(): Promise<void> {
    if (this.closeCode !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.closeWaiters.push(resolve));
  }

  close(): void {
    this.socket.close();
  }
}

let clockTs = 1_764_115_200_000_000;
/** A valid tick message with a fresh, increasing timestamp. */
export function tick(seq: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  clockTs += 1000;
  return {
    type: 'tick',
    seq,
    ts: clockTs,
    symbol: NQ,
    price: 21012.25,
    size: 2,
    bid: 21012,
    ask: 21012.25,
    side: 'buy',
    ...overrides,
  };
}

export function signal(seq: number, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  clockTs += 1000;
  return {
    type: 'signal',
    seq,
    ts: clockTs,
    symbol: NQ,
    direction: 'long',
    strength: 'strong',
    power: 7.5,
    confluence: 3,
    price: 21012.25,
    ...overrides,
  };
}

export function deadLetters(engine: TestEngine): DeadLetter[] {
  return engine.published(TOPICS.deadLetters);
}
