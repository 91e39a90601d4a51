import { afterEach, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { STREAM_CLOSE_CODES } from '../../../src/server/stream/index.js';
import {
  GATEWAY_TOKEN,
  startStreamRig,
  TestClient,
  TOKENS,
  upgradeStatus,
  type StreamRig,
} from './stream-harness.js';

describe('the live stream: who may connect', () => {
  let rig: StreamRig;
  afterEach(async () => rig.close());

  it('admits every role from viewer up, authenticated by the first message', async () => {
    rig = await startStreamRig();
    for (const role of ['viewer', 'trader', 'admin'] as const) {
      const client = await TestClient.signedIn(rig.url, TOKENS[role]);
      expect(client.messages[0]).toMatchObject({ type: 'welcome', role, name: `${role}-test` });
      client.socket.close();
    }
  });

  it('admits a non-browser client by its Authorization header, without an auth message', async () => {
    rig = await startStreamRig();
    const client = await TestClient.connect(rig.url, { Authorization: `Bearer ${TOKENS.admin}` });
    await client.next((m) => m.type === 'welcome');
    client.send({ type: 'subscribe', topics: ['fills'] });
    await client.next((m) => m.type === 'snapshot');
  });

  it('closes with 4401 on a wrong token, and on a first message that is not auth', async () => {
    rig = await startStreamRig();
    const wrong = await TestClient.connect(rig.url);
    wrong.send({ type: 'auth', token: `${TOKENS.viewer}x` });
    expect(await wrong.closed).toEqual({
      code: STREAM_CLOSE_CODES.STREAM_AUTH_FAILED,
      reason: 'STREAM_AUTH_FAILED',
    });
    expect(wrong.messages).toEqual([
      { type: 'error', code: 'STREAM_AUTH_FAILED', message: 'the token is not valid' },
    ]);
    const early = await TestClient.connect(rig.url);
    early.send({ type: 'subscribe', topics: ['fills'] });
    expect((await early.closed).code).toBe(STREAM_CLOSE_CODES.STREAM_AUTH_FAILED);
    expect(early.messages.some((m) => m.type === 'snapshot')).toBe(false);
  });

  it('closes with 4403 a token whose role cannot read (the AddOn)', async () => {
    rig = await startStreamRig();
    const addon = await TestClient.connect(rig.url);
    addon.send({ type: 'auth', token: TOKENS.addon });
    expect((await addon.closed).code).toBe(STREAM_CLOSE_CODES.STREAM_FORBIDDEN);
    expect(await upgradeStatus(rig.url, { Authorization: `Bearer ${TOKENS.addon}` })).toEqual({
      status: 403,
      body: 'STREAM_FORBIDDEN',
    });
  });

  it('closes with 4408 a client that does not authenticate in time', async () => {
    rig = await startStreamRig({ authTimeoutMs: 200 });
    const silent = await TestClient.connect(rig.url);
    expect(await silent.closed).toEqual({
      code: STREAM_CLOSE_CODES.STREAM_AUTH_TIMEOUT,
      reason: 'STREAM_AUTH_TIMEOUT',
    });
  });

  it('refuses a wrong bearer header with 401 and a token in the URL with 400', async () => {
    rig = await startStreamRig();
    expect(await upgradeStatus(rig.url, { Authorization: 'Bearer nope-nope-nope-nope' })).toEqual({
      status: 401,
      body: 'STREAM_AUTH_FAILED',
    });
    expect(await upgradeStatus(`${rig.url}?token=${TOKENS.viewer}`)).toEqual({
      status: 400,
      body: 'STREAM_TOKEN_IN_URL',
    });
  });

  it('throttles an address after repeated failed authentications (429)', async () => {
    rig = await startStreamRig();
    for (let attempt = 0; attempt < 10; attempt++)
      expect((await upgradeStatus(rig.url, { Authorization: 'Bearer guess-guess-guess' })).status).toBe(401);
    expect(await upgradeStatus(rig.url, { Authorization: `Bearer ${TOKENS.viewer}` })).toEqual({
      status: 429,
      body: 'STREAM_AUTH_THROTTLED',
    });
  });

  it("refuses a browser page of another origin (403) and admits the engine's own", async () => {
    rig = await startStreamRig();
    expect(await upgradeStatus(rig.url, { Origin: 'https://evil.example' })).toEqual({
      status: 403,
      body: 'STREAM_ORIGIN_REFUSED',
    });
    expect((await upgradeStatus(rig.url, { Origin: rig.httpUrl })).status).toBe(101);
  });

  it('refuses connections past the limit with 503', async () => {
    rig = await startStreamRig({ maxConnections: 2 });
    await TestClient.connect(rig.url);
    await TestClient.connect(rig.url);
    expect(await upgradeStatus(rig.url)).toEqual({ status: 503, body: 'STREAM_UNAVAILABLE' });
  });

  it('closes a client that floods it with messages (4429), and one whose message is too large (1009)', async () => {
    rig = await startStreamRig({ maxMessagesPerSecond: 5, maxPayload: 1024 });
    const flooder = await TestClient.signedIn(rig.url, TOKENS.viewer);
    for (let i = 0; i < 20; i++) flooder.send({ type: 'subscribe', topics: ['fills'] });
    expect((await flooder.closed).code).toBe(STREAM_CLOSE_CODES.STREAM_FLOOD);
    const big = await TestClient.connect(rig.url);
    big.send({ type: 'auth', token: 'x'.repeat(2000) });
    expect((await big.closed).code).toBe(1009);
  });

  it('cuts off a client that stops answering pings', async () => {
    rig = await startStreamRig({ heartbeatMs: 100 });
    const answering = await TestClient.signedIn(rig.url, TOKENS.viewer);
    const silent = new TestClient(new WebSocket(rig.url, { autoPong: false }));
    await new Promise((resolve) => silent.socket.once('open', resolve));
    silent.send({ type: 'auth', token: TOKENS.viewer });
    expect((await silent.closed).code).toBe(1006);
    expect(answering.socket.readyState).toBe(WebSocket.OPEN);
    await vi.waitFor(() => expect(rig.stream.stats().connections).toBe(1));
  });

  it('leaves the gateway its own path and refuses any other with 404', async () => {
    rig = await startStreamRig();
    const gatewayUrl = rig.url.replace('/api/v1/stream', '/v1/stream');
    const addon = new WebSocket(gatewayUrl, { headers: { Authorization: `Bearer ${GATEWAY_TOKEN}` } });
    await new Promise<void>((resolve, reject) => {
      addon.once('open', () => resolve());
      addon.once('unexpected-response', () => reject(new Error('the gateway refused its AddOn')));
    });
    addon.close();
    expect(await upgradeStatus(rig.url.replace('/api/v1/stream', '/api/v1/nothing'))).toEqual({
      status: 404,
      body: 'GATEWAY_NOT_FOUND',
    });
  });
});
