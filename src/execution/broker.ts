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
    }
  | { readonly kind: 'fill'; readonly fill: Fill }
  | { readonly kind: 'position'; readonly position: Position }
  | { readonly kind: 'account'; readonly state: AccountState }
  | { readonly kind: 'connection'; readonly connected: boolean; readonly ts: Micros };

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
