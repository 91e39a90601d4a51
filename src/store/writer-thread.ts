/**
 * The store's writer thread: owns the DuckDB database and runs what the store on the main
 * thread asks of it (commits, checkpoints, reads of the live database). See writer-client.ts.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import { DatabaseWriter, OpenError } from './database-writer.js';
import type { WriterMessage, WriterRequest, WriterSettings } from './writer-protocol.js';

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs only as a worker thread');
const settings = workerData as WriterSettings;
const post = (message: WriterMessage): void => port.postMessage(message);
const describe = (error: unknown): string => (error instanceof Error ? error.message : String(error));
/**
 * Commits are throughput work and the main thread is latency work. At normal priority, the
 * post that wakes this thread lets it preempt the engine's event loop on the same core for a
 * whole commit; niced, it tends to wait for a free core instead. Niced too far, it falls behind
 * under full load. Interleaved runs of bench/e2e on 2 cores (signal → order p99 at 10,000 msg/s;
 * tick → stored ack p99 at 100,000 msg/s): nice 0: 5.7 / 5.2 ms; 76 / 179 ms. Nice 5: 5.3 /
 * 4.6 ms; 112 / 105 ms. Nice 10: 4.5 / 4.7 ms; 349 / 313 ms. Linux keeps a nice value per
 * thread and new threads inherit it (DuckDB's among them).
 */
const WRITER_NICE = 5;

function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isSafeInteger(tid)) setPriority(tid, WRITER_NICE);
  } catch {
    // Not Linux, or not permitted: the thread runs at normal priority.
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type WriteRequest = Extract<WriterRequest, { op: 'commit' | 'checkpoint' | 'close' }>;
type CommitRequest = Extract<WriterRequest, { op: 'commit' }>;

function answer(request: WriterRequest, outcome: Promise<unknown>): Promise<void> {
  return outcome.then(
    (value) => post({ kind: 'reply', id: request.id, ok: true, value }),
    (error: unknown) => post({ kind: 'reply', id: request.id, ok: false, message: describe(error) }),
  );
}

async function commitWithRetry(writer: DatabaseWriter, group: readonly CommitRequest[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writer.commit(group.map((request) => request.batch));
    } catch (error) {
      const final = attempt >= settings.maxCommitAttempts;
      post({ kind: 'commitFailed', attempt, final, message: describe(error) });
      if (final) throw error;
      await sleep(50 * attempt);
    }
  }
}

/**
 * Commits, checkpoints and the close share the writer's connection, so they run one at a time in
 * arrival order. Commits that queued up while the previous one ran go in one transaction.
 */
class WriteQueue {
  private readonly queue: WriteRequest[] = [];
  private running = false;

  constructor(private readonly writer: DatabaseWriter) {}

  push(request: WriteRequest): void {
    this.queue.push(request);
    if (!this.running) void this.drain();
  }

  private async drain(): Promise<void> {
    this.running = true;
    while (this.queue.length > 0) {
      const head = this.queue[0] as WriteRequest;
      if (head.op === 'commit') {
        let end = 1;
        while (end < this.queue.length && this.queue[end]?.op === 'commit') end++;
        const group = this.queue.splice(0, end) as CommitRequest[];
        const outcome = commitWithRetry(this.writer, group);
        await Promise.all(group.map((request) => answer(request, outcome)));
      } else {
        this.queue.shift();
        await answer(head, head.op === 'checkpoint' ? this.writer.checkpoint() : this.writer.close());
        // The last answer is out: ending the port lets the thread exit.
        if (head.op === 'close') port?.close();
      }
    }
    this.running = false;
  }
}

/** Reads run at once, on connections of their own. */
function read(writer: DatabaseWriter, request: Exclude<WriterRequest, WriteRequest>): Promise<unknown> {
  switch (request.op) {
    case 'openStream':
      return writer.openStream(request.sql);
    case 'next':
      return writer.next(request.stream);
    case 'closeStream':
      return Promise.resolve(writer.closeStream(request.stream));
  }
}

lowerPriority();
try {
  const { writer, state } = await DatabaseWriter.open(settings.path, settings.duckdb, settings.now);
  const writes = new WriteQueue(writer);
  port.on('message', (request: WriterRequest) => {
    if (request.op === 'commit' || request.op === 'checkpoint' || request.op === 'close')
      writes.push(request);
    else void answer(request, read(writer, request));
  });
  post({ kind: 'opened', state });
} catch (error) {
  post({
    kind: 'failed',
    stage: error instanceof OpenError ? error.stage : 'open',
    message: describe(error),
  });
  port.close();
}
