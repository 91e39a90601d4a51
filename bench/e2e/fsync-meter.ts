import { startProbe, type Probe } from './probe-thread.js';

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

/** Samples in microseconds: each fsync's duration. */
export function startFsyncMeter(intervalMs = 10): Probe {
  return startProbe(WORKER_SOURCE, intervalMs);
}
