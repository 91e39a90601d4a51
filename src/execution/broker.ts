import type {
  AccountState,
  Fill,
  Order,
  OrderStatus,
  OrderType,
  Position,
  Side,
  TimeInForce,
} from '../core/events.js';
import type { OrderChanges } from '../core/execution-commands.js';
import type { Micros } from '../core/time.js';

export type { OrderChanges };

/** An order as sent to a broker: the order manager has already assigned its client order id. */
export interface OrderRequest {
  readonly clientOrderId: string;
  readonly account: string;
  readonly symbol: string;
  readonly ts: Micros;
  readonly side: Side;
  readonly quantity: number;
  readonly type: OrderType;
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly timeInForce: TimeInForce;
  /** Exit legs, for brokers that place them themselves (`ownsBrackets`). */
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  readonly signalTs?: Micros;
  readonly reason?: string;
}

/** What a broker reports. Listeners are called synchronously, in the order things happened. */
export type BrokerEvent =
  | {
      readonly kind: 'order';
      readonly clientOrderId: string;
      readonly ts: Micros;
      readonly status: OrderStatus;
      readonly brokerOrderId?: string;
      readonly reason?: string;
      /** Present after a replace: the order's new terms. */
      readonly changes?: OrderChanges;
      /** Filled so far as the broker counts it (its order report), when it says. */
      readonly filledQuantity?: number;
      readonly averageFillPrice?: number;
      /** The broker's whole view of the order: lets the order manager adopt one it did not place. */
      readonly order?: Order;
    }
  | { readonly kind: 'fill'; readonly fill: Fill }
  | { readonly kind: 'position'; readonly position: Position }
  /** The broker reported on the account (already published elsewhere): a flat may now be confirmed. */
  | { readonly kind: 'report'; readonly account: string; readonly ts: Micros }
  | { readonly kind: 'account'; readonly state: AccountState }
  | {
      readonly kind: 'connection';
      readonly connected: boolean;
      readonly ts: Micros;
      /** The accounts whose link changed (default: every account of the broker). */
      readonly accounts?: readonly string[];
      readonly reason?: string;
    };

/**
 * A broker adapter: the paper broker, the NinjaTrader broker (through the gateway), others. The
 * order manager is its only caller. Requests never throw for a trading reason: a refusal is a
 * `rejected` order event.
 */
export interface BrokerAdapter {
  readonly name: string;
  /**
   * True when the broker's reports already reach the bus by another way (the NinjaTrader gateway
   * publishes the AddOn's fills itself): the order manager then does not publish them again.
   */
  readonly reportsOnBus?: boolean;
  /**
   * True when the broker places a bracket's exits itself once the entry fills (NinjaTrader's AddOn,
   * docs/protocol.md §4.3) and reports them as `<entryId>-sl` / `<entryId>-tp`: the order manager
   * then sends the bracket with the entry and tracks the legs from the reports.
   */
  readonly ownsBrackets?: boolean;
  /** How a flat confirmation names the broker ("confirmed by NinjaTrader"). */
  readonly displayName?: string;
  /**
   * Closes a position (or every position of the account) at the broker, when it has its own
   * flatten (NinjaTrader's `flatten`); else the order manager sends a market order per position.
   */
  flatten?(account: string, symbol: string | undefined, reason: string, ts: Micros): void;
  /** An order this broker was sent under the id, also before a restart (NinjaTrader's journal). */
  sentOrder?(clientOrderId: string): OrderRequest | undefined;
  /** Asks the broker for a fresh view of the account (reported as a `connection` event). */
  requestSnapshot?(account: string, reason: string): void;
  /** Accounts this broker holds. */
  accounts(): readonly string[];
  submit(request: OrderRequest): void;
  cancel(clientOrderId: string, ts: Micros): void;
  replace(clientOrderId: string, changes: OrderChanges, ts: Micros): void;
  /** Positions as the broker knows them (authoritative on reconnect). */
  positions(account: string): readonly Position[];
  /** Live orders as the broker knows them (authoritative on reconnect). */
  workingOrders(account: string): readonly Order[];
  accountState(account: string, ts: Micros): AccountState;
  /** Adds a listener; returns a function that removes it. */
  subscribe(listener: (event: BrokerEvent) => void): () => void;
  /** (Re)connects; resolves once positions and working orders can be read. */
  connect(): Promise<void>;
  close(): Promise<void>;
}
