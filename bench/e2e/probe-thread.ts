import { Worker } from 'node:worker_threads';

/** A sampling thread beside the load: stop it to get every sample it took, in microseconds. */
export interface Probe {
  stop(): Promise<Float64Array>;
}

/**
 * Runs `source` (CommonJS) in its own thread. The source samples in a loop until
 * `Atomics.load(flag, 0)` turns 1, sleeping with `Atomics.wait(flag, 0, 0, intervalMs)` (so it
 * wakes at once when stopped), then posts its samples as one Float64Array. It receives
 * `workerData.flag` (a SharedArrayBuffer) and `workerData.intervalMs`.
 */
export function startProbe(source: string, intervalMs: number): Probe {
  const flag = new SharedArrayBuffer(4);
  const worker = new Worker(source, { eval: true, workerData: { flag, intervalMs } });
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
