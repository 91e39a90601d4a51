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

  it("judges time per session: one client's far-future tick poisons neither its symbol nor other sessions", async () => {
    const poisoner = await RawPeer.hello(engine.streamUrl, { accounts: [] });
    const honest = await RawPeer.hello(engine.streamUrl, { accounts: [] });
    const now = Date.now() * 1000;
    poisoner.peer.send(tick(1, { symbol: 'M2K 12-26', price: 2300, ts: 9007199254740991 }));
    const refused = await poisoner.peer.next('error', (message) => message.ref_seq === 1);
    expect(refused.code).toBe('GATEWAY_TIME_IMPLAUSIBLE');
    poisoner.peer.send(tick(2, { symbol: 'M2K 12-26', price: 2300, ts: now }));
    honest.peer.send(tick(1, { symbol: 'M2K 12-26', price: 2300, ts: now - 1_000_000 }));
    await poisoner.peer.acked(2);
    await honest.peer.acked(1);
    // A session's own order still holds: older than its own last tick is refused, for it alone.
    honest.peer.send(tick(2, { symbol: 'M2K 12-26', price: 2300, ts: now - 2_000_000 }));
    expect((await honest.peer.next('error', (message) => message.ref_seq === 2)).code).toBe(
      'GATEWAY_TIME_BACKWARDS',
    );
    const ticks = engine.published(TOPICS.ticks).filter((t) => t.symbol === 'M2K 12-26');
    expect(ticks.map((t) => t.ts)).toEqual([now, now - 1_000_000]);
    expect(poisoner.peer.messages.filter((m) => m.type === 'error')).toHaveLength(1);
    poisoner.peer.close();
    honest.peer.close();
  });

  it('refuses a tick before 1980 as not live data', async () => {
    const { peer } = await RawPeer.hello(engine.streamUrl, { accounts: [] });
    peer.send(tick(1, { ts: 1_764_115_200_000 }));
    const refused = await peer.next('error', (message) => message.ref_seq === 1);
    expect(refused.code).toBe('GATEWAY_TIME_IMPLAUSIBLE');
    expect(refused.message).toMatch(/before 1980/);
    peer.close();
  });

  it('refuses a price far outside its band, alerts, and keeps the band of every other session', async () => {
    const fuzzer = await RawPeer.hello(engine.streamUrl, { accounts: [] });
    const honest = await RawPeer.hello(engine.streamUrl, { accounts: [] });
    fuzzer.peer.send(tick(1, { symbol: 'CL 01-27', price: 70.12 }));
    fuzzer.peer.send(tick(2, { symbol: 'CL 01-27', price: 100.25 }));
    const refused = await fuzzer.peer.next('error', (message) => message.ref_seq === 2);
    expect(refused.code).toBe('GATEWAY_PRICE_BAND');
    expect(refused.message).toMatch(/100\.25 of CL 01-27 .* from the last accepted 70\.12/);
    // A session whose first CL print is 100.25 is judged by its own band, not the fuzzer's.
    honest.peer.send(tick(1, { symbol: 'CL 01-27', price: 100.25 }));
    honest.peer.send(tick(2, { symbol: 'CL 01-27', price: 100.3 }));
    await honest.peer.acked(2);
    expect(honest.peer.messages.filter((m) => m.type === 'error')).toHaveLength(0);
    const prices = engine
      .published(TOPICS.ticks)
      .filter((t) => t.symbol === 'CL 01-27')
      .map((t) => t.price);
    expect(prices).toEqual([70.12, 100.25, 100.3]);
    const alerts = engine.published(TOPICS.alerts).filter((alert) => alert.code === 'GATEWAY_PRICE_BAND');
    expect(alerts).toHaveLength(1);
    fuzzer.peer.close();
    honest.peer.close();
  });

  it('keeps the raw text of at most 50 refused messages a second per session, counting the rest', async () => {
    const { peer } = await RawPeer.hello(engine.streamUrl, { accounts: [] });
    const bad = Array.from({ length: 200 }, (_, i) => tick(i + 1, { size: -1, note: 'x'.repeat(500) }));
    peer.send(JSON.stringify(bad));
    await peer.next('error', (message) => message.ref_seq === 200);
    const refused = engine
      .published(TOPICS.received)
      .filter((envelope) => envelope.type === 'refused')
      .map((envelope) => (envelope.message as { raw: string }).raw);
    expect(refused).toHaveLength(200);
    const kept = refused.filter((raw) => !raw.startsWith('[raw text not kept'));
    expect(kept.length).toBe(50);
    expect(refused.every((raw) => raw.length <= 1_024)).toBe(true);
    expect(engine.gateway.stats().rejectsNotKept).toBe(150);
    // Every refusal still keeps its code and reason.
    expect(deadLetters(engine).filter((letter) => letter.code === 'GATEWAY_SCHEMA_VIOLATION')).toHaveLength(
      200,
    );
    peer.close();
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
