import type { Micros } from '../core/time.js';
import type { OrderIntent } from '../core/events.js';
import type { AutomationMode } from './rule-profile.js';

/** Why the risk gate refused an order intent. */
export type DenialCode =
  | 'HALTED'
  | 'REDUCING_ONLY'
  | 'OUTSIDE_TRADING_HOURS'
  | 'UNKNOWN_INSTRUMENT'
  | 'INSTRUMENT_NOT_ALLOWED'
  | 'INVALID_QUANTITY'
  | 'INVALID_PRICE'
  | 'CONTRACT_LIMIT'
  | 'DRAWDOWN_ROOM'
  | 'DAILY_LOSS_ROOM'
  | 'ORDER_RATE'
  | 'UNKNOWN_ACCOUNT'
  | 'SIGNALS_ONLY'
  | 'PROPOSAL_EXPIRED'
  | 'STALE_INTENT'
  /** The account's broker cannot take orders: its NinjaTrader AddOn is not connected (or not reconciled). */
  | 'BROKER_DISCONNECTED';

/**
 * An order intent the risk gate refused: the reason in words and the numbers behind it (limit,
 * requested, current, in the units the code names), so a trader can see how far off it was.
 */
export interface OrderDenied {
  readonly ts: Micros;
  readonly intentId: string;
  readonly account: string;
  readonly symbol: string;
  readonly code: DenialCode;
  readonly reason: string;
  readonly numbers: Readonly<Record<string, number>>;
}

/** What the risk engine decided about an order intent (or the proposal made of it). */
export type DecisionOutcome = 'approved' | 'denied' | 'proposed' | 'confirmed' | 'rejected' | 'expired';

/**
 * One decision of the risk engine on one intent, published on `TOPICS.riskDecisions` and kept in
 * the store's `decisions` table: every intent gets `approved`, `denied` or `proposed`; a proposal
 * then gets `confirmed` (sent), `denied` (checked again on confirm), `rejected` (by a person, or by
 * the engine when a halt or a mode change drops it) or `expired`.
 */
export interface RiskDecision {
  /** When the decision was made (engine clock). */
  readonly ts: Micros;
  readonly intentId: string;
  readonly account: string;
  readonly symbol: string;
  readonly outcome: DecisionOutcome;
  /** The denial code (`denied`, `expired`, and `rejected` by the engine). */
  readonly code?: DenialCode;
  readonly reason: string;
  /** The figures behind the decision (limit, requested, room…), named as the rule names them. */
  readonly numbers: Readonly<Record<string, number>>;
  readonly intent: OrderIntent;
  /** Who decided, for `confirmed` and `rejected` (a person's name, `engine`). */
  readonly by?: string;
}

/** Which of a denial's numbers is the limit and which the value held against it, per code. */
const FIGURES: Partial<Record<DenialCode, readonly [limit: string | undefined, value: string | undefined]>> =
  {
    CONTRACT_LIMIT: ['limitMinis', 'projectedMinis'],
    DRAWDOWN_ROOM: ['room', 'lossAtStop'],
    DAILY_LOSS_ROOM: ['room', 'lossAtStop'],
    STALE_INTENT: ['maxAgeMicros', 'ageMicros'],
    ORDER_RATE: ['limit', undefined],
    INVALID_QUANTITY: [undefined, 'requested'],
    REDUCING_ONLY: [undefined, 'requested'],
    PROPOSAL_EXPIRED: ['expiresAt', 'decidedAt'],
  };

/** The limit and the value behind a decision, where its code has them (for columns and tables). */
export function decisionFigures(decision: Pick<RiskDecision, 'code' | 'numbers'>): {
  limit: number | undefined;
  value: number | undefined;
} {
  // Stryker disable next-line ArrayDeclaration: destructuring [] gives the same two undefineds
  const [limitKey, valueKey] = (decision.code && FIGURES[decision.code]) || [undefined, undefined];
  return {
    limit: limitKey === undefined ? undefined : decision.numbers[limitKey],
    value: valueKey === undefined ? undefined : decision.numbers[valueKey],
  };
}

/**
 * An account's room under its rules, for sizing: the `kelly` operator caps each order so its loss
 * at the stop fits the room and its size fits the contract limit.
 */
export interface RiskLimits {
  readonly account: string;
  readonly ts: Micros;
  readonly equity: number;
  /** Equity − trailing threshold; Infinity without a trailing rule. */
  readonly drawdownRoom: number;
  /** Daily loss limit + today's P&L; Infinity without a daily loss rule. */
  readonly dailyLossRoom: number;
  /** Full-size contracts allowed now (scaling and half size applied); Infinity without a limit. */
  readonly contractLimit: number;
  /** Worst-case open exposure now (positions and live orders), in full-size contracts. */
  readonly openMinis: number;
  readonly microsPerMini: number;
}

/** A sized, risk-checked order waiting for a person (automation mode `confirm`). */
export interface OrderProposal {
  readonly ts: Micros;
  /** The intent id; confirm or reject by this id. */
  readonly id: string;
  readonly intent: OrderIntent;
  /** After this the proposal can no longer be confirmed. */
  readonly expiresAt: Micros;
}

/** Commands a person (CLI, API, dashboard) gives the risk engine. */
export type RiskCommand =
  /** Flatten, cancel and halt one account or every account; persists until `resume`. */
  | { readonly type: 'kill'; readonly account?: string; readonly reason: string; readonly by: string }
  /** Lifts a halt (manual or from a breach) on one account or every account. */
  | { readonly type: 'resume'; readonly account?: string; readonly by: string }
  | { readonly type: 'confirm'; readonly proposalId: string; readonly by: string }
  | { readonly type: 'reject'; readonly proposalId: string; readonly by: string }
  | {
      readonly type: 'set-mode';
      readonly account: string;
      readonly mode: AutomationMode;
      readonly by: string;
    }
  /** A person has checked a broker reconciliation mismatch: the account leaves REDUCING. */
  | { readonly type: 'resolve'; readonly account: string; readonly by: string };

/** What a command did, for the CLI/API to show. */
export interface CommandResult {
  readonly ok: boolean;
  readonly message: string;
  readonly accounts: readonly string[];
}
