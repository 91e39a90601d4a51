import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import type { Bar } from '../../../src/core/events.js';
import { STREAM_CLOSE_CODES } from '../../../src/server/stream/index.js';
import { esTick, intent, T0 } from '../../execution/execution-helpers.js';
import { startStreamRig, TestClient, TOKENS, type StreamRig } from './stream-harness.js';

function bar(symbol: string, close: number): Bar {
  return {
    symbol,
    ts: T0,
    end: T0 + 60_000_000,
    open: close,
    high: close,
    low: close,
    close,
    volume: 10,
    buyVolume: 5,
    sellVolume: 5,
    trades: 3,
  };
}

describe('the live stream: subscriptions', () => {
  let rig: StreamRig;
  afterEach(async () => rig.close());

  it('sends a snapshot of each topic first, then the fills, orders and decisions of a real trade', async () => {
    rig = await startStreamRig();
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    expect(client.messages[0]).toMatchObject({
      type: 'welcome',
      name: 'viewer-test',
      role: 'viewer',
      protocol: 1,
    });
    const from = client.messages.length;
    client.send({ type: 'subscribe', topics: ['accounts', 'orders', 'fills', 'decisions'] });
    await client.next((m) => m.type === 'subscribed', from);
    const accounts = await client.next((m) => m.type === 'snapshot' && m.topic === 'accounts', from);
    // The snapshot is what GET /api/v1/accounts answers.
    expect(accounts.data).toEqual([
      expect.objectContaining({ id: 'SIM-50K', state: 'ACTIVE', equity: 50_000 }),
    ]);
    // The fills snapshot is a promise (as the store's reads are): it still comes before any fill.
    await client.next((m) => m.type === 'snapshot' && m.topic === 'fills', from);

    rig.engine.bus.publish(TOPICS.ticks, esTick(T0, 6000));
    rig.engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 2 }));
    await client.next((m) => m.type === 'update' && m.topic === 'fills', from);
    await client.next((m) => m.type === 'update' && m.topic === 'decisions', from);
    await client.next((m) => m.type === 'update' && m.topic === 'accounts', from);

    const fills = client.items('fills');
    expect(fills.map((item) => [item.kind, item.data['account'], item.data['quantity']])).toEqual([
      ['fill', 'SIM-50K', 2],
    ]);
    expect(client.items('decisions').map((item) => item.data['outcome'])).toEqual(['approved']);
    // Orders coalesce to the latest state per order: a client that reads once sees it filled.
    await client.next((m) => m.type === 'update' && m.topic === 'orders', from);
    const orders = client.items('orders');
    expect(orders.at(-1)?.data).toMatchObject({ account: 'SIM-50K', status: 'filled', filledQuantity: 2 });
    expect(client.items('accounts').map((item) => item.kind)).toContain('position');
    const types = client.messages.slice(from).map((m) => `${m.type}:${m.topic ?? ''}`);
    expect(types.indexOf('snapshot:fills')).toBeLessThan(types.indexOf('update:fills'));
    expect(types.indexOf('snapshot:orders')).toBeLessThan(types.indexOf('update:orders'));
  });

  it('sends the bars of only the instruments subscribed to', async () => {
    rig = await startStreamRig();
    const client = await TestClient.signedIn(rig.url, TOKENS.trader);
    client.send({ type: 'subscribe', topics: ['bars:ES 12-26'] });
    await client.next((m) => m.type === 'snapshot' && m.topic === 'bars:ES 12-26');
    rig.engine.bus.publish(TOPICS.bars, bar('NQ 12-26', 21_000));
    rig.engine.bus.publish(TOPICS.bars, bar('ES 12-26', 6000));
    await client.next((m) => m.type === 'update');
    expect(client.messages.filter((m) => m.type === 'update').map((m) => m.topic)).toEqual(['bars:ES 12-26']);
    expect(client.items('bars:ES 12-26').map((item) => item.data['close'])).toEqual([6000]);
  });

  it('sends status once a second from its snapshot', async () => {
    rig = await startStreamRig({ statusIntervalMs: 100 });
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    client.send({ type: 'subscribe', topics: ['status'] });
    await client.next((m) => m.type === 'snapshot' && m.topic === 'status');
    const update = await client.next((m) => m.type === 'update' && m.topic === 'status');
    expect(update.items).toEqual([
      {
        kind: 'status',
        data: expect.objectContaining({ ts: T0, mode: 'live', trading: true, pipelines: [] }),
      },
    ]);
  });

  it('answers an unknown topic with an error listing the valid ones, and subscribes nothing', async () => {
    rig = await startStreamRig();
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    client.send({ type: 'subscribe', topics: ['fills', 'positions', 'bars:'] });
    const error = await client.next((m) => m.type === 'error');
    expect(error).toMatchObject({
      code: 'STREAM_UNKNOWN_TOPIC',
      topics: ['positions', 'bars:'],
      valid: ['status', 'accounts', 'orders', 'fills', 'signals', 'decisions', 'alerts', 'bars:<symbol>'],
    });
    client.send({ type: 'subscribe', topics: ['alerts'] });
    const subscribed = await client.next((m) => m.type === 'subscribed');
    expect(subscribed['topics']).toEqual(['alerts']);
  });

  it('answers malformed messages with an error and keeps the connection', async () => {
    rig = await startStreamRig();
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    client.send('not json');
    client.send({ type: 'subscribe', topics: 'fills' });
    client.send({ type: 'dance' });
    await client.next((m) => m.type === 'error' && String(m['message']).startsWith('unknown message type'));
    expect(client.messages.filter((m) => m.type === 'error').map((m) => m.code)).toEqual([
      'STREAM_BAD_MESSAGE',
      'STREAM_BAD_MESSAGE',
      'STREAM_BAD_MESSAGE',
    ]);
    client.send({ type: 'subscribe', topics: ['signals'] });
    await client.next((m) => m.type === 'subscribed');
  });

  it('unsubscribes: no more updates of that topic', async () => {
    rig = await startStreamRig();
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    client.send({ type: 'subscribe', topics: ['alerts', 'signals'] });
    await client.next((m) => m.type === 'snapshot' && m.topic === 'signals');
    client.send({ type: 'unsubscribe', topics: ['alerts'] });
    const from = client.messages.length;
    await client.next((m) => m.type === 'subscribed', from);
    rig.engine.bus.publish(TOPICS.alerts, { ts: T0, severity: 'info', code: 'TEST', message: 'unseen' });
    rig.engine.bus.publish(TOPICS.signals, {
      source: 'test',
      symbol: 'ES 12-26',
      ts: T0,
      direction: 'long',
      strength: 'normal',
      power: 1,
      confluence: 2,
      price: 6000,
    });
    await client.next((m) => m.type === 'update' && m.topic === 'signals', from);
    expect(client.items('alerts')).toEqual([]);
  });

  it('holds the updates of a topic until its snapshot, however late the snapshot comes', async () => {
    let release: (fills: unknown[]) => void = () => undefined;
    const late = new Promise<unknown[]>((resolve) => (release = resolve));
    rig = await startStreamRig({ snapshots: (topic) => (topic === 'fills' ? late : null) });
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    client.send({ type: 'subscribe', topics: ['fills', 'orders'] });
    await client.next((m) => m.type === 'snapshot' && m.topic === 'orders');
    rig.engine.bus.publish(TOPICS.ticks, esTick(T0, 6000));
    rig.engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 1 }));
    // The orders' updates flow; the fills' wait for their snapshot.
    await client.next((m) => m.type === 'update' && m.topic === 'orders');
    expect(client.messages.filter((m) => m.topic === 'fills')).toEqual([]);
    release([{ fillId: 'earlier' }]);
    await client.next((m) => m.type === 'update' && m.topic === 'fills');
    const fills = client.messages.filter((m) => m.topic === 'fills');
    expect(fills.map((m) => m.type)).toEqual(['snapshot', 'update']);
    expect(fills[0]?.data).toEqual([{ fillId: 'earlier' }]);
    expect(fills[1]?.items?.map((item) => item.data['quantity'])).toEqual([1]);
  });

  it('closes every client with 1001 when the stream stops', async () => {
    rig = await startStreamRig();
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    await rig.stream.close();
    expect(await client.closed).toEqual({
      code: STREAM_CLOSE_CODES.STREAM_SHUTTING_DOWN,
      reason: 'STREAM_SHUTTING_DOWN',
    });
  });
});
