import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import { T0 } from '../../execution/execution-helpers.js';
import { numberedSignal, startStreamRig, TestClient, TOKENS, type StreamRig } from './stream-harness.js';

describe('the live stream: a large update is sent in slices', () => {
  let rig: StreamRig;
  afterEach(async () => rig.close());

  it('splits what waits into updates of at most maxItemsPerSlice items, in order, none lost', async () => {
    rig = await startStreamRig({ flushIntervalMs: 20, maxItemsPerSlice: 10 });
    const client = await TestClient.signedIn(rig.url, TOKENS.viewer);
    client.send({ type: 'subscribe', topics: ['alerts', 'signals'] });
    await client.next((m) => m.type === 'snapshot' && m.topic === 'signals');
    const from = client.messages.length;

    // 35 alerts and 12 signals in one go: all wait for the same flush.
    for (let n = 0; n < 35; n++)
      rig.engine.bus.publish(TOPICS.alerts, {
        ts: T0 + n,
        severity: 'info',
        code: 'SLICE',
        message: String(n),
      });
    for (let n = 0; n < 12; n++) rig.engine.bus.publish(TOPICS.signals, numberedSignal(n));
    const received = (topic: string) => client.items(topic).length;
    await client.next(() => received('alerts') === 35 && received('signals') === 12, from);

    const updates = client.messages.slice(from).filter((m) => m.type === 'update');
    for (const update of updates) expect(update.items?.length).toBeLessThanOrEqual(10);
    // More than one slice was needed, and together they carry every item once, in order.
    expect(updates.length).toBeGreaterThanOrEqual(5);
    expect(client.items('alerts').map((item) => item.data['message'])).toEqual(
      Array.from({ length: 35 }, (_, n) => String(n)),
    );
    expect(client.items('signals').map((item) => (item.data['metadata'] as { n: number }).n)).toEqual(
      Array.from({ length: 12 }, (_, n) => n),
    );
    expect(updates.every((update) => update.dropped === 0)).toBe(true);
    expect(rig.stream.stats().dropped).toBe(0);
  });
});
