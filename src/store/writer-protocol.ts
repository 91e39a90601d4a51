import type { SealedBatch } from './batch.js';
import type { ResultChunk, StoredState } from './database-writer.js';

/** What the writer thread is started with. */
export interface WriterSettings {
  readonly path: string;
  readonly duckdb: Readonly<Record<string, string>>;
  /** The clock's time at open, for the migration log. */
  readonly now: number;
  /** Attempts at committing one batch before the writer gives up. */
  readonly maxCommitAttempts: number;
}

/** The requests the store sends its writer thread, each answered once by its `id`. */
export type WriterRequest =
  | { readonly id: number; readonly op: 'commit'; readonly batch: SealedBatch }
  | { readonly id: number; readonly op: 'checkpoint' }
  | { readonly id: number; readonly op: 'openStream'; readonly sql: string }
  | { readonly id: number; readonly op: 'next'; readonly stream: number }
  | { readonly id: number; readonly op: 'closeStream'; readonly stream: number }
  | { readonly id: number; readonly op: 'close' };

/** The answer to each request, by operation. */
export interface WriterReplies {
  commit: undefined;
  checkpoint: undefined;
  openStream: { id: number; names: string[] };
  next: ResultChunk;
  closeStream: undefined;
  close: undefined;
}

/** What the writer thread posts back. */
export type WriterMessage =
  | { readonly kind: 'opened'; readonly state: StoredState }
  | { readonly kind: 'failed'; readonly stage: 'open' | 'migrate'; readonly message: string }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: true; readonly value: unknown }
  | { readonly kind: 'reply'; readonly id: number; readonly ok: false; readonly message: string }
  /** One attempt at a commit failed; `final` when the writer gives the batch up. */
  | {
      readonly kind: 'commitFailed';
      readonly attempt: number;
      readonly final: boolean;
      readonly message: string;
    };
