import { describe, expect, it } from 'vitest';
import { runStreamComparison } from '../../bench/e2e/stream-comparison.js';

describe('the live-stream bench against the real engine (separate processes, loopback)', () => {
  it('runs steps without and with subscribers in ABBA order, who receive the signals while nothing is lost', async () => {
    const order: boolean[] = [];
    const result = await runStreamComparison({
      rounds: 2,
      rate: 2000,
      durationMs: 500,
      warmupMs: 200,
      settleMs: 0,
      subscribers: 2,
      onStep: (_report, watched) => order.push(watched),
    });
    // The second round starts with the half the first ended with.
    expect(order).toEqual([false, true, true, false]);
    expect(result.without).toHaveLength(2);
    expect(result.with).toHaveLength(2);
    // The engine's CPU time over each step, read from the engine process itself.
    for (const cpu of [...result.withoutCpuMillis, ...result.withCpuMillis]) expect(cpu).toBeGreaterThan(0);
    expect(result.withCpuMillis).toHaveLength(2);
    for (const report of [...result.without, ...result.with]) {
      expect(report.signalToOrder.count).toBe(report.signals);
      expect([report.lost, report.duplicated, report.reordered, report.disconnects]).toEqual([0, 0, 0, 0]);
    }
    expect(result.received).toHaveLength(2);
    const [received] = result.received;
    // Two subscribers, each sent the signals of the step (and a status a second).
    expect(received?.items).toBeGreaterThan(0);
    expect(received?.dropped).toBe(0);
    expect(received?.closes).toBe(0);
    expect(result.engineStats?.stream?.['slowConsumersClosed']).toBe(0);
    expect(result.engineStats?.stream?.['authFailures']).toBe(0);
  });
});
