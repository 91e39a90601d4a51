/* global process, setInterval */
// Preloaded into the engine under test (`node --import engine-probe.mjs bin/enigma.js run …`):
// once a second it appends one JSON line to $CHAOS_PROBE_FILE with the process's memory
// (rss, V8 heap, external, array buffers) and the event loop's delay since the last line.
// `--import` runs in every thread (the store's writer thread too): each line names its thread.
// It changes nothing in the engine; it only reads what Node already measures.
import { appendFileSync, statSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';
import { isMainThread, threadId } from 'node:worker_threads';

const file = process.env.CHAOS_PROBE_FILE;
// The store's write-ahead log: what DuckDB holds in memory until its next checkpoint.
const walPath = process.env.CHAOS_STORE_PATH && `${process.env.CHAOS_STORE_PATH}.wal`;
const walSize = () => {
  try {
    return statSync(walPath).size;
  } catch {
    return 0;
  }
};
if (file) {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // In the store's writer thread, DuckDB's own accounting (src/store/writer-thread.ts): bytes in
  // its buffer pool and spilled to temporary files, read asynchronously and sent with the next line.
  let duckdb;
  const readDuckdb = () => {
    const read = globalThis[Symbol.for('enigma.duckdbMemory')];
    if (typeof read !== 'function') return;
    read().then(
      (tags) => {
        let memory = 0;
        let temporary = 0;
        for (const tag of Object.values(tags)) {
          memory += tag.memory;
          temporary += tag.temporary;
        }
        duckdb = { memory, temporary };
      },
      () => undefined,
    );
  };
  const timer = setInterval(() => {
    readDuckdb();
    const memory = process.memoryUsage();
    const spaces = {};
    for (const space of getHeapSpaceStatistics()) spaces[space.space_name] = space.space_used_size;
    const line = {
      t: Date.now(),
      thread: isMainThread ? 'main' : `worker-${String(threadId)}`,
      rss: memory.rss,
      heapTotal: memory.heapTotal,
      heapUsed: memory.heapUsed,
      external: memory.external,
      arrayBuffers: memory.arrayBuffers,
      spaces,
      loopP99: delay.percentile(99) / 1e6,
      loopMax: delay.max / 1e6,
      ...(duckdb && { duckdb }),
      ...(isMainThread && walPath && { wal: walSize() }),
    };
    delay.reset();
    appendFileSync(file, `${JSON.stringify(line)}\n`);
  }, 1000);
  timer.unref();
}

// An experiment knob, not a setting of the engine: $CHAOS_DUCKDB_SETTINGS (JSON) is laid over the
// store's DuckDB defaults before the engine opens its store, so a soak can compare, say,
// `{"checkpoint_threshold":"16MB"}` with the shipped defaults without editing the engine.
const duckdb = process.env.CHAOS_DUCKDB_SETTINGS;
if (duckdb && isMainThread) {
  const store = await import('../../dist/store/store.js');
  Object.assign(store.DEFAULT_DUCKDB_SETTINGS, JSON.parse(duckdb));
}

// $CHAOS_HEAP_PROFILE=<file>: V8's sampling heap profiler runs from the start, and SIGUSR2 writes
// what it holds then (the allocation sites of the memory still live) to <file>, under load.
const heapProfile = process.env.CHAOS_HEAP_PROFILE;
if (heapProfile && isMainThread) {
  const { Session } = await import('node:inspector');
  const { writeFileSync } = await import('node:fs');
  const session = new Session();
  session.connect();
  session.post('HeapProfiler.startSampling', { samplingInterval: 32768 });
  process.on('SIGUSR2', () => {
    session.post('HeapProfiler.getSamplingProfile', (error, result) => {
      if (!error) writeFileSync(heapProfile, JSON.stringify(result.profile));
    });
  });
}
