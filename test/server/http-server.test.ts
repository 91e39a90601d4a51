import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createEngineApp, parseListenAddress, startHttpServer } from '../../src/server/http-server.js';

describe('engine HTTP server', () => {
  it('binds 127.0.0.1 on a free port by default and answers /healthz', async () => {
    const server = await startHttpServer();
    try {
      expect(server.host).toBe('127.0.0.1');
      expect(server.port).toBeGreaterThan(0);
      expect(server.url).toBe(`http://127.0.0.1:${String(server.port)}`);
      const response = await fetch(`${server.url}/healthz`);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ status: 'ok' });
    } finally {
      await server.close();
    }
  });

  it('serves the routes of the app it is given', async () => {
    const app = createEngineApp();
    app.get('/v1/version', (c) => c.json({ version: 'test' }));
    const server = await startHttpServer({ app });
    try {
      expect(await (await fetch(`${server.url}/v1/version`)).json()).toEqual({ version: 'test' });
      expect((await fetch(`${server.url}/nothing`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('closes with keep-alive connections still open', async () => {
    const server = await startHttpServer({ app: new Hono().get('/', (c) => c.text('hi')) });
    await fetch(server.url, { headers: { connection: 'keep-alive' } });
    await server.close();
    await expect(fetch(server.url)).rejects.toThrow();
  });

  it('parses --listen addresses', () => {
    expect(parseListenAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseListenAddress(':8080')).toEqual({ host: '127.0.0.1', port: 8080 });
    expect(parseListenAddress('[::1]:9000')).toEqual({ host: '::1', port: 9000 });
    expect(() => parseListenAddress('localhost')).toThrow(/host:port/);
    expect(() => parseListenAddress('127.0.0.1:70000')).toThrow(/host:port/);
  });
});
