/**
 * The store's writer thread: owns the DuckDB database and runs what the store on the main
 * thread asks of it (commits, checkpoints, reads of the live database). See writer-client.ts.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { describeError } from '../core/errors.js';
import { DatabaseWriter, OpenError } from './database-writer.js';
import type { WriterMessage, WriterRequest, WriterSettings } from './writer-protocol.js';

const port = parentPort;
if (!port) throw new Error('writer-thread.ts runs only as a worker thread');
const settings = workerData as WriterSettings;
const post = (message: WriterMessage): void => port.postMessage(message);
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

type WriteRequest = Extract<WriterRequest, { op: 'commit' | 'checkpoint' | 'close' }>;
type CommitRequest = Extract<WriterRequest, { op: 'commit' }>;

function answer(request: WriterRequest, outcome: Promise<unknown>): Promise<void> {
  return outcome.then(
    (value) => post({ kind: 'reply', id: request.id, ok: true, value }),
    (error: unknown) => post({ kind: 'reply', id: request.id, ok: false, message: describeError(error) }),
  );
}

async function commitWithRetry(writer: DatabaseWriter, group: readonly CommitRequest[]): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writer.commit(group.map((request) => request.batch));
    } catch (error) {
      const final = attempt >= settings.maxCommitAttempts;
      post({ kind: 'commitFailed', attempt, final, message: describeError(error) });
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

try {
  const { writer, state } = await DatabaseWriter.open(settings.path, settings.duckdb, settings.now);
  const writes = new WriteQueue(writer);
  port.on('message', (request: WriterRequest) => {
    if (request.op === 'commit' || request.op === 'checkpoint' || request.op === 'close')
      writes.push(request);
    else void answer(request, read(writer, request));
  });
  // A memory probe preloaded into this thread (bench/chaos/engine-probe.mjs) reads DuckDB's own
  // accounting through this; nothing in the engine calls it.
  (globalThis as Record<symbol, unknown>)[Symbol.for('enigma.duckdbMemory')] = () => writer.memory();
  post({ kind: 'opened', state });
} catch (error) {
  post({
    kind: 'failed',
    stage: error instanceof OpenError ? error.stage : 'open',
    message: describeError(error),
  });
  port.close();
}
