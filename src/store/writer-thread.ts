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

/** Set by `abandon` (a shutdown that will not wait for the disk): commits stop retrying. */
let abandoned = false;
let wakeRetry: (() => void) | undefined;
/** Waits before the next attempt; `abandon` cuts the wait short. */
const backoff = (ms: number): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(() => {
      wakeRetry = undefined;
      resolve();
    }, ms);
    wakeRetry = () => {
      clearTimeout(timer);
      wakeRetry = undefined;
      resolve();
    };
  });

type WriteRequest = Extract<WriterRequest, { op: 'commit' | 'checkpoint' | 'close' }>;
type CommitRequest = Extract<WriterRequest, { op: 'commit' }>;

function answer(request: WriterRequest, outcome: Promise<unknown>): Promise<void> {
  return outcome.then(
    (value) => post({ kind: 'reply', id: request.id, ok: true, value }),
    (error: unknown) => post({ kind: 'reply', id: request.id, ok: false, message: describeError(error) }),
  );
}

/**
 * Commits a group, retrying until it goes through: the store has acknowledged nothing of it, and
 * the rows sealed after it wait behind it, so order and the watermarks hold. A full or read-only
 * disk is the usual cause; the wait doubles from `retryFirstMs` to `retryMaxMs`. Before a retry
 * the group is looked up, since a COMMIT can fail after its rows reached the WAL (a checkpoint
 * inside it that could not write the file): appending them again would store them twice.
 */
async function commitWithRetry(writer: DatabaseWriter, group: readonly CommitRequest[]): Promise<void> {
  const batches = group.map((request) => request.batch);
  let retryMs = settings.retryFirstMs;
  for (let attempt = 1; ; attempt++) {
    try {
      if (attempt === 1 || !(await writer.committed(batches))) await writer.commit(batches);
      if (attempt > 1) post({ kind: 'commitRecovered', attempts: attempt });
      return;
    } catch (error) {
      if (abandoned) throw error;
      post({ kind: 'commitFailed', attempt, retryMs, message: describeError(error) });
      await backoff(retryMs);
      retryMs = Math.min(retryMs * 2, settings.retryMaxMs);
    }
  }
}

function abandon(): Promise<void> {
  abandoned = true;
  wakeRetry?.();
  return Promise.resolve();
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
    case 'openSession':
      return writer.openSession();
    case 'sessionQuery':
      return writer.sessionQuery(request.session, request.sql, request.values);
    case 'closeSession':
      return Promise.resolve(writer.closeSession(request.session));
    case 'abandon':
      return abandon();
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
