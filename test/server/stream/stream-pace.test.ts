import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import { T0 } from '../../execution/execution-helpers.js';
import { numberedSignal, startStreamRig, TestClient, TOKENS, type StreamRig } from './stream-harness.js';

const numbers = (client: TestClient, topic: string): number[] =>
  client.items(topic).map((item) => (item.data['metadata'] as { n: number }).n);

/** Publishes `count` signals 10 ms apart and waits until the client has received them all. */
async function trickle(rig: StreamRig, client: TestClient, count: number): Promise<void> {
  const from = client.messages.length;
  for (let n = 0; n < count; n++) {
    rig.engine.bus.publish(TOPICS.signals, numberedSignal(n));
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await client.next(() => numbers(client, 'signals').length === count, from);
}

/** No two updates closer than the pace (less 5 ms for timer rounding). */
function expectPaced(arrivals: readonly number[], everyMs: number): void {
  for (let i = 1; i < arrivals.length; i++)
    expect((arrivals[i] as number) - (arrivals[i - 1] as number)).toBeGreaterThanOrEqual(everyMs - 5);
}

/** When each `update` reached the client (performance.now ms), from now on. */
function updateArrivals(client: TestClient): number[] {
  const arrivals: number[] = [];
  client.socket.on('message', (data: Buffer) => {
    if (data.toString().startsWith('{"type":"update"')) arrivals.push(performance.now());
  });
  return arrivals;
}

describe('the live stream: a client bounds what it is sent', () => {
  let rig: StreamRig;
  afterEach(async () => rig.close());

  it('sends only the newest N of an event topic between two updates, and counts the rest for the client, not as slowness', async () => {
    rig = await startStreamRig({ flushIntervalMs: 100 });
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    client.send({ type: 'subscribe', topics: ['signals'], newest: 5 });
    client.send({ type: 'subscribe', topics: ['alerts'] });
    await client.next((m) => m.type === 'snapshot' && m.topic === 'alerts');
    const from = client.messages.length;

    // 40 signals and 8 alerts in one go: all wait for the same flush.
    for (let n = 0; n < 40; n++) rig.engine.bus.publish(TOPICS.signals, numberedSignal(n));
    for (let n = 0; n < 8; n++)
      rig.engine.bus.publish(TOPICS.alerts, {
        ts: T0 + n,
        severity: 'info',
        code: 'PACE',
        message: String(n),
      });
    await client.next(() => client.items('alerts').length === 8, from);
    await client.next((m) => m.type === 'update' && m.topic === 'signals', from);

    // The newest five, in order; the 35 older ones are counted in the update's `dropped`.
    expect(numbers(client, 'signals')).toEqual([35, 36, 37, 38, 39]);
    const update = client.messages.slice(from).find((m) => m.type === 'update' && m.topic === 'signals');
    expect(update?.dropped).toBe(35);
    // A topic subscribed without `newest` keeps the stream's own bound: every alert came.
    expect(client.items('alerts').map((item) => item.data['message'])).toEqual(
      Array.from({ length: 8 }, (_, n) => String(n)),
    );
    // The client asked for five: the engine does not count the rest as lost to a slow reader.
    expect(rig.stream.stats().dropped).toBe(0);
  });

  it('refuses `newest` on a state topic, or out of range, and subscribes nothing', async () => {
    rig = await startStreamRig();
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    const refusals: [unknown, RegExp][] = [
      [{ type: 'subscribe', topics: ['signals', 'accounts'], newest: 5 }, /'accounts' keep the latest state/],
      [{ type: 'subscribe', topics: ['signals'], newest: 0 }, /whole number from 1 to 1000/],
      [{ type: 'subscribe', topics: ['signals'], newest: 1001 }, /whole number from 1 to 1000/],
      [{ type: 'subscribe', topics: ['signals'], newest: 2.5 }, /whole number/],
      [{ type: 'subscribe', topics: ['signals'], newest: '5' }, /whole number/],
    ];
    for (const [message, reason] of refusals) {
      const from = client.messages.length;
      client.send(message);
      const error = await client.next((m) => m.type === 'error', from);
      expect(error.code).toBe('STREAM_BAD_MESSAGE');
      expect(String(error['message'])).toMatch(reason);
    }
    // Nothing was subscribed: the next subscription answers with its own topic only.
    const from = client.messages.length;
    client.send({ type: 'subscribe', topics: ['fills'] });
    expect((await client.next((m) => m.type === 'subscribed', from))['topics']).toEqual(['fills']);
  });

  it('sends a paced client its updates at most every everyMs, coalesced, and says so', async () => {
    rig = await startStreamRig({ flushIntervalMs: 20 });
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    const arrivals = updateArrivals(client);
    client.send({ type: 'pace', everyMs: 300 });
    expect(await client.next((m) => m.type === 'paced')).toMatchObject({ everyMs: 300 });
    client.send({ type: 'subscribe', topics: ['signals'] });
    await client.next((m) => m.type === 'snapshot' && m.topic === 'signals');

    // A signal every 10 ms for 1.2 s: unpaced, that is an update every 20 ms.
    await trickle(rig, client, 120);

    // Every signal came, once and in order, in updates at least 300 ms apart.
    expect(numbers(client, 'signals')).toEqual(Array.from({ length: 120 }, (_, n) => n));
    expect(arrivals.length).toBeGreaterThanOrEqual(3);
    expectPaced(arrivals, 300);
  });

  it('refuses a pace out of range and keeps the one it had', async () => {
    rig = await startStreamRig({ flushIntervalMs: 20 });
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    const arrivals = updateArrivals(client);
    client.send({ type: 'pace', everyMs: 300 });
    await client.next((m) => m.type === 'paced');
    for (const everyMs of [10, 20_000, '250', undefined]) {
      const from = client.messages.length;
      client.send({ type: 'pace', everyMs });
      const error = await client.next((m) => m.type === 'error', from);
      expect(error.code).toBe('STREAM_BAD_MESSAGE');
      expect(String(error['message'])).toMatch(/from 50 to 10000/);
    }
    expect(client.messages.filter((m) => m.type === 'paced')).toHaveLength(1);
    client.send({ type: 'subscribe', topics: ['signals'] });
    await client.next((m) => m.type === 'snapshot' && m.topic === 'signals');
    await trickle(rig, client, 60);
    // Still paced at 300 ms: the refused paces changed nothing.
    expect(arrivals.length).toBeGreaterThanOrEqual(2);
    expectPaced(arrivals, 300);
  });
});
