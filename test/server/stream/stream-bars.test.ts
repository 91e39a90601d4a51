import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bar } from '../../../src/core/events.js';
import { BAR_SNAPSHOT_ROWS, STREAM_PATH } from '../../../src/server/stream/index.js';
import { startDefaultRun, type DefaultRun } from './default-run.js';
import { TestClient } from './stream-harness.js';

const ES = 'ES 12-26';
const MINUTE = 60_000_000;

describe('bars:<symbol> on the default pipeline', () => {
  let run: DefaultRun;
  beforeAll(async () => {
    run = await startDefaultRun();
  });
  afterAll(async () => {
    await run?.stop();
  });

  it('sends the bars so far as a snapshot (newest first), then each new bar as it closes', async () => {
    // The backfill's half hour has closed at least 20 bars of ES.
    await run.barsOf(ES, 20);
    const client = await TestClient.signedIn(
      `${run.url.replace('http', 'ws')}${STREAM_PATH}`,
      run.viewerToken,
    );
    const from = client.messages.length;
    client.send({ type: 'subscribe', topics: [`bars:${ES}`] });
    const snapshot = await client.next(
      (message) => message.type === 'snapshot' && message.topic === `bars:${ES}`,
      from,
    );
    const shown = snapshot.data as Bar[];
    // Exactly what the bus carried of ES until then (fewer than the bound), newest first.
    const carried = run.bars.filter((bar) => bar.symbol === ES);
    expect(shown.length).toBeGreaterThanOrEqual(20);
    expect(shown.length).toBeLessThanOrEqual(BAR_SNAPSHOT_ROWS);
    expect([...shown].reverse()).toEqual(carried.slice(0, shown.length));
    expect(shown.every((bar) => bar.symbol === ES && bar.end - bar.ts === MINUTE)).toBe(true);
    expect(shown.every((bar) => bar.source === 'pipeline:default')).toBe(true);

    // The simulated market plays at 20×: the next minute closes within about 3 s.
    const newest = shown[0] as Bar;
    const update = await client.next(
      (message) =>
        message.type === 'update' &&
        message.topic === `bars:${ES}` &&
        (message.items ?? []).some((item) => (item.data as unknown as Bar).ts > newest.ts),
      from,
      15_000,
    );
    const live = (update.items ?? []).map((item) => item.data as unknown as Bar);
    expect(live.every((bar) => bar.symbol === ES && bar.ts >= newest.ts + MINUTE)).toBe(true);
    client.socket.close();
  }, 60_000);
});
