import http from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { ReplayClock } from '../../../src/core/clock.js';
import type { Signal } from '../../../src/core/events.js';
import { Engine } from '../../../src/engine.js';
import { TokenRegistry } from '../../../src/server/auth/index.js';
import { ROLES, type Role } from '../../../src/server/auth/roles.js';
import { STREAM_PATH, type StreamHandle, type StreamOptions } from '../../../src/server/stream/index.js';
import { T0 } from '../../execution/execution-helpers.js';

/** A long ES signal carrying its number `n` in its metadata (and its time), to check order and loss. */
export function numberedSignal(n: number): Signal {
  return {
    ts: T0 + n,
    source: 'enigma',
    symbol: 'ES 12-26',
    direction: 'long',
    strength: 'strong',
    power: 10,
    confluence: 2,
    price: 6000,
    metadata: { n },
  };
}

/** The gateway's token (the AddOn's); the stream's tokens below are the control plane's. */
export const GATEWAY_TOKEN = 'gateway-token-0123456789abcdef';

/** Real registry tokens of each role, made in the rig's data directory by `startStreamRig`. */
export const TOKENS: Record<Role, string> = { viewer: '', trader: '', admin: '', addon: '' };

export interface StreamRig {
  readonly engine: Engine;
  readonly stream: StreamHandle;
  /** `ws://127.0.0.1:<port>/api/v1/stream`. */
  readonly url: string;
  readonly httpUrl: string;
  close(): Promise<void>;
}

/**
 * A real engine (paper trading on a replay clock, gateway listening on loopback) and its live
 * stream, with these limits; snapshots are the engine's own (its API's reads).
 */
export async function startStreamRig(
  options: Partial<Omit<StreamOptions, 'server' | 'bus' | 'authenticate'>> = {},
): Promise<StreamRig> {
  const dataDir = mkdtempSync(join(tmpdir(), 'enigma-stream-'));
  const registry = TokenRegistry.open(dataDir);
  for (const role of ROLES) TOKENS[role] = registry.create(`${role}-test`, role).token;
  const engine = await Engine.create({
    mode: 'live',
    clock: new ReplayClock(T0),
    dataDir,
    wasm: false,
    trading: { watchHaltFile: false },
    listen: { host: '127.0.0.1', port: 0, token: GATEWAY_TOKEN },
    stream: options,
  });
  const http = engine.gateway?.http;
  const stream = engine.stream;
  if (!engine.trading || !http || !stream) throw new Error('the rig needs trading and a listening engine');
  return {
    engine,
    stream,
    url: `${http.url.replace('http', 'ws')}${STREAM_PATH}`,
    httpUrl: http.url,
    async close() {
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
