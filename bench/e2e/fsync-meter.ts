import { Worker } from 'node:worker_threads';

/**
 * The disk's own stalls, measured beside tick → stored ack: a thread of the load generator's
 * process appends 4 KiB to a file in the OS temp dir (where the engine under test keeps its
 * DuckDB file) and fsyncs it every 10 ms, recording how long each fsync takes. A stored ack waits
 * for DuckDB's WAL fsync, so an ack tail no longer than these is the disk's, not the engine's.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { closeSync, fsyncSync, mkdtempSync, openSync, rmSync, writeSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const flag = new Int32Array(workerData.flag);
const dir = mkdtempSync(join(tmpdir(), 'enigma-fsync-meter-'));
const fd = openSync(join(dir, 'probe'), 'w');
const block = Buffer.alloc(4096, 1);
const samples = [];
while (Atomics.load(flag, 0) === 0) {
  writeSync(fd, block);
  const before = performance.now();
  fsyncSync(fd);
  samples.push((performance.now() - before) * 1000);
  Atomics.wait(flag, 0, 0, workerData.intervalMs);
}
closeSync(fd);
rmSync(dir, { recursive: true, force: true });
parentPort.postMessage(Float64Array.from(samples));
`;

export interface FsyncMeter {
  /** Stops the thread and returns every sample: each fsync's duration, in microseconds. */
  stop(): Promise<Float64Array>;
}

export function startFsyncMeter(intervalMs = 10): FsyncMeter {
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
