import { useEffect, useRef, useState } from 'preact/hooks';
import { timeOfDay } from '../format.js';
import type { AccountView, Alert } from '../types.js';

export interface HaltEntry {
  readonly ts: number;
  readonly account: string;
  readonly what: 'halted' | 'resumed' | 'alert';
  readonly text: string;
}

/**
 * Halts as the page sees them: each account's halt (kind, who, why; the engine keeps the current
 * one) and each resume, from the first read and the live updates since. Engine time (`engineNow`)
 * dates a resume, which the account view does not carry.
 */
export function useHaltHistory(accounts: readonly AccountView[], engineNow: number | null): HaltEntry[] {
  const [entries, setEntries] = useState<HaltEntry[]>([]);
  const seen = useRef(new Set<string>());
  const wasHalted = useRef(new Map<string, boolean>());
  useEffect(() => {
    const found: HaltEntry[] = [];
    for (const a of accounts) {
      const halted = a.state === 'HALTED';
      if (a.halt) {
        const key = `${a.id}|${String(a.halt.ts)}`;
        if (!seen.current.has(key)) {
          seen.current.add(key);
          const { kind, by, reason } = a.halt;
          found.push({
            ts: a.halt.ts,
            account: a.id,
            what: 'halted',
            text: `halted (${kind}) by ${by}: ${reason}`,
          });
        }
      }
      if (wasHalted.current.get(a.id) === true && !halted)
        found.push({ ts: engineNow ?? 0, account: a.id, what: 'resumed', text: `resumed, now ${a.state}` });
      wasHalted.current.set(a.id, halted);
    }
    if (found.length > 0) setEntries((held) => [...found.reverse(), ...held].slice(0, 200));
  }, [accounts]);
  return entries;
}

/** The halt history: halts and resumes seen, and the engine's state-change alerts when it raises them. */
export function HaltHistory(props: {
  readonly entries: readonly HaltEntry[];
  readonly alerts: readonly Alert[];
}) {
  const all: HaltEntry[] = [
    ...props.entries,
    ...props.alerts.map((alert) => ({
      ts: alert.ts,
      account: alert.account ?? '—',
      what: 'alert' as const,
      text: alert.message,
    })),
  ].sort((a, b) => b.ts - a.ts);
  return (
    <section aria-labelledby="halts-title">
      <h2 id="halts-title">Halt history</h2>
      {all.length === 0 ? (
        <p>No halt since this page opened.</p>
      ) : (
        <ol class="halts">
          {all.map((entry, index) => (
            <li key={`${String(entry.ts)}|${entry.account}|${String(index)}`} data-halt={entry.what}>
              <time>{timeOfDay(entry.ts / 1000)}</time> <strong>{entry.account}</strong>{' '}
              <span class={entry.what === 'halted' ? 'down' : entry.what === 'resumed' ? 'up' : ''}>
                {entry.what === 'halted' ? '■ ' : entry.what === 'resumed' ? '● ' : ''}
                {entry.text}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
