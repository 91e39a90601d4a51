import type { Micros } from './time.js';

/**
 * The typed events that flow through Enigma-Apex. Every event carries `ts`, integer Unix epoch
 * microseconds (UTC), and the instrument `symbol` as NinjaTrader names it (`NQ 12-26`) where one
 * applies. Prices are rounded to the instrument's tick on entry; sizes are whole contracts.
 */

export type Side = 'buy' | 'sell';
/** Which side took liquidity in a trade; `unknown` when the feed does not say. */
export type AggressorSide = Side | 'unknown';

/** One trade print, with the best bid and ask at that moment. */
export interface Tick {
  readonly symbol: string;
  readonly ts: Micros;
  readonly price: number;
  readonly size: number;
  readonly bid: number;
  readonly ask: number;
  readonly side: AggressorSide;
  /** Where the print came from: `gateway:<session>` or `pipeline:<id>` (core/market-source.ts); absent: the engine's own. */
  readonly source?: string;
}

/** A completed OHLCV bar; `ts` is the start of the bar, `end` the exclusive end. */
export interface Bar {
  readonly symbol: string;
  readonly ts: Micros;
  readonly end: Micros;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  readonly volume: number;
  /** Volume traded at the ask (buyer-initiated) and at the bid (seller-initiated). */
  readonly buyVolume: number;
  readonly sellVolume: number;
  readonly trades: number;
  /** Where the bar came from, as for {@link Tick.source}. */
  readonly source?: string;
}

/**
 * When a message's information became known: a bar's end (its close), any other message's `ts`.
 * Everything derived from a message (features, windows, signals) carries this time, so nothing
 * computed from a bar is stamped before the bar closed.
 */
export function availableAt(message: { readonly ts: Micros; readonly end?: Micros }): Micros {
  return message.end ?? message.ts;
}

/**
 * Named numeric values for one instrument at one time: indicator outputs, joined features.
 * Keys are `stepId` or `stepId.output` (e.g. `ema21`, `bb.upper`), so they never collide.
 */
export interface Features {
  readonly symbol: string;
  readonly ts: Micros;
  readonly values: Readonly<Record<string, number>>;
}

export type Direction = 'long' | 'short' | 'neutral';
export type SignalStrength = 'normal' | 'strong';
export type ConfluenceLevel = 1 | 2 | 3 | 4;

/** An order-flow signal, as the Enigma indicator (or a pipeline's own rules) emits it. */
export interface Signal {
  /** Who produced it: `enigma` for the NinjaTrader indicator, `pipeline.step` for rules. */
  readonly source: string;
  readonly symbol: string;
  readonly ts: Micros;
  readonly direction: Direction;
  readonly strength: SignalStrength;
  /** Indicator-defined magnitude of the order-flow push; larger is stronger. */
  readonly power: number;
  /** How many independent conditions agree, 1 (weakest) to 4. */
  readonly confluence: ConfluenceLevel;
  /** Reference price when the signal fired. */
  readonly price: number;
  readonly stop?: number;
  readonly targets?: readonly number[];
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
}

export type OrderType = 'market' | 'limit' | 'stop' | 'stop-limit';
export type TimeInForce = 'day' | 'gtc' | 'ioc' | 'fok';

/** A sized, not yet risk-checked wish to trade, produced by sizing from a signal. */
export interface OrderIntent {
  readonly id: string;
  readonly account: string;
  readonly symbol: string;
  readonly ts: Micros;
  readonly side: Side;
  readonly quantity: number;
  readonly type: OrderType;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly timeInForce: TimeInForce;
  /** Protective stop and profit targets, sent as a bracket (OCO) with the entry. */
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  /** The signal this intent came from, for analytics (signal → fill). */
  readonly signalTs?: Micros;
  readonly reason: string;
}

export type OrderStatus =
  | 'pending'
  | 'submitted'
  | 'accepted'
  | 'working'
  | 'partially-filled'
  | 'filled'
  | 'cancel-pending'
  | 'cancelled'
  | 'rejected'
  | 'expired';

