import type { Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import { STREAM_CLOSE_CODES } from '../../../src/server/stream/index.js';
import { esTick, intent, T0 } from '../../execution/execution-helpers.js';
import { startStreamRig, TestClient, TOKENS, type StreamRig } from './stream-harness.js';

const PADDING = 'x'.repeat(1000);

describe('the live stream: a client that stops reading', () => {
  let rig: StreamRig;
  afterEach(async () => rig.close());

  it('is coalesced, then closed with 4504, while a healthy client keeps receiving and the engine keeps trading', async () => {
    rig = await startStreamRig({
      flushIntervalMs: 20,
      maxQueuedPerTopic: 200,
      maxBufferedBytes: 256 * 1024,
      slowConsumerMs: 500,
    });
    const healthy = await TestClient.signedIn(rig.url, TOKENS.viewer);
    const slow = await TestClient.signedIn(rig.url, TOKENS.viewer);
    for (const client of [healthy, slow]) {
      client.send({ type: 'subscribe', topics: ['alerts', 'fills', 'orders'] });
      await client.next((m) => m.type === 'snapshot' && m.topic === 'orders');
    }
    // The slow client stops reading its socket: the kernel's buffers fill, then the stream's.
    const slowSocket = (slow.socket as unknown as { _socket: Socket })._socket;
    slowSocket.pause();

    // A burst of alerts (a few MB a second) until the slow client is closed; bounded in time.
    let sent = 0;
    const deadline = performance.now() + 30_000;
    while (rig.stream.stats().slowConsumersClosed === 0 && performance.now() < deadline) {
      for (let i = 0; i < 50; i++)
        rig.engine.bus.publish(TOPICS.alerts, {
          ts: T0,
          severity: 'info',
          code: 'BURST',
          message: `${String(sent++)} ${PADDING}`,
        });
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    // It was sent close 4504 behind what its buffers hold, and cut off a second later if it still
    // had not read that far: reading again, it finds one or the other.
    slowSocket.resume();
    const closed = await slow.closed;
    expect([STREAM_CLOSE_CODES.STREAM_SLOW_CONSUMER, 1006]).toContain(closed.code);
    const stats = rig.stream.stats();
    expect(stats.slowConsumersClosed).toBe(1);
    // What the slow client could not take was dropped (counted), not held without bound.
    expect(stats.dropped).toBeGreaterThan(0);

    // The healthy client is still connected and receives what follows, including a new trade.
    const from = healthy.messages.length;
    rig.engine.bus.publish(TOPICS.alerts, { ts: T0, severity: 'warning', code: 'AFTER', message: 'after' });
    rig.engine.bus.publish(TOPICS.ticks, esTick(T0, 6000));
    rig.engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 1 }));
    const fill = await healthy.next((m) => m.type === 'update' && m.topic === 'fills', from);
    expect(fill.items?.[0]?.data).toMatchObject({ account: 'SIM-50K', quantity: 1 });
    await healthy.next(
      (m) =>
        m.type === 'update' &&
        m.topic === 'alerts' &&
        m.items?.some((item) => item.data['code'] === 'AFTER') === true,
      from,
    );
    expect(rig.engine.trading?.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(1);
    const received = healthy.items('alerts').filter((item) => item.data['code'] === 'BURST');
    expect(received.length).toBeGreaterThan(0);
    expect(rig.stream.stats().connections).toBe(1);
  });
});
