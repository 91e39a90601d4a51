import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import { MICROS_PER_SECOND } from '../../../src/core/time.js';
import { MAX_BODY_BYTES, type AnyApiRoute } from '../../../src/server/api/index.js';
import { esTick, intent, T0 } from '../../execution/execution-helpers.js';
import { startApiEngine, type ApiEngine, type Json } from './api-engine.js';

let api: ApiEngine | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const ACCOUNT = 'SIM-50K';
const ES = 'ES 12-26';

describe('the API act routes', () => {
  it('refuses every state-changing route without a token, with a wrong one or below its role, and records who tried', async () => {
    api = await startApiEngine();
    const routes = (api.engine.api?.routes ?? []).filter((route) => route.changesState);
    expect(routes.map((route) => route.operationId).sort()).toEqual(
      [
        'cancelOrder',
        'confirmProposal',
        'flattenAccount',
        'haltAccount',
        'haltAll',
        'rejectProposal',
        'resumeAccount',
        'resumeAll',
        'setAccountMode',
        'startPipeline',
        'stopPipeline',
        'reloadPipeline',
      ].sort(),
    );
    await checkRoleTable(
      api,
      routes.filter((route) => !isPipelineRoute(route)),
    );
  });

  // A fresh engine (a fresh failed-auth allowance): one wrong token per route is more than the burst of one address.
  it('refuses every pipeline route without a token, with a wrong one or below its role, and records who tried', async () => {
    api = await startApiEngine();
    const routes = (api.engine.api?.routes ?? []).filter(
      (route) => route.changesState && isPipelineRoute(route),
    );
    expect(routes).toHaveLength(3);
    await checkRoleTable(api, routes);
  });

  it('halts one account through the API (flat, no working orders, HALTED) and resumes it, recording who did it', async () => {
    api = await startApiEngine();
    const { engine } = api;
    engine.bus.publish(TOPICS.ticks, esTick(T0, 6000));
    engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 2 }));
    engine.bus.publish(TOPICS.orderIntents, intent({ type: 'limit', limitPrice: 5950 }));
    expect(engine.trading?.paper.position(ACCOUNT, ES).quantity).toBe(2);

    const halted = await api.call('POST', `/accounts/${ACCOUNT}/halt`, api.tokens.admin, { reason: 'news' });
    expect(halted.status).toBe(200);
    expect(halted.body).toMatchObject({ ok: true, accounts: [ACCOUNT] });
    await vi.waitFor(() => expect(engine.trading?.paper.position(ACCOUNT, ES).quantity).toBe(0));
    expect(engine.trading?.riskState(ACCOUNT)?.state).toBe('HALTED');
    expect(engine.trading?.paper.workingOrders(ACCOUNT)).toEqual([]);
    const account = (await api.call('GET', `/accounts/${ACCOUNT}`, api.tokens.viewer)).body;
    expect(account).toMatchObject({
      state: 'HALTED',
      halt: { kind: 'manual', reason: 'news', by: 'admin-bot' },
    });

    const resumed = await api.call('POST', `/accounts/${ACCOUNT}/resume`, api.tokens.admin);
    expect(resumed).toMatchObject({ status: 200, body: { ok: true } });
    expect(engine.trading?.riskState(ACCOUNT)?.state).toBe('ACTIVE');
    expect(api.audit).toMatchObject([
      { principal: 'admin-bot', action: 'halt', target: ACCOUNT, outcome: 'ok' },
      { principal: 'admin-bot', action: 'resume', target: ACCOUNT, outcome: 'ok' },
    ]);

    // Every account at once.
    expect((await api.call('POST', '/accounts/halt', api.tokens.admin)).status).toBe(200);
    expect(engine.trading?.riskState(ACCOUNT)?.state).toBe('HALTED');
    expect((await api.call('POST', '/accounts/resume', api.tokens.admin)).status).toBe(200);
    expect(api.audit.slice(2)).toMatchObject([
      { action: 'halt', target: '*', outcome: 'ok' },
      { action: 'resume', target: '*', outcome: 'ok' },
    ]);
    expect(engine.trading?.riskState(ACCOUNT)?.state).toBe('ACTIVE');
  });

  it('sets confirm mode, lists the proposals, confirms one (it fills) and rejects the other', async () => {
    api = await startApiEngine();
    const { engine, clock } = api;
    const mode = await api.call('PUT', `/accounts/${ACCOUNT}/mode`, api.tokens.trader, { mode: 'confirm' });
    expect(mode).toMatchObject({ status: 200, body: { ok: true } });
    engine.bus.publish(TOPICS.ticks, esTick(T0, 6000));
    const first = intent({ quantity: 1 });
    const second = intent({ quantity: 1, side: 'sell', type: 'limit', limitPrice: 6010 });
    engine.bus.publish(TOPICS.orderIntents, first);
    engine.bus.publish(TOPICS.orderIntents, second);
    expect(engine.trading?.paper.position(ACCOUNT, ES).quantity).toBe(0);
    const listed = await api.call('GET', '/proposals', api.tokens.viewer);
    expect(listed.body.items.map((proposal: Json) => proposal.id)).toEqual([first.id, second.id]);

    expect((await api.call('POST', `/proposals/${first.id}/confirm`, api.tokens.trader)).status).toBe(200);
    expect(engine.trading?.paper.position(ACCOUNT, ES).quantity).toBe(1);
    expect((await api.call('POST', `/proposals/${second.id}/reject`, api.tokens.trader)).status).toBe(200);
    expect((await api.call('GET', '/proposals', api.tokens.viewer)).body.items).toEqual([]);
    expect((await api.call('POST', `/proposals/${second.id}/confirm`, api.tokens.trader)).status).toBe(404);

    // A proposal confirmed after it expired (2 minutes): the engine refuses, 409 with its message.
    const late = intent({ quantity: 1 });
    engine.bus.publish(TOPICS.orderIntents, late);
    clock.advanceTo(T0 + 3 * 60 * MICROS_PER_SECOND);
    const expired = await api.call('POST', `/proposals/${late.id}/confirm`, api.tokens.trader);
    expect(expired.status).toBe(409);
    expect(expired.body).toMatchObject({
      ok: false,
      message: `proposal '${late.id}' expired [RISK_UNKNOWN_PROPOSAL]`,
    });
    expect(api.audit.at(-1)).toMatchObject({
      action: 'confirm',
      target: late.id,
      outcome: 'refused',
    });
    expect(engine.trading?.paper.position(ACCOUNT, ES).quantity).toBe(1);
    await engine.store?.flush();
    const decisions = (await api.call('GET', '/decisions', api.tokens.viewer)).body.items as Json[];
    expect(decisions.filter((d) => d.by === 'trader-bot').map((d) => d.outcome)).toEqual([
      'rejected',
      'confirmed',
    ]);
    expect(decisions[0]).toMatchObject({ intentId: late.id, outcome: 'expired' });
  });

  it('cancels a working order and flattens an account at the paper broker', async () => {
    api = await startApiEngine();
    const { engine, clock } = api;
    engine.bus.publish(TOPICS.ticks, esTick(T0, 6000));
    engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 2 }));
    const resting = intent({ type: 'limit', limitPrice: 5950 });
    engine.bus.publish(TOPICS.orderIntents, resting);
    expect(engine.trading?.paper.workingOrders(ACCOUNT).map((order) => order.clientOrderId)).toEqual([
      resting.id,
    ]);

    const cancelled = await api.call('POST', `/orders/${resting.id}/cancel`, api.tokens.trader);
    expect(cancelled).toMatchObject({ status: 200, body: { ok: true, orders: [resting.id] } });
    expect(engine.trading?.paper.workingOrders(ACCOUNT)).toEqual([]);
    expect((await api.call('GET', '/orders', api.tokens.viewer)).body.items).toEqual([]);

    const flattened = await api.call('POST', `/accounts/${ACCOUNT}/flatten`, api.tokens.admin);
    expect(flattened.status).toBe(200);
    clock.advanceTo(T0 + MICROS_PER_SECOND);
    engine.bus.publish(TOPICS.ticks, esTick(T0 + MICROS_PER_SECOND, 6001));
    await vi.waitFor(() => expect(engine.trading?.paper.position(ACCOUNT, ES).quantity).toBe(0));
    expect(engine.trading?.riskState(ACCOUNT)?.state).toBe('ACTIVE');
    expect((await api.call('GET', '/positions', api.tokens.viewer)).body.items).toEqual([]);
  });

  it('refuses bad requests with 400 and every problem, and bodies over the limit with 413', async () => {
    api = await startApiEngine();
    const mode = await api.call('PUT', `/accounts/${ACCOUNT}/mode`, api.tokens.trader, {
      mode: 'yolo',
      colour: 'red',
    });
    expect(mode.status).toBe(400);
    expect(mode.body.error.code).toBe('API_INVALID_REQUEST');
    const paths = (mode.body.error.problems as Json[]).map((problem) => problem.path);
    expect(paths).toContain('/body/mode');
    expect(paths).toContain('/body/colour');
    expect(mode.body.error.problems).toContainEqual({
      path: '/body/mode',
      message: 'must be one of "auto", "confirm", "signals-only"',
    });
    expect(engine(api).trading?.risk.mode(ACCOUNT)).toBe('auto');

    const missing = await api.call('PUT', `/accounts/${ACCOUNT}/mode`, api.tokens.trader);
    expect(missing.body.error.problems).toEqual([{ path: '/body/mode', message: 'mode is required' }]);
    const notJson = await api.call('POST', '/accounts/halt', api.tokens.admin, '{"reason": ');
    expect(notJson.status).toBe(400);
    expect(notJson.body.error.problems[0].path).toBe('/body');
    const query = await api.call('GET', '/fills?limit=0&colour=red', api.tokens.viewer);
    expect(query.status).toBe(400);
    expect((query.body.error.problems as Json[]).map((problem) => problem.path).sort()).toEqual([
      '/query/colour',
      '/query/limit',
    ]);
    const badDate = await api.call('GET', '/report?period=day&date=2026-02-30', api.tokens.viewer);
    expect(badDate.body.error.problems[0].path).toBe('/query/date');
    const huge = await api.call('POST', '/accounts/halt', api.tokens.admin, {
      reason: 'x'.repeat(MAX_BODY_BYTES),
    });
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('API_BODY_TOO_LARGE');
    // Without a length (chunked), the body is cut off as it passes the limit.
    const chunked = await fetch(`${api.url}/accounts/halt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${api.tokens.admin}` },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 64; i++) controller.enqueue(new TextEncoder().encode(' '.repeat(1024)));
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    expect(chunked.status).toBe(413);
    // Nothing was halted by any of it.
    expect(engine(api).trading?.riskState(ACCOUNT)?.state).toBe('ACTIVE');
  });

  it('answers 503 to commands when the engine does not trade', async () => {
    api = await startApiEngine(undefined, { trading: false, store: false });
    const halted = await api.call('POST', '/accounts/halt', api.tokens.admin);
    expect(halted.status).toBe(503);
    expect(halted.body.error.code).toBe('API_NO_TRADING');
    expect((await api.call('GET', '/accounts', api.tokens.viewer)).body).toEqual({ items: [] });
  });
});

