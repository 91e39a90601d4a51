import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, readItems } from '../api-client.js';
import type { Status } from '../types.js';

/** A row of GET /api/v1/dead-letters. */
export interface DeadLetter {
  readonly ts: number;
  readonly origin: string;
  readonly code: string;
  readonly reason: string;
  readonly payload: string;
  readonly payloadChars: number;
}

/** How many the view lists. */
export const DEAD_LETTER_ROWS = 20;
/**
 * After the count of dead letters moves, the list is read again on each status until a read was
 * made with the store's queue empty (the row is committed then), at most this many times.
 */
const READS_AFTER_CHANGE = 5;

export interface DeadLetterFeed {
  readonly letters: readonly DeadLetter[];
  /** The newest dead letter of each origin (`pipeline.step`, `gateway:<session>`…). */
  readonly lastByOrigin: ReadonlyMap<string, DeadLetter>;
  /** Why the list cannot be read (no store, or the engine cannot be reached), or null. */
  readonly problem: string | null;
}

/** What moves when a dead letter is counted: the pipelines' counts and the store's rejects. */
function countsOf(status: Status): string {
  const letters = status.pipelines.reduce((sum, p) => sum + p.deadLetters + p.errors, 0);
  return `${String(letters)}|${String(status.store?.rejects ?? 0)}`;
}

/**
 * The store's dead letters with their reasons (GET /api/v1/dead-letters; the stream has no such
 * topic), read when the view opens, when the link comes back, and when the status shows the count
 * moved; not polled otherwise.
 */
export function useDeadLetters(token: string, status: Status | null, live: boolean): DeadLetterFeed {
  const [letters, setLetters] = useState<readonly DeadLetter[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const seen = useRef<string | null>(null);
  const readsLeft = useRef(1);
  const reading = useRef(false);

  useEffect(() => {
    // Back from a drop: whatever happened meanwhile is read once more.
    if (live) readsLeft.current = Math.max(readsLeft.current, 1);
  }, [live]);

  useEffect(() => {
    if (!live || status === null) return;
    const counts = countsOf(status);
    if (counts !== seen.current) {
      seen.current = counts;
      readsLeft.current = READS_AFTER_CHANGE;
    }
    if (readsLeft.current <= 0 || reading.current) return;
    readsLeft.current = (status.store?.queueDepth ?? 0) === 0 ? 0 : readsLeft.current - 1;
    reading.current = true;
    readItems<DeadLetter>(`/dead-letters?limit=${String(DEAD_LETTER_ROWS)}`, token)
      .then(
        (items) => {
          setLetters(items);
          setProblem(null);
        },
        (error: unknown) => {
          if (error instanceof ApiError && error.code === 'API_NO_STORE') {
            readsLeft.current = 0;
            setProblem(
              'the engine keeps no history (run it with a store): dead letters are counted, their reasons not kept',
            );
          } else setProblem(error instanceof Error ? error.message : 'the engine cannot be reached');
        },
      )
      .finally(() => (reading.current = false));
  }, [status, live]);

  const lastByOrigin = new Map<string, DeadLetter>();
  for (const letter of letters) if (!lastByOrigin.has(letter.origin)) lastByOrigin.set(letter.origin, letter);
  return { letters, lastByOrigin, problem };
}
