import { startProbe, type Probe } from './probe-thread.js';

/**
 * The machine's own stalls, measured beside every latency figure (the jHiccup method): a thread of
 * the load generator's process sleeps 1 ms again and again and records by how much each wake-up
 * came late. Whatever delays it (the scheduler giving the core to another process, the host
 * stealing time, a page fault) delays the engine and the generator the same way, so a latency
 * tail no larger than the hiccups is the machine's, not the engine's. It sleeps rather than spins
 * so that on a 2-core machine it does not take a core away from what it measures.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const flag = new Int32Array(workerData.flag);
const intervalMs = workerData.intervalMs;
const samples = [];
while (Atomics.load(flag, 0) === 0) {
  const before = performance.now();
  Atomics.wait(flag, 0, 0, intervalMs);
  const late = (performance.now() - before - intervalMs) * 1000;
  samples.push(late > 0 ? late : 0);
}
parentPort.postMessage(Float64Array.from(samples));
`;

/** Samples in microseconds: how late each wake-up was. */
export function startHiccupMeter(intervalMs = 1): Probe {
  return startProbe(WORKER_SOURCE, intervalMs);
}
