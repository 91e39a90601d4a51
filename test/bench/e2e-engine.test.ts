import { describe, expect, it } from 'vitest';
import { runSweep } from '../../bench/e2e/sweep.js';

describe('the load generator against the real engine (separate processes, loopback)', () => {
  it('gets every tick stored and acked and an order back for every signal, in order', async () => {
    const result = await runSweep({
      rates: [2000],
      durationMs: 500,
      warmupMs: 0,
      settleMs: 0,
      connections: 2,
      signalEvery: 5,
    });
    const [report] = result.steps;
    expect(report?.sent).toBe(1000);
    expect(report?.signals).toBe(200);
    expect(report?.signalToOrder.count).toBe(200);
    expect(report?.tickToAck.count).toBe(800);
    expect(report?.commands).toEqual({ received: 200, lost: 0, duplicated: 0, reordered: 0 });
    expect([report?.lost, report?.duplicated, report?.reordered, report?.disconnects]).toEqual([0, 0, 0, 0]);
    expect(report?.errors).toEqual({});
    expect(result.engineStats?.gateway['accepted']).toBe(1000);
    expect(result.engineStats?.gateway['rejected']).toBe(0);
    expect(result.engineStats?.store?.['rejects']).toBe(0);
  });
});
