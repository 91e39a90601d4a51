import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { createEngineLogger } from '../../src/core/log/logger.js';
import { startHttpServer } from '../../src/server/http-server.js';
import { requestLog, type RequestLogVariables } from '../../src/server/request-log.js';

const TOKEN = 'enk_request-log-test-token-0123456789';

/** A real HTTP server whose calls are logged to a real file; `entries()` reads it back. */
async function serve(routes: (app: Hono<{ Variables: RequestLogVariables }>) => void = () => undefined) {
  const path = join(mkdtempSync(join(tmpdir(), 'enigma-request-log-')), 'engine.log');
  const log = createEngineLogger({ file: path, terminal: false });
  const logger = log.logger.child({ component: 'api' });
  const app = new Hono<{ Variables: RequestLogVariables }>();
  app.use('*', requestLog(logger));
  routes(app);
  const server = await startHttpServer({ app: app as unknown as Hono });
  return {
    url: server.url,
    text: () => readFileSync(path, 'utf8'),
    entries: () =>
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    close: async () => {
      await server.close();
      log.close();
    },
  };
}

describe('the request log of the API', () => {
  it('answers a request id and logs method, path, status and duration, never the token or the query', async () => {
    const server = await serve((app) =>
      app.get('/api/v1/status', (c) => {
        c.get('log').info({ accounts: 2 }, 'status read');
        return c.json({ ok: true });
      }),
    );
    try {
      const response = await fetch(`${server.url}/api/v1/status?token=${TOKEN}`, {
        headers: { authorization: `Bearer ${TOKEN}` },
      });
      expect(response.status).toBe(200);
      const requestId = response.headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const [handlerLine, requestLine] = server.entries();
      expect(handlerLine).toMatchObject({ component: 'api', requestId, msg: 'status read' });
      expect(requestLine).toMatchObject({
        level: 'info',
        component: 'api',
        requestId,
        method: 'GET',
        path: '/api/v1/status',
        status: 200,
        msg: 'GET /api/v1/status 200',
      });
      expect(requestLine?.['durationMs']).toBeGreaterThanOrEqual(0);
      expect(server.text()).not.toContain(TOKEN.slice(4));
      expect(server.text()).not.toMatch(/authorization|token=/i);
    } finally {
      await server.close();
    }
  });

  it("keeps a client's plain request id and replaces one that is not", async () => {
    const server = await serve((app) => app.get('/x', (c) => c.text('x')));
    try {
      const kept = await fetch(`${server.url}/x`, { headers: { 'x-request-id': 'desk-42.a:b' } });
      expect(kept.headers.get('x-request-id')).toBe('desk-42.a:b');
      const odd = await fetch(`${server.url}/x`, { headers: { 'x-request-id': 'a b{"level":"fatal"}' } });
      expect(odd.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(server.entries().map((entry) => entry['requestId'])).toEqual([
        'desk-42.a:b',
        odd.headers.get('x-request-id'),
      ]);
    } finally {
      await server.close();
    }
  });

  it('logs refusals as warnings and failures as errors, with the id on the answer', async () => {
    const server = await serve((app) => {
      app.get('/denied', (c) => c.json({ code: 'API_UNAUTHORIZED' }, 401));
      app.get('/broken', () => {
        throw new Error('handler failed');
      });
    });
    try {
      expect((await fetch(`${server.url}/denied`)).status).toBe(401);
      const broken = await fetch(`${server.url}/broken`);
      expect(broken.status).toBe(500);
      expect(broken.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
      expect(server.entries().map((entry) => [entry['level'], entry['status']])).toEqual([
        ['warn', 401],
        ['error', 500],
      ]);
    } finally {
      await server.close();
    }
  });

  it("is on the engine's default app when it is given a logger", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'enigma-request-log-')), 'engine.log');
    const log = createEngineLogger({ file: path, terminal: false });
    const server = await startHttpServer({ logger: log.logger.child({ component: 'api' }) });
    try {
      const response = await fetch(`${server.url}/healthz`);
      expect(response.headers.get('x-request-id')).not.toBeNull();
      expect(readFileSync(path, 'utf8')).toContain('"msg":"GET /healthz 200"');
    } finally {
      await server.close();
      log.close();
    }
  });
});
