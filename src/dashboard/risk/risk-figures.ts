// Pure figures of the Risk & compliance view (no DOM), so they are tested on their own.
import { decisionFigures, type RiskDecision } from '../../risk/risk-events.js';
import type { Decision } from '../types.js';

const MICROS_PER_SECOND = 1_000_000;

/**
 * Time left on a proposal, by the engine's clock (its status `ts`), as `1:59 left`, rounded up
 * (the engine takes a confirm until its clock passes the expiry); after that `expired`: never a
 * negative time.
 */
export function countdown(expiresAtMicros: number, engineNowMicros: number | null): string {
  if (engineNowMicros === null || !Number.isFinite(engineNowMicros)) return '—';
  const remaining = expiresAtMicros - engineNowMicros;
  if (remaining < 0) return 'expired';
  const left = Math.ceil(remaining / MICROS_PER_SECOND);
  const minutes = Math.floor(left / 60);
  const seconds = left % 60;
  return `${String(minutes)}:${String(seconds).padStart(2, '0')} left`;
}

/** A decision as the stream carries it (the bus event), in the API's row shape. */
export function decisionRow(event: RiskDecision): Decision {
  const { limit, value } = decisionFigures(event);
  return {
    ts: event.ts,
    intentId: event.intentId,
    account: event.account,
    symbol: event.symbol,
    side: event.intent.side,
    quantity: event.intent.quantity,
    outcome: event.outcome,
    code: event.code ?? null,
    reason: event.reason,
    limit: limit ?? null,
    value: value ?? null,
    by: event.by ?? null,
  };
}

const keyOf = (d: Decision): string => `${d.intentId}|${d.outcome}|${String(d.ts)}`;

/**
 * Newest first, each decision once: the stream's snapshot (read from the store, which may lag the
 * bus) merged with what the page already holds, capped at `max`.
 */
export function mergeDecisions(held: readonly Decision[], more: readonly Decision[], max = 200): Decision[] {
  const byKey = new Map<string, Decision>();
  for (const d of [...more, ...held]) if (!byKey.has(keyOf(d))) byKey.set(keyOf(d), d);
  return [...byKey.values()].sort((a, b) => b.ts - a.ts).slice(0, max);
}
