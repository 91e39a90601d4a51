import type { OrderIntent } from './events.js';

/** Fields of a working order that a cancel/replace may change. */
export interface OrderChanges {
  readonly quantity?: number;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
}

/**
 * Commands the execution engine takes: from the risk engine on the bus (approved intents,
 * flatten and cancel on a halt) and from people through the API/CLI (cancel, replace).
 */
export type ExecutionCommand =
  /** Sends a risk-checked intent; a second submit with the same intent id is ignored (idempotent). */
  | { readonly type: 'submit'; readonly intent: OrderIntent }
  | { readonly type: 'cancel'; readonly clientOrderId: string }
  | { readonly type: 'replace'; readonly clientOrderId: string; readonly changes: OrderChanges }
  /** Cancels every live order of one account, or of every account. */
  | { readonly type: 'cancel-all'; readonly account?: string; readonly reason: string }
  /** Cancels every live order and closes every position with market orders. */
  | { readonly type: 'flatten'; readonly account?: string; readonly reason: string }
  /** Keeps a bracket's stop `distance` price points behind the best price since entry. */
  | { readonly type: 'trail-stop'; readonly clientOrderId: string; readonly distance: number }
  /** Moves a bracket's stop to the entry price once price has moved `trigger` points in favour. */
  | { readonly type: 'breakeven'; readonly clientOrderId: string; readonly trigger: number }
  /** Compares the engine's view of an account with its broker's and adopts the broker's. */
  | { readonly type: 'reconcile'; readonly account: string };

export interface ExecutionResult {
  readonly ok: boolean;
  readonly message: string;
  /** Client order ids the command created or touched. */
  readonly orders: readonly string[];
}
