import { Worker } from 'node:worker_threads';
import type { SealedBatch } from './batch.js';
import {
  OpenError,
  type ResultChunk,
  type SessionResult,
  type SessionValue,
  type StoredState,
} from './database-writer.js';
import type { WriterMessage, WriterReplies, WriterRequest, WriterSettings } from './writer-protocol.js';

type Op = keyof WriterReplies;

/** One query of a session: every row, as columns. */
export type SessionQuery = (sql: string, values?: readonly SessionValue[]) => Promise<SessionResult>;
type Body<O extends Op> = Omit<Extract<WriterRequest, { op: O }>, 'id' | 'op'>;

/** What the writer thread reports besides answers: each failed commit attempt, and the recovery. */
export interface WriterEvents {
  commitFailed(attempt: number, retryMs: number, message: string): void;
  commitRecovered(attempts: number): void;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The writer thread's V8 heap. Its young generation otherwise grows to V8's default (two 16 MB
 * semi-spaces) for garbage that lives one batch; at 10,000 msg/s the thread's heap was 31–57 MB
 * with 8–20 MB in use (`npm run chaos -- --only soak`). A small young generation costs
 * a few more scavenges of almost nothing live.
 */
const WRITER_RESOURCE_LIMITS = { maxYoungGenerationSizeMb: 6 } as const;

/**
 * The worker entry. Compiled, it is writer-thread.js beside this file; run from the TypeScript
 * sources (tests, benches), the thread loads writer-thread.ts through tsx.
 */
function startThread(settings: WriterSettings): Worker {
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(fromSources ? './writer-thread.ts' : './writer-thread.js', import.meta.url);
  if (!fromSources)
    return new Worker(entry, { workerData: settings, resourceLimits: WRITER_RESOURCE_LIMITS });
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((tsx) => tsx.tsImport(${JSON.stringify(entry.href)}, ${JSON.stringify(entry.href)}))`;
  return new Worker(bootstrap, { eval: true, workerData: settings, resourceLimits: WRITER_RESOURCE_LIMITS });
}

/**
 * The main thread's handle on the store's writer thread: requests out, one answer back for each.
 * The thread keeps the process alive only while a request is pending, so an engine that forgets
 * to close its store still exits, and one that awaits a commit never exits under it.
 */
export class WriterClient {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | undefined;

  private constructor(
    private readonly worker: Worker,
    private readonly events: WriterEvents,
  ) {
    worker.on('message', (message: WriterMessage) => this.receive(message));
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', (code) => this.fail(new Error(`the store's writer thread exited (code ${code})`)));
    worker.unref();
  }

  /** Starts the thread; resolves once the database is open, migrated and its state read. */
  static start(
    settings: WriterSettings,
    events: WriterEvents,
  ): Promise<{ writer: WriterClient; state: StoredState }> {
    const worker = startThread(settings);
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => reject(new OpenError('open', error.message));
      worker.once('error', onError);
      worker.once('message', (message: WriterMessage) => {
        worker.off('error', onError);
        if (message.kind === 'opened') {
          resolve({ writer: new WriterClient(worker, events), state: message.state });
        } else if (message.kind === 'failed') {
          void worker.terminate();
          reject(new OpenError(message.stage, message.message));
        }
      });
    });
  }

  commit(batch: SealedBatch, transfer: ArrayBuffer[]): Promise<void> {
    return this.request('commit', { batch }, transfer);
  }

  checkpoint(): Promise<void> {
    return this.request('checkpoint', {});
  }

  /** Rows of a query on the live database, block by block (read on a connection of its own). */
  async *stream(sql: string): AsyncGenerator<ResultChunk & { names: string[] }> {
    const { id, names } = await this.request('openStream', { sql });
    let done = false;
    try {
      for (;;) {
        const chunk = await this.request('next', { stream: id });
        if (chunk.rowCount === 0) {
          done = true;
          return;
        }
        yield { ...chunk, names };
      }
    } finally {
      if (!done && !this.exited) await this.request('closeStream', { stream: id });
    }
  }

  /**
   * Runs `use` with a connection of its own in the writer thread, kept for all its queries (temp
   * tables and settings hold between them), and closes it after.
   */
  async session<T>(use: (query: SessionQuery) => Promise<T>): Promise<T> {
    const session = await this.request('openSession', {});
    try {
      return await use((sql, values = []) => this.request('sessionQuery', { session, sql, values }));
    } finally {
      if (!this.exited) await this.request('closeSession', { session });
    }
  }

  /**
   * Stops retrying failed commits: each waiting commit gets one more attempt and, if it fails,
   * is rejected. For a shutdown that cannot wait for the disk to come back.
   */
  async abandon(): Promise<void> {
    if (this.exited) return;
    await this.request('abandon', {});
  }

  /** Checkpoints, closes the database and ends the thread. */
  async close(): Promise<void> {
    if (this.exited) return;
    await this.request('close', {});
  }

  private request<O extends Op>(
    op: O,
    body: Body<O>,
    transfer: ArrayBuffer[] = [],
  ): Promise<WriterReplies[O]> {
    if (this.exited) return Promise.reject(this.exited);
    const id = this.nextId++;
    return new Promise<WriterReplies[O]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, op, ...body }, transfer);
    });
  }

  private receive(message: WriterMessage): void {
    if (message.kind === 'commitFailed') {
      this.events.commitFailed(message.attempt, message.retryMs, message.message);
      return;
    }
    if (message.kind === 'commitRecovered') {
      this.events.commitRecovered(message.attempts);
      return;
    }
    if (message.kind !== 'reply') return;
    const pending = this.pending.get(message.id);
    if (!pending) return;
    this.pending.delete(message.id);
    if (this.pending.size === 0) this.worker.unref();
    if (message.ok) pending.resolve(message.value);
    else pending.reject(new Error(message.message));
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const pending of this.pending.values()) pending.reject(error);
    this.pending.clear();
  }
}
