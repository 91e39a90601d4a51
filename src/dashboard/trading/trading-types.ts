// The shapes the trading view reads, from the API's own schemas (and the bus's Bar, which the
// stream's `bars:<symbol>` carries as is) so the page and the engine cannot drift.
import type { Static } from '@sinclair/typebox';
import type {
  DecisionSchema,
  FillSchema,
  OrderSchema,
  PositionSchema,
  SignalSchema,
} from '../../server/api/schemas.js';
export type { Bar } from '../../core/events.js';

export type Order = Static<typeof OrderSchema>;
export type Position = Static<typeof PositionSchema>;
export type Fill = Static<typeof FillSchema>;
export type Signal = Static<typeof SignalSchema>;
type DecisionRow = Static<typeof DecisionSchema>;

/**
 * A risk decision as the view keeps it. The stream's snapshot has the store's row (`quantity` at
 * the top), its updates the bus's decision (the intent inside, with the signal's time): both fold
 * into this.
 */
export interface TradeDecision {
  readonly ts: number;
  readonly intentId: string;
  readonly account: string;
  readonly symbol: string;
  readonly outcome: string;
  readonly reason: string;
  readonly quantity: number | null;
  /** The time of the signal the intent was sized from; null when it came from none. */
  readonly signalTs: number | null;
  /** The decision carried its intent (live updates): `signalTs` is known, not to be guessed by time. */
  readonly linked: boolean;
}

/** Either shape of a decision, into the view's. */
export function decisionOf(raw: DecisionRow | BusDecision): TradeDecision {
  const intent = 'intent' in raw ? raw.intent : undefined;
  const quantity = 'quantity' in raw ? raw.quantity : (intent?.quantity ?? null);
  return {
    ts: raw.ts,
    intentId: raw.intentId,
    account: raw.account,
    symbol: raw.symbol,
    outcome: raw.outcome,
    reason: raw.reason,
    quantity: quantity ?? null,
    signalTs: intent?.signalTs ?? null,
    linked: intent !== undefined,
  };
}

interface BusDecision {
  readonly ts: number;
  readonly intentId: string;
  readonly account: string;
  readonly symbol: string;
  readonly outcome: string;
  readonly reason: string;
  readonly intent?: { readonly quantity?: number; readonly signalTs?: number };
}
