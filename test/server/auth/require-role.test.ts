import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { MessageBus } from '../../../src/bus/bus.js';
import { startGateway, type Gateway } from '../../../src/gateway/gateway.js';
import { AUTH_FAILURE_BURST } from '../../../src/server/auth/failed-auth-throttle.js';
import { requireRole, type AuthEnv } from '../../../src/server/auth/require-role.js';
import type { Role } from '../../../src/server/auth/roles.js';
import { TokenRegistry } from '../../../src/server/auth/token-registry.js';
import { createEngineApp, startHttpServer, type HttpServerHandle } from '../../../src/server/http-server.js';

interface Answer {
  status: number;
  headers: Headers;
  body: { principal?: unknown; error?: { code: string } };
}

/** One route per role, behind requireRole over the real registry, on a real server with the gateway. */
async function startApi(registry: TokenRegistry, throttled: string[]) {
  const app = createEngineApp() as unknown as Hono<AuthEnv>;
  for (const role of ['viewer', 'trader', 'admin'] as const satisfies readonly Role[]) {
    app.post(
      `/api/v1/needs-${role}`,
      requireRole(registry.authenticate, role, { onThrottled: (address) => throttled.push(address) }),
      (c) => c.json({ principal: c.get('principal') }),
    );
  }
  // A route that would open CORS: the closed-CORS middleware must strip it.
  app.get('/api/v1/leaky', (c) => {
    c.header('Access-Control-Allow-Origin', '*');
    return c.json({});
  });
  const server = await startHttpServer({ app: app as unknown as Hono });
  const gateway = startGateway({
    server: server.server,
    bus: new MessageBus(),
    authenticate: registry.authenticate,
  });
  return { server, gateway };
}

async function call(url: string, init: RequestInit = {}): Promise<Answer> {
  const response = await fetch(url, { method: 'POST', ...init });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    body: text === '' ? {} : (JSON.parse(text) as Answer['body']),
  };
}

const bearer = (token: string): RequestInit => ({ headers: { Authorization: `Bearer ${token}` } });

/** Attempts a gateway upgrade; resolves with the HTTP status (101 when it became a WebSocket). */
function upgradeStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, { headers: { Authorization: `Bearer ${token}` } });
    socket.on('unexpected-response', (_request, response: http.IncomingMessage) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', () => undefined);
  });
}

describe('requireRole over real HTTP', () => {
  let dataDir: string;
  let registry: TokenRegistry;
  let server: HttpServerHandle;
  let gateway: Gateway;
  let throttled: string[];
  let tokens: Record<Role, string>;

  beforeEach(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'enigma-auth-'));
    registry = TokenRegistry.open(dataDir);
    tokens = {
      viewer: registry.create('screen', 'viewer').token,
      trader: registry.create('desk', 'trader').token,
      admin: registry.create('root', 'admin').token,
      addon: registry.create('ninjatrader', 'addon').token,
    };
    throttled = [];
    ({ server, gateway } = await startApi(registry, throttled));
  });
  afterEach(async () => {
    await gateway.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers 401 with WWW-Authenticate for a missing, malformed or unknown token', async () => {
    for (const init of [{}, { headers: { Authorization: `Basic ${tokens.admin}` } }, bearer('enk_unknown')]) {
      const answer = await call(`${server.url}/api/v1/needs-viewer`, init);
      expect(answer.status).toBe(401);
      expect(answer.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect(answer.body.error?.code).toBe('API_UNAUTHORIZED');
    }
  });

  it('lets each role through exactly where its rank allows, with the principal on the context, and 403 elsewhere', async () => {
    const table: Record<Role, Record<'viewer' | 'trader' | 'admin', number>> = {
      viewer: { viewer: 200, trader: 403, admin: 403 },
      trader: { viewer: 200, trader: 200, admin: 403 },
      admin: { viewer: 200, trader: 200, admin: 200 },
      addon: { viewer: 403, trader: 403, admin: 403 },
    };
    for (const [have, routes] of Object.entries(table) as [Role, Record<string, number>][]) {
      for (const [need, status] of Object.entries(routes)) {
        const answer = await call(`${server.url}/api/v1/needs-${need}`, bearer(tokens[have]));
        expect({ have, need, status: answer.status }).toEqual({ have, need, status });
        if (status === 200) expect(answer.body.principal).toEqual(registry.authenticate(tokens[have]));
        else expect(answer.body.error?.code).toBe('API_FORBIDDEN');
      }
    }
  });

  it('throttles an address after its failures with 429 and Retry-After, even with a valid token, logging once', async () => {
    for (let attempt = 0; attempt < AUTH_FAILURE_BURST; attempt++)
      expect(
        (await call(`${server.url}/api/v1/needs-viewer`, bearer(`enk_guess${String(attempt)}`))).status,
      ).toBe(401);
    const answer = await call(`${server.url}/api/v1/needs-viewer`, bearer(tokens.admin));
    expect(answer.status).toBe(429);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(answer.body.error?.code).toBe('API_AUTH_THROTTLED');
    await call(`${server.url}/api/v1/needs-viewer`, bearer('enk_again'));
    expect(throttled).toHaveLength(1);
  });

  it('shares one failure limit between the API and the gateway', async () => {
    const stream = `ws://127.0.0.1:${String(server.port)}/v1/stream`;
    expect(await upgradeStatus(stream, tokens.addon)).toBe(101);
    for (let attempt = 0; attempt < AUTH_FAILURE_BURST; attempt++)
      await call(`${server.url}/api/v1/needs-viewer`, bearer('enk_guess'));
    expect(await upgradeStatus(stream, tokens.addon)).toBe(429);
  });

  it('keeps CORS closed: a preflight is refused and no response carries Access-Control-Allow-*', async () => {
    const preflight = await fetch(`${server.url}/api/v1/needs-viewer`, {
      method: 'OPTIONS',
      headers: {
        Origin: 'https://evil.example',
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'authorization',
      },
    });
    expect(preflight.status).toBe(403);
    expect(((await preflight.json()) as Answer['body']).error?.code).toBe('API_CORS_REFUSED');
    const leaky = await fetch(`${server.url}/api/v1/leaky`, { headers: { Origin: 'https://evil.example' } });
    expect(leaky.status).toBe(200);
    for (const response of [preflight, leaky])
      expect([...response.headers.keys()].filter((name) => name.startsWith('access-control-'))).toEqual([]);
  });
});
