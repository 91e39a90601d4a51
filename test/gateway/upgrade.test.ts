import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MessageBus } from '../../src/bus/bus.js';
import { EngineError } from '../../src/core/errors.js';
import { startGateway } from '../../src/gateway/gateway.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { RawPeer, startTestEngine, TEST_TOKEN, type TestEngine } from './harness.js';

/** Attempts an upgrade; resolves with the HTTP refusal, or 101 when it became a WebSocket. */
function upgradeStatus(url: string, headers: Record<string, string>) {
  return new Promise<{ status: number; body: string; authenticate: string | undefined; frames: number }>(
    (resolve) => {
      let frames = 0;
      const socket = new WebSocket(url, { headers });
      socket.on('message', () => (frames += 1));
      socket.on('unexpected-response', (_request, response: http.IncomingMessage) => {
        let body = '';
        response.on('data', (chunk: Buffer) => (body += chunk.toString()));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            body,
            authenticate: response.headers['www-authenticate'],
            frames,
          }),
        );
      });
      socket.on('open', () => {
        socket.close();
        resolve({ status: 101, body: '', authenticate: undefined, frames });
      });
      socket.on('error', () => undefined);
    },
  );
}

describe('gateway upgrade: authentication and origin', () => {
  let engine: TestEngine;
  afterEach(async () => engine.close());

  it('refuses an upgrade without a bearer token with 401 before any frame', async () => {
    engine = await startTestEngine();
    const refusal = await upgradeStatus(engine.streamUrl, {});
    expect(refusal).toMatchObject({ status: 401, body: 'GATEWAY_AUTH_FAILED', frames: 0 });
    expect(refusal.authenticate).toMatch(/^Bearer/);
    expect(engine.gateway.stats().connections).toBe(0);
  });

  it('refuses a wrong token and a malformed authorization header with 401', async () => {
    engine = await startTestEngine();
    expect((await upgradeStatus(engine.streamUrl, { Authorization: 'Bearer wrong-token' })).status).toBe(401);
    expect((await upgradeStatus(engine.streamUrl, { Authorization: `Basic ${TEST_TOKEN}` })).status).toBe(
      401,
    );
    expect((await upgradeStatus(engine.streamUrl, { Authorization: `Bearer ${TEST_TOKEN}x` })).status).toBe(
      401,
    );
  });

  it('refuses a browser origin that is not allowed with 403 and accepts an allowed one', async () => {
    engine = await startTestEngine({ allowedOrigins: ['http://127.0.0.1:5173'] });
    const auth = { Authorization: `Bearer ${TEST_TOKEN}` };
    expect(await upgradeStatus(engine.streamUrl, { ...auth, Origin: 'https://evil.example' })).toMatchObject({
      status: 403,
      body: 'GATEWAY_ORIGIN_REFUSED',
    });
    expect((await upgradeStatus(engine.streamUrl, { ...auth, Origin: 'http://127.0.0.1:5173' })).status).toBe(
      101,
    );
    expect((await upgradeStatus(engine.streamUrl, auth)).status).toBe(101);
  });

  it('answers 404 for other upgrade paths and 503 above the connection limit', async () => {
    engine = await startTestEngine({ maxConnections: 1 });
    const auth = { Authorization: `Bearer ${TEST_TOKEN}` };
    expect((await upgradeStatus(engine.streamUrl.replace('/v1/stream', '/v2/stream'), auth)).status).toBe(
      404,
    );
    const peer = await RawPeer.open(engine.streamUrl);
    expect(await upgradeStatus(engine.streamUrl, auth)).toMatchObject({
      status: 503,
      body: 'GATEWAY_UNAVAILABLE',
    });
    peer.close();
  });

  it('does not start without a token', async () => {
    engine = await startTestEngine();
    const server = await startHttpServer();
    const saved = process.env['ENIGMA_TOKEN'];
    delete process.env['ENIGMA_TOKEN'];
    try {
      expect(() => startGateway({ server: server.server, bus: new MessageBus() })).toThrow(EngineError);
      expect(() => startGateway({ server: server.server, bus: new MessageBus() })).toThrow(/ENIGMA_TOKEN/);
    } finally {
      if (saved !== undefined) process.env['ENIGMA_TOKEN'] = saved;
      await server.close();
    }
  });

  it('reads the token from ENIGMA_TOKEN', async () => {
    const saved = process.env['ENIGMA_TOKEN'];
    process.env['ENIGMA_TOKEN'] = 'from-the-environment';
    try {
      const server = await startHttpServer();
      const gateway = startGateway({ server: server.server, bus: new MessageBus() });
      const url = `ws://127.0.0.1:${String(server.port)}/v1/stream`;
      expect((await upgradeStatus(url, { Authorization: 'Bearer from-the-environment' })).status).toBe(101);
      expect((await upgradeStatus(url, { Authorization: `Bearer ${TEST_TOKEN}` })).status).toBe(401);
      await gateway.close();
      await server.close();
    } finally {
      if (saved === undefined) delete process.env['ENIGMA_TOKEN'];
      else process.env['ENIGMA_TOKEN'] = saved;
    }
    engine = await startTestEngine();
  });
});