const engine = (running: ApiEngine) => running.engine;

const isPipelineRoute = (route: AnyApiRoute): boolean => route.path.startsWith('/pipelines');

/** Each route without a token, with a wrong one, with the AddOn's, and with each person's role. */
async function checkRoleTable(api: ApiEngine, routes: readonly AnyApiRoute[]): Promise<void> {
  const rank = { viewer: 1, trader: 2, admin: 3 } as const;
  for (const route of routes) {
    const path = route.path.replace('{id}', route.path.startsWith('/accounts') ? ACCOUNT : 'no-such-id');
    const body =
      route.operationId === 'setAccountMode'
        ? { mode: 'auto' }
        : route.operationId === 'startPipeline'
          ? { file: 'no-such-pipeline.yaml' }
          : {};
    const need = rank[route.access as keyof typeof rank];
    const name = `${route.method.toUpperCase()} ${path}`;
    expect((await api.call(route.method, path, undefined, body)).status, `${name} no token`).toBe(401);
    expect((await api.call(route.method, path, 'wrong-token-000000000', body)).status, `${name} wrong`).toBe(
      401,
    );
    expect((await api.call(route.method, path, api.tokens.addon, body)).status, `${name} addon`).toBe(403);
    for (const role of ['viewer', 'trader', 'admin'] as const) {
      api.audit.length = 0;
      const { status } = await api.call(route.method, path, api.tokens[role], body);
      if (rank[role] < need) {
        expect(status, `${name} ${role}`).toBe(403);
        expect(api.audit, `${name} ${role}`).toMatchObject([
          { principal: `${role}-bot`, outcome: 'refused' },
        ]);
      } else {
        // Allowed: the engine decided (done, refused, no such order, proposal or pipeline file), never the auth.
        const decided = route.operationId === 'startPipeline' ? [400] : [200, 404, 409];
        expect(decided, `${name} ${role}`).toContain(status);
        expect(api.audit, `${name} ${role}`).toMatchObject([
          {
            principal: `${role}-bot`,
            role,
            action: route.auditAction,
            outcome: status < 300 ? 'ok' : 'refused',
          },
        ]);
      }
    }
  }
}