/** Statuses in which an order can still fill. */
export const LIVE_ORDER_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>([
  'pending',
  'submitted',
  'accepted',
  'working',
  'partially-filled',
  'cancel-pending',
]);

/** An order as the execution engine knows it; every status change is a new Order event. */
export interface Order {
  readonly clientOrderId: string;
  readonly brokerOrderId?: string;
  readonly account: string;
  readonly symbol: string;
  readonly ts: Micros;
  readonly side: Side;
  readonly quantity: number;
  readonly filledQuantity: number;
  readonly averageFillPrice?: number;
  readonly type: OrderType;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly timeInForce: TimeInForce;
  readonly status: OrderStatus;
  readonly reason?: string;
}

/** One execution against an order. */
export interface Fill {
  readonly fillId: string;
  readonly clientOrderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly ts: Micros;
  readonly side: Side;
  readonly quantity: number;
  readonly price: number;
  /** Commission and fees in the account currency. */
  readonly commission: number;
}

/** Net position of one account in one instrument; `quantity` is signed (short < 0). */
export interface Position {
  readonly account: string;
  readonly symbol: string;
  readonly ts: Micros;
  readonly quantity: number;
  readonly averagePrice: number;
  readonly unrealizedPnl: number;
  readonly realizedPnl: number;
}

/** Balances of one account, in its currency. */
export interface AccountState {
  readonly account: string;
  readonly ts: Micros;
  readonly currency: string;
  /** Cash balance including realised P&L. */
  readonly balance: number;
  /** Balance plus open (unrealised) P&L. */
  readonly equity: number;
  readonly realizedPnlToday: number;
  readonly unrealizedPnl: number;
}

/** ACTIVE trades freely; REDUCING accepts only orders that shrink a position; HALTED only cancels. */
export type TradingState = 'ACTIVE' | 'REDUCING' | 'HALTED';

export interface RiskState {
  readonly account: string;
  readonly ts: Micros;
  readonly state: TradingState;
  readonly reasons: readonly string[];
  /** 0 (about to breach) to 100 (far from every limit). */
  readonly health: number;
}

export type AlertSeverity = 'info' | 'warning' | 'critical';

export interface Alert {
  readonly ts: Micros;
  readonly severity: AlertSeverity;
  readonly code: string;
  readonly message: string;
  readonly account?: string;
  readonly symbol?: string;
}

/**
 * One state change made through the control plane, with who made it (the audit log, table
 * `audit`): a halt, a confirmation, a token created. Refused attempts are recorded too.
 */
export interface AuditEntry {
  readonly ts: Micros;
  /** The token's name (`admin`, `phone`), or `local:<user>` for a command run on the machine. */
  readonly principal: string;
  /** The token's role (src/server/auth/roles.ts), or `local` for a command run on the machine. */
  readonly role: string;
  /** What was done, e.g. `halt`, `resume`, `confirm`, `set-mode`, `token.create`. */
  readonly action: string;
  /** What it was done to: an account, a proposal id, a pipeline, a token name; `*` for all. */
  readonly target: string;
  readonly outcome: 'ok' | 'refused';
  /** Why it was refused, or what else matters (the new mode, the role of a new token). */
  readonly detail?: string;
}

/** A message a step or an edge could not process, kept with the reason so nothing is lost. */
export interface DeadLetter {
  readonly ts: Micros;
  /** Where it happened: `pipeline.step` for pipeline steps, `gateway`, `csv:<file>` at the edges. */
  readonly origin: string;
  readonly code: string;
  readonly reason: string;
  /** The message as it arrived (an object, or the raw text at an edge). */
  readonly message: unknown;
}

/**
 * Whether an account's broker can take orders now. The paper broker always can; a NinjaTrader
 * account can while its AddOn session is connected and its snapshot has been reconciled.
 */
export interface BrokerStatus {
  readonly ts: Micros;
  readonly account: string;
  readonly broker: string;
  readonly connected: boolean;
  readonly reason: string;
}
