import { describe, expect, it } from 'vitest';
import { runStreamComparison } from '../../bench/e2e/stream-comparison.js';

describe('the live-stream bench against the real engine (separate processes, loopback)', () => {
  it('runs a step without and one with subscribers, who receive the signals while nothing is lost', async () => {
    const result = await runStreamComparison({
      rounds: 1,
      rate: 2000,
      durationMs: 500,
      warmupMs: 200,
      settleMs: 0,
      subscribers: 2,
    });
    expect(result.without).toHaveLength(1);
    expect(result.with).toHaveLength(1);
    for (const report of [...result.without, ...result.with]) {
      expect(report.signalToOrder.count).toBe(report.signals);
      expect([report.lost, report.duplicated, report.reordered, report.disconnects]).toEqual([0, 0, 0, 0]);
    }
    const [received] = result.received;
    // Two subscribers, each sent the signals of the step (and a status a second).
    expect(received?.items).toBeGreaterThan(0);
    expect(received?.dropped).toBe(0);
    expect(received?.closes).toBe(0);
    expect(result.engineStats?.stream?.['slowConsumersClosed']).toBe(0);
    expect(result.engineStats?.stream?.['authFailures']).toBe(0);
  });
});
