import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ReplayClock } from '../../../src/core/clock.js';
import { Engine } from '../../../src/engine.js';
import type { Authenticate, Principal } from '../../../src/server/auth/roles.js';
import {
  attachStream,
  STREAM_PATH,
  type StreamHandle,
  type StreamOptions,
} from '../../../src/server/stream/index.js';
import { T0 } from '../../execution/execution-helpers.js';

/** The gateway's token (the AddOn's); the stream's tokens below are the control plane's. */
export const GATEWAY_TOKEN = 'gateway-token-0123456789abcdef';

/**
 * Test tokens of each role. The token registry (src/server/auth/) replaces this map when the
 * parts are merged; `Authenticate` is the contract both honour.
 */
export const TOKENS = {
  viewer: 'viewer-token-0123456789abcdef',
  trader: 'trader-token-0123456789abcdef',
  admin: 'admin-token-0123456789abcdef',
  addon: 'addon-token-0123456789abcdef',
} as const;

const PRINCIPALS = new Map<string, Principal>(
  Object.entries(TOKENS).map(([role, token]) => [
    token,
    { name: `${role}-test`, role: role as Principal['role'] },
  ]),
);
export const testAuthenticate: Authenticate = (token) => PRINCIPALS.get(token);

export interface StreamRig {
  readonly engine: Engine;
  readonly stream: StreamHandle;
  /** `ws://127.0.0.1:<port>/api/v1/stream`. */
  readonly url: string;
  readonly httpUrl: string;
  close(): Promise<void>;
}

/**
 * A real engine (paper trading on a replay clock, gateway listening on loopback) with the live
 * stream attached to its HTTP server. Snapshots read the engine's own state.
 */
export async function startStreamRig(
  options: Partial<Omit<StreamOptions, 'server' | 'bus'>> = {},
): Promise<StreamRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'enigma-stream-'));
  const engine = await Engine.create({
    mode: 'live',
    clock: new ReplayClock(T0),
    dataDir,
    wasm: false,
    trading: { watchHaltFile: false },
    listen: { host: '127.0.0.1', port: 0, token: GATEWAY_TOKEN },
  });
  const trading = engine.trading;
  const http = engine.gateway?.http;
  if (!trading || !http) throw new Error('the rig needs trading and a listening engine');
  const stream = attachStream({
    server: http.server,
    bus: engine.bus,
    authenticate: testAuthenticate,
    snapshots: (topic) => {
      if (topic === 'accounts')
        return trading.accounts().map((account) => ({ account, risk: trading.riskState(account) }));
      if (topic === 'status') return { ts: engine.clock.now(), pipelines: engine.metrics().length };
      // The store's reads are asynchronous: the stream must wait for them.
      if (topic === 'fills') return Promise.resolve([]);
      return [];
    },
    ...options,
  });
  return {
    engine,
    stream,
    url: `${http.url.replace('http', 'ws')}${STREAM_PATH}`,
    httpUrl: http.url,
    async close() {
      await stream.close();
      await engine.stop();
    },
  };
}

export interface StreamMessage {
  readonly type: string;
  readonly topic?: string;
  readonly code?: string;
  readonly data?: unknown;
  readonly items?: readonly { kind: string; data: Record<string, unknown> }[];
  readonly dropped?: number;
  readonly [field: string]: unknown;
}

/** A stream client that records every message and the close, and lets a test await either. */
export class TestClient {
  readonly messages: StreamMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString()) as StreamMessage);
      for (const wake of this.waiters) wake();
    });
    this.closed = new Promise((resolve) =>
      socket.on('close', (code, reason) => {
        resolve({ code, reason: reason.toString() });
        for (const wake of this.waiters) wake();
      }),
    );
    socket.on('error', () => undefined);
  }

  static async connect(url: string, headers: Record<string, string> = {}): Promise<TestClient> {
    const socket = new WebSocket(url, { headers });
    const client = new TestClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('unexpected-response', () => reject(new Error('upgrade refused')));
    });
    return client;
  }

  send(message: unknown): void {
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
  }

  /** Resolves with the first message (from `from` on) that matches; rejects after `timeoutMs`. */
  next(match: (message: StreamMessage) => boolean, from = 0, timeoutMs = 10_000): Promise<StreamMessage> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.messages.slice(from).find(match);
        if (found) {
          done();
          resolve(found);
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(`no matching message; got ${JSON.stringify(this.messages.slice(-5)).slice(0, 800)}`),
        );
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Connects, authenticates with the first message and waits for `welcome`. */
  static async signedIn(url: string, token: string): Promise<TestClient> {
    const client = await TestClient.connect(url);
    client.send({ type: 'auth', token });
    await client.next((message) => message.type === 'welcome');
    return client;
  }

  /** Every update item of `topic` received so far. */
  items(topic: string): { kind: string; data: Record<string, unknown> }[] {
    return this.messages
      .filter((m) => m.type === 'update' && m.topic === topic)
      .flatMap((m) => m.items ?? []);
  }
}

/** Attempts an upgrade; resolves with the HTTP status and body of a refusal, or 101. */
export function upgradeStatus(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers });
    socket.on('unexpected-response', (_request, response: http.IncomingMessage) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    socket.on('open', () => {
      socket.close();
      resolve({ status: 101, body: '' });
    });
    socket.on('error', () => undefined);
  });
}
