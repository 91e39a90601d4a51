import { readFileSync } from 'node:fs';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TOPICS } from '../../src/bus/topics.js';
import { CLOSE_CODES, WEBSOCKET_CLOSE_CODES } from '../../src/gateway/close-codes.js';
import { startGateway } from '../../src/gateway/gateway.js';
import { MessageBus } from '../../src/bus/bus.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { deadLetters, RawPeer, startTestEngine, tick, type TestEngine } from './harness.js';

/** Regression tests for defects found by probing the gateway with hostile clients (issue 12). */

/** The status an upgrade request gets, with the given headers. */
function upgradeStatus(url: string, headers: Record<string, string>, localAddress?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url.replace('ws:', 'http:'), {
      ...(localAddress !== undefined && { localAddress }),
      headers: {
        Connection: 'Upgrade',
        Upgrade: 'websocket',
        'Sec-WebSocket-Version': '13',
        'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        ...headers,
      },
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve(response.statusCode ?? 0);
    });
    req.on('response', (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gateway: hostile clients', () => {
  let engine: TestEngine;
  beforeEach(async () => {
    engine = await startTestEngine({ maxRejectsPerSecond: 1000 });
  });
  afterEach(async () => {
    await engine.close();
  });

  it('survives a batch whose element nests thousands of levels deep, refuses it and answers the rest', async () => {
    const { peer } = await RawPeer.hello(engine.streamUrl);
    const depth = 4_100;
    const frame = `[{"type":"tick","seq":1,"x":${'['.repeat(depth)}${']'.repeat(depth)}},{"type":"ping","seq":0,"ts":1,"id":"after"}]`;
    peer.send(frame);
    const error = await peer.next('error', (message) => message.ref_seq === 1);
    expect(error.code).toBe('GATEWAY_SCHEMA_VIOLATION');
    await peer.next('pong', (pong) => pong.id === 'after');
    const kept = deadLetters(engine).at(-1);
    expect(typeof kept?.message).toBe('string');
    expect((kept?.message as string).length).toBeLessThanOrEqual(2_048);
    peer.close();
  });

  it('keeps a bounded copy of a huge refused frame, saying how long it was', async () => {
    const { peer } = await RawPeer.hello(engine.streamUrl);
    const huge = JSON.stringify(tick(1, { note: 'x'.repeat(100_000) }));
    peer.send(huge);
    await peer.next('error', (message) => message.ref_seq === 1);
    const kept = deadLetters(engine).at(-1)?.message as string;
    expect(kept.length).toBeLessThan(2_048);
    expect(kept).toContain(`${String(Buffer.byteLength(huge))} bytes`);
    peer.close();
  });

  it('refuses an upgrade that offers an unknown subprotocol, and accepts the documented one or none', async () => {
    const auth = { Authorization: 'Bearer test-token-not-a-secret' };
    expect(await upgradeStatus(engine.streamUrl, { ...auth, 'Sec-WebSocket-Protocol': 'evil-proto' })).toBe(
      400,
    );
    expect(
      await upgradeStatus(engine.streamUrl, { ...auth, 'Sec-WebSocket-Protocol': 'enigma-apex.v1, evil' }),
    ).toBe(101);
    expect(await upgradeStatus(engine.streamUrl, auth)).toBe(101);
    const socket = new WebSocket(engine.streamUrl, 'enigma-apex.v1', { headers: auth });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    expect(socket.protocol).toBe('enigma-apex.v1');
    socket.close();
  });

  it('throttles failed authentications per address with 429, and still admits the right token elsewhere', async () => {
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 30; attempt++) {
      statuses.push(
        await upgradeStatus(engine.streamUrl, { Authorization: `Bearer wrong-${String(attempt)}` }),
      );
    }
    expect(statuses.slice(0, 10).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(-5).every((status) => status === 429)).toBe(true);
    // While the address is throttled even the right token is refused, so guessing gains nothing.
    const rightToken = { Authorization: 'Bearer test-token-not-a-secret' };
    expect(await upgradeStatus(engine.streamUrl, rightToken)).toBe(429);
    // Another address (loopback has them all) is not slowed down.
    expect(await upgradeStatus(engine.streamUrl, rightToken, '127.0.0.2')).toBe(101);
    const alerts = engine.published(TOPICS.alerts);
    expect(alerts.some((alert) => alert.code === 'GATEWAY_AUTH_THROTTLED')).toBe(true);
  });

  it('documents every close code the server can send', () => {
    const protocol = readFileSync(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const section = protocol.slice(protocol.indexOf('## 5.'), protocol.indexOf('## 6.'));
    for (const code of [...Object.values(CLOSE_CODES), ...Object.keys(WEBSOCKET_CLOSE_CODES).map(Number)]) {
      expect(section, `close code ${String(code)}`).toMatch(new RegExp(`^\\| ${String(code)} \\|`, 'm'));
    }
  });

  it('closes with 1008 on a message in too many fragments', async () => {
    const peer = await RawPeer.open(engine.streamUrl);
    for (let i = 0; i < 20_000 && peer.closeCode === undefined; i++) peer.socket.send('x', { fin: false });
    await peer.closed();
    expect(peer.closeCode).toBe(1008);
  });
});

describe('gateway: weak configuration', () => {
  it('refuses a token that is blank or too short', async () => {
    const http = await startHttpServer({ port: 0 });
    try {
      for (const token of ['x', '                    ', 'short-token']) {
        expect(() => startGateway({ token, server: http.server, bus: new MessageBus() })).toThrow(
          expect.objectContaining({ code: 'GATEWAY_WEAK_TOKEN' }),
        );
      }
    } finally {
      await http.close();
    }
  });
});
