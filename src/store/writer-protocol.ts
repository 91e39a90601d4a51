import type { SealedBatch } from './batch.js';
import type { ResultChunk, SessionResult, SessionValue, StoredState } from './database-writer.js';

/** What the writer thread is started with. */
export interface WriterSettings {
  readonly path: string;
  readonly duckdb: Readonly<Record<string, string>>;
  /** The clock's time at open, for the migration log. */
  readonly now: number;
  /** Wait before retrying a failed commit, doubling per attempt up to `retryMaxMs`. */
  readonly retryFirstMs: number;
  readonly retryMaxMs: number;
}

/** The requests the store sends its writer thread, each answered once by its `id`. */
export type WriterRequest =
  | { readonly id: number; readonly op: 'commit'; readonly batch: SealedBatch }
  | { readonly id: number; readonly op: 'checkpoint' }
  | { readonly id: number; readonly op: 'openStream'; readonly sql: string }
  | { readonly id: number; readonly op: 'next'; readonly stream: number }
  | { readonly id: number; readonly op: 'closeStream'; readonly stream: number }
  | { readonly id: number; readonly op: 'openSession' }
  | {
      readonly id: number;
      readonly op: 'sessionQuery';
      readonly session: number;
      readonly sql: string;
      readonly values: readonly SessionValue[];
    }
  | { readonly id: number; readonly op: 'closeSession'; readonly session: number }
  | { readonly id: number; readonly op: 'close' }
  /** Stop retrying: the commit being retried and those queued get one more attempt each, then fail. */
  | { readonly id: number; readonly op: 'abandon' };

/** The answer to each request, by operation. */
export interface WriterReplies {
  commit: undefined;
  checkpoint: undefined;
  openStream: { id: number; names: string[] };
  next: ResultChunk;
  closeStream: undefined;
  openSession: number;
  sessionQuery: SessionResult;
  closeSession: undefined;
  close: undefined;
  abandon: undefined;
}

/** What the writer thread posts back. */
export type WriterMessage =
  | { readonly kind: 'opened'; readonly state: StoredState }
  | { readonly kind: 'failed'; readonly stage: 'open' | 'migrate'; readonly message: string }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly message: string }
  /** One attempt at a commit failed; the writer tries again in `retryMs` (unless abandoned). */
  | {
      readonly kind: 'commitFailed';
      readonly attempt: number;
      readonly retryMs: number;
      readonly message: string;
    }
  /** A commit that had failed went through (after `attempts` attempts): the database writes again. */
  | { readonly kind: 'commitRecovered'; readonly attempts: number };
