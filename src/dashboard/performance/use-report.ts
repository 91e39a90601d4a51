import { useEffect, useRef, useState } from 'preact/hooks';
import type { Connection, LiveStream } from '../live-stream.js';
import { readReport } from './read-report.js';
import type { PeriodKind, Report } from './report-types.js';

/** After a fill, the figures are read again, but at most this often: a burst of fills is one read. */
export const REFRESH_MS = 3000;
/**
 * And never sooner than this many times the last read took: a month of ticks costs the engine's
 * database more than a day, and a page kept open must not keep it busy.
 */
const READ_COST_FACTOR = 10;

export interface ReportState {
  readonly period: PeriodKind;
  readonly report: Report | null;
  /** A read is under way (the figures shown are those of the last read). */
  readonly loading: boolean;
  /** Why the last read failed, if it did. */
  readonly problem: string | null;
  /** Reads since the view opened (tests and the page's `data-reads` follow it). */
  readonly reads: number;
}

/**
 * The period's figures from `GET /report`: read when the view opens, when the period changes,
 * when the link comes back, and after fills on the live stream (debounced to {@link REFRESH_MS},
 * or ten times the last read's duration when that is longer).
 * An answer for a period no longer chosen is dropped.
 */
export function useReport(
  stream: LiveStream,
  token: string,
  connection: Connection,
): ReportState & { readonly choose: (period: PeriodKind) => void } {
  const [state, setState] = useState<ReportState>({
    period: 'day',
    report: null,
    loading: true,
    problem: null,
    reads: 0,
  });
  const period = useRef<PeriodKind>('day');
  const lastRead = useRef(0);
  const lastDuration = useRef(0);
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);

  const read = (): void => {
    clearTimeout(timer.current);
    timer.current = undefined;
    lastRead.current = Date.now();
    const asked = period.current;
    setState((s) => ({ ...s, loading: true }));
    const started = Date.now();
    readReport(asked, token).then(
      (report) => {
        lastDuration.current = Date.now() - started;
        if (asked === period.current)
          setState((s) => ({ ...s, report, loading: false, problem: null, reads: s.reads + 1 }));
      },
      (error: unknown) => {
        if (asked === period.current)
          setState((s) => ({
            ...s,
            loading: false,
            problem: error instanceof Error ? error.message : 'the engine cannot be reached',
          }));
      },
    );
  };
  /** A fill came: read once the last read is old enough (one pending read at a time). */
  const soon = (): void => {
    if (timer.current !== undefined) return;
    const gap = Math.max(REFRESH_MS, READ_COST_FACTOR * lastDuration.current);
    timer.current = setTimeout(read, Math.max(0, lastRead.current + gap - Date.now()));
  };

  useEffect(() => {
    read();
    const unfollow = stream.follow('fills', {
      // Each (re)connection brings a snapshot: fills may have come while the link was down.
      snapshot: () => soon(),
      update: () => soon(),
    });
    return () => {
      unfollow();
      clearTimeout(timer.current);
    };
  }, [stream]);

  useEffect(() => {
    if (connection === 'live' && lastRead.current > 0) soon();
  }, [connection]);

  const choose = (next: PeriodKind): void => {
    if (next === period.current) return;
    period.current = next;
    setState((s) => ({ ...s, period: next, report: null }));
    read();
  };
  return { ...state, choose };
}
