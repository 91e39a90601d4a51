import type { DenialCode } from '../risk/risk-events.js';

/** The short name of each denial code, as the status line and `enigma decisions` show it. */
export const DENIAL_NAMES: Readonly<Record<DenialCode, string>> = {
  HALTED: 'halted',
  REDUCING_ONLY: 'reducing only',
  OUTSIDE_TRADING_HOURS: 'session closed',
  UNKNOWN_INSTRUMENT: 'unknown instrument',
  INSTRUMENT_NOT_ALLOWED: 'instrument not allowed',
  INVALID_QUANTITY: 'bad quantity',
  INVALID_PRICE: 'bad price',
  CONTRACT_LIMIT: 'contract limit',
  DRAWDOWN_ROOM: 'drawdown room',
  DAILY_LOSS_ROOM: 'daily loss room',
  ORDER_RATE: 'order rate',
  UNKNOWN_ACCOUNT: 'unknown account',
  SIGNALS_ONLY: 'signals only',
  PROPOSAL_EXPIRED: 'expired',
  STALE_INTENT: 'stale',
  BROKER_DISCONNECTED: 'broker disconnected',
};

/** The short name of a denial code; a code without one reads as its words (`BROKER_DOWN` → `broker down`). */
export function denialName(code: string): string {
  return DENIAL_NAMES[code as DenialCode] ?? code.toLowerCase().replace(/_/g, ' ');
}

/**
 * `denied 81: stale 80, session closed 1`: the total and the count per reason, most frequent
 * first (then by name), or `denied 0`.
 */
export function formatDenials(byCode: ReadonlyMap<string, number>): string {
  let total = 0;
  for (const count of byCode.values()) total += count;
  if (total === 0) return 'denied 0';
  const parts = [...byCode]
    .filter(([, count]) => count > 0)
    .map(([code, count]) => ({ name: denialName(code), count }))
    .sort((a, b) => b.count - a.count || a.name.localeCompare(b.name))
    .map(({ name, count }) => `${name} ${count.toLocaleString('en-US')}`);
  return `denied ${total.toLocaleString('en-US')}: ${parts.join(', ')}`;
}
