import { Worker } from 'node:worker_threads';

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

export interface HiccupMeter {
  /** Stops the thread and returns every sample: how late each wake-up was, in microseconds. */
  stop(): Promise<Float64Array>;
}

export function startHiccupMeter(intervalMs = 1): HiccupMeter {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { flag, intervalMs } });
  const samples = new Promise<Float64Array>((resolve, reject) => {
    worker.once('message', (value: Float64Array) => resolve(value));
    worker.once('error', reject);
  });
  return {
    async stop() {
      const view = new Int32Array(flag);
      Atomics.store(view, 0, 1);
      Atomics.notify(view, 0);
      const result = await samples;
      await worker.terminate();
      return result;
    },
  };
}
