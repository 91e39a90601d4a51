import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DASHBOARD_CSP, mountDashboard } from '../../../src/server/dashboard/index.js';
import { startApiEngine, type ApiEngine } from '../api/api-engine.js';

describe('the engine serves the dashboard', () => {
  let api: ApiEngine;
  let base: string;
  beforeAll(async () => {
    api = await startApiEngine();
    base = api.url.replace(/\/api\/v1$/, '');
  });
  afterAll(async () => {
    await api.close();
  });

  it('serves index.html at / as HTML under a strict CSP, never cached', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-security-policy')).toBe(DASHBOARD_CSP);
    expect(DASHBOARD_CSP).toContain("script-src 'self'");
    expect(DASHBOARD_CSP).not.toContain('unsafe-inline');
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await response.text();
    expect(html).toContain('<div id="app"></div>');
    // No CDN: every script and stylesheet comes from this engine.
    expect(html).not.toMatch(/(src|href)="https?:/);
  });

  it('serves the hashed script and stylesheet with their content types, cached for good', async () => {
    const html = await (await fetch(`${base}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const style = /href="(\/assets\/[^"]+\.css)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    expect(style).toBeDefined();
    const js = await fetch(`${base}${script ?? ''}`);
    expect(js.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(js.headers.get('cache-control')).toContain('immutable');
    expect((await js.text()).length).toBeGreaterThan(1000);
    const css = await fetch(`${base}${style ?? ''}`);
    expect(css.headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('answers 404 for a file that is not in the bundle, and reads nothing outside it', async () => {
    expect((await fetch(`${base}/assets/nope.js`)).status).toBe(404);
    expect((await fetch(`${base}/assets/..%2F..%2Fpackage.json`)).status).toBe(404);
    expect((await fetch(`${base}/index.html/../package.json`)).status).toBe(404);
  });

  it('leaves the API, /metrics and /healthz as they were', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const status = await fetch(`${base}/api/v1/status`);
    expect(status.status).toBe(401);
    expect(status.headers.get('content-type')).toContain('application/json');
    expect((await api.call('GET', '/status', api.tokens.viewer)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    expect((await api.call('GET', '/nothing-here', api.tokens.viewer)).status).toBe(404);
  });
});

describe('without a built bundle', () => {
  it('answers / with 503 DASHBOARD_NOT_BUILT and says how to build it', async () => {
    const app = new Hono();
    mountDashboard(app, { dir: mkdtempSync(join(tmpdir(), 'enigma-no-dashboard-')) });
    const response = await app.request('/');
    expect(response.status).toBe(503);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('DASHBOARD_NOT_BUILT');
    expect(body.error.message).toContain('npm run build');
    expect((await app.request('/assets/main.js')).status).toBe(404);
  });
});
