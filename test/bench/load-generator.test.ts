import { afterEach, describe, expect, it } from 'vitest';
import { runLoad, type LoadOptions } from '../../bench/e2e/load-generator.js';
import { startBareEngine, type BareEngine, type Faults } from '../../bench/e2e/bare-engine.js';

const TOKEN = 'bench-test-token';
let engine: BareEngine | undefined;

afterEach(async () => {
  await engine?.close();
  engine = undefined;
});

/** 1,000 messages (2,000/s for 0.5 s), every fifth a signal: 200 signals, 200 orders back. */
async function load(faults: Faults, options: Partial<LoadOptions> = {}) {
  engine = await startBareEngine(TOKEN, faults);
  const report = await runLoad({
    url: engine.url,
    token: TOKEN,
    connections: 1,
    rate: 2000,
    durationMs: 500,
    signalEvery: 5,
    settleMs: 0,
    drainMs: faults.drop || faults.withholdAcks ? 300 : 10_000,
    ...options,
  });
  return { report, received: engine.received };
}

describe('the load generator accounting', () => {
  it('counts nothing lost, duplicated or reordered against an engine that keeps the protocol', async () => {
    const { report, received } = await load({});
    expect(report.sent).toBe(1000);
    expect(received).toEqual({ messages: 1000, signals: 200 });
    expect(report.signals).toBe(200);
    expect(report.commands).toEqual({ received: 200, lost: 0, duplicated: 0, reordered: 0 });
    expect(report.tickToAck.count).toBe(800);
    expect(report.signalToOrder.count).toBe(200);
    expect([report.lost, report.duplicated, report.reordered, report.unacked]).toEqual([0, 0, 0, 0]);
  });

  it('times only what is due after the settling start, and still accounts for everything', async () => {
    const { report } = await load({}, { settleMs: 250 });
    expect(report.sent).toBe(1000);
    expect(report.commands).toEqual({ received: 200, lost: 0, duplicated: 0, reordered: 0 });
    // Messages are due every 0.5 ms: the second half of the step (±1 for the boundary) is timed.
    expect(report.tickToAck.count).toBeGreaterThanOrEqual(399);
    expect(report.tickToAck.count).toBeLessThanOrEqual(401);
    expect(report.signalToOrder.count).toBeGreaterThanOrEqual(99);
    expect(report.signalToOrder.count).toBeLessThanOrEqual(101);
  });

  it('catches one dropped order, one duplicated and two swapped with the exact counts', async () => {
    const { report } = await load({ drop: [3], duplicate: [5], swap: [7] });
    expect(report.commands).toEqual({ received: 199, lost: 1, duplicated: 1, reordered: 1 });
    expect(report.unanswered).toBe(1);
    expect([report.lost, report.duplicated, report.reordered]).toEqual([1, 1, 1]);
    expect(report.signalToOrder.count).toBe(199);
  });

  it('catches the last order dropped, where no later seq reveals the hole', async () => {
    const { report } = await load({ drop: [200] });
    expect(report.unanswered).toBe(1);
    expect(report.lost).toBe(1);
    expect(report.duplicated + report.reordered).toBe(0);
  });

  it('counts a client message the engine never acknowledges as lost', async () => {
    const { report } = await load({ withholdAcks: 1 });
    expect(report.unacked).toBe(1);
    expect(report.lost).toBe(1);
    expect(report.commands.lost).toBe(0);
  });

  it('counts an acknowledgement that goes backwards as reordered', async () => {
    const { report } = await load({ ackBackwards: true });
    expect(report.acksBackwards).toBe(1);
    expect([report.lost, report.duplicated, report.reordered]).toEqual([0, 0, 1]);
  });

  it('spreads the load over several connections, each with its own orders', async () => {
    const { report, received } = await load({}, { connections: 3 });
    expect(received.messages).toBe(1000);
    expect(report.signals).toBe(received.signals);
    expect(report.commands.received).toBe(received.signals);
    expect([report.lost, report.duplicated, report.reordered]).toEqual([0, 0, 0]);
  });
});
