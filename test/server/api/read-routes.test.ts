import { Value } from '@sinclair/typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import type { Signal } from '../../../src/core/events.js';
import { MICROS_PER_SECOND } from '../../../src/core/time.js';
import { esTick, intent, T0 } from '../../execution/execution-helpers.js';
import { startApiEngine, type ApiEngine, type Json } from './api-engine.js';

let api: ApiEngine | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

/** The route's declared schema for a status; fails the test when the route declares none. */
function schemaOf(running: ApiEngine, method: string, path: string, status: number) {
  const route = running.engine.api?.routes.find((r) => r.method === method && r.path === path);
  const spec = route?.responses[status];
  if (!spec) throw new Error(`${method} ${path} declares no ${String(status)} response`);
  return spec.schema;
}

function expectMatches(running: ApiEngine, path: string, status: number, body: unknown): void {
  const schema = schemaOf(running, 'get', path, status);
  expect(
    [...Value.Errors(schema, body)].map((e) => `${e.path}: ${e.message}`),
    path,
  ).toEqual([]);
}

const signal = (ts: number): Signal => ({
  source: 'default.enigma',
  symbol: 'ES 12-26',
  ts,
  direction: 'long',
  strength: 'strong',
  power: 3.5,
  confluence: 3,
  price: 6000,
  stop: 5997,
  targets: [6006, 6010],
});

describe('the API read routes', () => {
  it('answers every read with a body matching its schema, from a real trading engine and its store', async () => {
    api = await startApiEngine();
    const { engine, clock } = api;
    // One round trip (buy at the ask 6000.25, sell at the bid 6009.75), one working limit order.
    engine.bus.publish(TOPICS.ticks, esTick(T0, 6000));
    engine.bus.publish(TOPICS.signals, signal(T0));
    engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 1 }));
    clock.advanceTo(T0 + 60 * MICROS_PER_SECOND);
    engine.bus.publish(TOPICS.ticks, esTick(T0 + 60 * MICROS_PER_SECOND, 6010));
    engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 1, side: 'sell', ts: clock.now() }));
    engine.bus.publish(TOPICS.orderIntents, intent({ type: 'limit', limitPrice: 5950, ts: clock.now() }));
    engine.bus.publish(TOPICS.alerts, {
      ts: clock.now(),
      severity: 'warning',
      code: 'TEST_ALERT',
      message: 'hello',
    });
    await engine.store?.flush();

    const reads = ['/status', '/accounts', '/accounts/SIM-50K', '/positions', '/orders', '/proposals'];
    const recent = ['/fills', '/signals', '/decisions', '/alerts'];
    const bodies = new Map<string, Json>();
    for (const path of [...reads, ...recent, '/report']) {
      const query = path === '/report' ? '?period=day&date=2026-11-24' : '';
      const { status, body } = await api.call('GET', `${path}${query}`, api.tokens.viewer);
      expect(status, path).toBe(200);
      expectMatches(api, path === '/accounts/SIM-50K' ? '/accounts/{id}' : path, 200, body);
      bodies.set(path, body);
    }

    const account = bodies.get('/accounts/SIM-50K');
    expect(account).toMatchObject({
      id: 'SIM-50K',
      state: 'ACTIVE',
      mode: 'auto',
      profile: 'apex-50k-evaluation',
    });
    // Apex 50K: the trailing threshold starts $2,500 under the balance; room = equity − threshold.
    expect(account.drawdownRoom).toBeCloseTo(account.equity - account.threshold, 6);
    expect(bodies.get('/accounts').items).toEqual([account]);
    expect(bodies.get('/positions').items).toEqual([]);
    expect(bodies.get('/orders').items).toMatchObject([{ side: 'buy', type: 'limit', limitPrice: 5950 }]);
    expect(bodies.get('/fills').items).toHaveLength(2);
    expect(bodies.get('/fills').items[0]).toMatchObject({ side: 'sell', price: 6009.75 }); // newest first
    expect(bodies.get('/signals').items).toMatchObject([{ source: 'default.enigma', targets: [6006, 6010] }]);
    expect(bodies.get('/decisions').items.map((d: Json) => d.outcome)).toEqual([
      'approved',
      'approved',
      'approved',
    ]);
    expect(bodies.get('/alerts').items).toContainEqual(expect.objectContaining({ code: 'TEST_ALERT' }));
    // Closed form: (6009.75 − 6000.25) points × $50 − 2 sides × $2 commission = $471.
    const report = bodies.get('/report');
    expect(report.total).toMatchObject({ trades: 1, wins: 1, netPnl: 471, grossPnl: 475, commission: 4 });
    expect(report.accounts).toMatchObject([{ account: 'SIM-50K', figures: { trades: 1, netPnl: 471 } }]);
    const status = bodies.get('/status');
    expect(status).toMatchObject({ mode: 'live', trading: true, gateway: { connections: 0, sessions: [] } });
    expect(status.store.rowsCommitted).toBeGreaterThan(0);
  });

  it('keeps `limit` and `since` on recent history', async () => {
    api = await startApiEngine();
    for (let i = 0; i < 5; i++) api.engine.bus.publish(TOPICS.signals, signal(T0 + i * MICROS_PER_SECOND));
    await api.engine.store?.flush();
    const limited = await api.call('GET', '/signals?limit=2', api.tokens.viewer);
    expect(limited.body.items.map((s: Json) => s.ts)).toEqual([
      T0 + 4 * MICROS_PER_SECOND,
      T0 + 3 * MICROS_PER_SECOND,
    ]);
    const since = await api.call(
      'GET',
      `/signals?since=${String(T0 + 3 * MICROS_PER_SECOND)}`,
      api.tokens.viewer,
    );
    expect(since.body.items).toHaveLength(2);
  });

  it('answers 404 for an unknown account and 503 for history when the engine keeps none', async () => {
    api = await startApiEngine(undefined, { store: false });
    const missing = await api.call('GET', '/accounts/NOPE', api.tokens.viewer);
    expect(missing).toEqual({
      status: 404,
      body: { error: { code: 'API_NOT_FOUND', message: "no account 'NOPE'" } },
    });
    const fills = await api.call('GET', '/fills', api.tokens.viewer);
    expect(fills.status).toBe(503);
    expect(fills.body.error.code).toBe('API_NO_STORE');
    expect((await api.call('GET', '/report?period=week', api.tokens.viewer)).status).toBe(503);
    expect((await api.call('GET', '/nothing/here', api.tokens.viewer)).body.error.code).toBe('API_NOT_FOUND');
    // Outside the API the server's own pages are untouched.
    const outside = await fetch(`${api.engine.gateway?.url ?? ''}/nothing`);
    expect(outside.status).toBe(404);
    expect(await outside.text()).toBe('404 Not Found');
    expect(await (await fetch(`${api.engine.gateway?.url ?? ''}/healthz`)).json()).toEqual({ status: 'ok' });
  });
});
