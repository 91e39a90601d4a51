import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EngineError } from '../../src/core/errors.js';
import { MessageBus } from '../../src/bus/bus.js';
import { startGateway } from '../../src/gateway/gateway.js';
import { TokenRegistry } from '../../src/server/auth/token-registry.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { startTestEngine, TEST_TOKEN, type TestEngine } from './harness.js';

/** Attempts an upgrade; resolves with the HTTP status and body, or 101 when it became a WebSocket. */
function upgrade(url: string, token: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
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

describe('gateway tokens from the registry', () => {
  let dataDir: string;
  let registry: TokenRegistry;
  let engine: TestEngine | undefined;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'enigma-gateway-tokens-'));
    registry = TokenRegistry.open(dataDir);
  });
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('accepts a registry token of role addon and refuses a viewer token with 403', async () => {
    const addon = registry.create('ninjatrader', 'addon').token;
    const viewer = registry.create('screen', 'viewer').token;
    const admin = registry.create('root', 'admin').token;
    engine = await startTestEngine({ authenticate: registry.authenticate });
    expect(await upgrade(engine.streamUrl, addon)).toEqual({ status: 101, body: '' });
    expect(await upgrade(engine.streamUrl, viewer)).toEqual({ status: 403, body: 'API_FORBIDDEN' });
    expect(await upgrade(engine.streamUrl, admin)).toEqual({ status: 403, body: 'API_FORBIDDEN' });
    expect(await upgrade(engine.streamUrl, 'enk_not-a-token-at-all')).toEqual({
      status: 401,
      body: 'GATEWAY_AUTH_FAILED',
    });
  });

  it('still accepts the configured token (ENIGMA_TOKEN) beside the registry, and refuses a revoked addon token', async () => {
    const addon = registry.create('ninjatrader', 'addon').token;
    engine = await startTestEngine({ token: TEST_TOKEN, authenticate: registry.authenticate });
    expect((await upgrade(engine.streamUrl, TEST_TOKEN)).status).toBe(101);
    expect((await upgrade(engine.streamUrl, addon)).status).toBe(101);
    registry.revoke('ninjatrader');
    expect((await upgrade(engine.streamUrl, addon)).status).toBe(401);
    expect((await upgrade(engine.streamUrl, TEST_TOKEN)).status).toBe(101);
  });

  it('takes ENIGMA_TOKEN from the environment when no token is passed', async () => {
    const saved = process.env['ENIGMA_TOKEN'];
    process.env['ENIGMA_TOKEN'] = 'an-environment-token-0123456789';
    try {
      engine = await startTestEngine({ token: undefined, authenticate: registry.authenticate });
    } finally {
      if (saved === undefined) delete process.env['ENIGMA_TOKEN'];
      else process.env['ENIGMA_TOKEN'] = saved;
    }
    expect((await upgrade(engine.streamUrl, 'an-environment-token-0123456789')).status).toBe(101);
  });

  it('starts on the registry alone, and without a registry still needs a token', async () => {
    const saved = process.env['ENIGMA_TOKEN'];
    delete process.env['ENIGMA_TOKEN'];
    const server = await startHttpServer();
    try {
      const gateway = startGateway({
        server: server.server,
        bus: new MessageBus(),
        authenticate: registry.authenticate,
      });
      await gateway.close();
      let code: string | undefined;
      try {
        startGateway({ server: server.server, bus: new MessageBus() });
      } catch (error) {
        code = (error as EngineError).code;
      }
      expect(code).toBe('GATEWAY_NO_TOKEN');
    } finally {
      if (saved !== undefined) process.env['ENIGMA_TOKEN'] = saved;
      await server.close();
    }
  });
});
