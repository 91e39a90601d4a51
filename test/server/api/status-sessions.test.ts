import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import { GatewayClient } from '../../../src/gateway/client.js';
import { MICROS_PER_SECOND } from '../../../src/core/time.js';
import { T0 } from '../../execution/execution-helpers.js';
import { startTestEngine, type TestEngine } from '../../gateway/harness.js';
import { startApiEngine, type ApiEngine, type Json } from './api-engine.js';

let api: ApiEngine | undefined;
let edge: TestEngine | undefined;
const clients: GatewayClient[] = [];

afterEach(async () => {
  for (const client of clients.splice(0)) await client.close();
  await api?.close();
  await edge?.close();
  api = undefined;
  edge = undefined;
});

/** The gateway's `ws://` URL of an engine whose HTTP server answers at `http://…`. */
const gatewayUrl = (api: ApiEngine): string =>
  `${api.url.replace(/^http/, 'ws').replace(/\/api\/v1$/, '')}/v1/stream`;

describe('GET /status: connected AddOn sessions', () => {
  it('lists a connected AddOn with its accounts and the time of its last heartbeat, and drops it once it leaves', async () => {
    api = await startApiEngine();
    // The engine's own registry: a token made elsewhere would be seen only at its next refresh.
    const registry = api.engine.tokens;
    if (!registry) throw new Error('the engine listens, so it has a token registry');
    const addonToken = registry.create('ninjatrader', 'addon').token;
    const client = new GatewayClient({ url: gatewayUrl(api), token: addonToken, accounts: ['SIM-50K'] });
    clients.push(client);
    const connected = new Promise<void>((resolve) => {
      const subscription = api?.engine.bus.observe(TOPICS.ninjatraderSessions).subscribe((event) => {
        if (event.kind !== 'connected') return;
        subscription?.unsubscribe();
        resolve();
      });
    });
    await client.connect();
    await connected;
    // The engine's clock moves on, so the heartbeat's time is the ping's, not the connection's.
    api.clock.advanceTo(T0 + 7 * MICROS_PER_SECOND);
    await client.ping();
    const status = await api.call('GET', '/status', api.tokens.viewer);
    expect(status.status).toBe(200);
    expect(status.body.gateway).toMatchObject({ connections: 1, heartbeatMs: 5000 });
    const sessions: Json[] = status.body.gateway.sessions;
    expect(sessions).toHaveLength(1);
    expect(sessions[0]).toMatchObject({
      accounts: ['SIM-50K'],
      connectedTs: T0,
      lastHeartbeatTs: T0 + 7 * MICROS_PER_SECOND,
    });
    await client.close();
    const after = await api.call('GET', '/status', api.tokens.viewer);
    expect(after.body.gateway.sessions).toEqual([]);
  });
});

describe('gateway.connectedSessions', () => {
  it('records the answer to its WebSocket ping as the heartbeat', async () => {
    edge = await startTestEngine({ heartbeatMs: 50 });
    const gateway = edge.gateway;
    const client = new GatewayClient({
      url: edge.streamUrl,
      token: 'test-token-not-a-secret',
      accounts: ['A-1'],
    });
    clients.push(client);
    await client.connect();
    const [fresh] = gateway.connectedSessions();
    expect(fresh).toMatchObject({ accounts: ['A-1'] });
    const before = Date.now() * 1000;
    // The ws client answers pings by itself: wait for the pong of a beat sent after `before`.
    const beat = await new Promise<number>((resolve) => {
      const poll = setInterval(() => {
        const heard = gateway.connectedSessions()[0]?.lastHeartbeatTs;
        if (heard !== undefined && heard >= before) {
          clearInterval(poll);
          resolve(heard);
        }
      }, 10);
    });
    expect(beat).toBeLessThanOrEqual(Date.now() * 1000);
  });
});
