import type {
  AccountState,
  Alert,
  AuditEntry,
  BrokerStatus,
  Bar,
  DeadLetter,
  Features,
  Fill,
  Order,
  OrderIntent,
  Position,
  RiskState,
  Signal,
  Tick,
} from '../core/events.js';
import type { AlertDelivery } from '../alerts/alert-events.js';
import type { ErrorCode } from '../core/error-codes.js';
import type { ExecutionCommand } from '../core/execution-commands.js';
import type {
  OrderDenied,
  OrderProposal,
  RiskCommand,
  RiskDecision,
  RiskLimits,
} from '../risk/risk-events.js';

/**
 * A message as it arrived at an edge (gateway session, file), with its provenance: the store
 * persists these and reports, per source, the highest contiguous `seq` it has committed.
 */
export interface Received {
  /** The edge and session it came from, e.g. `gateway:<sessionId>`. */
  readonly source: string;
  /** Per-source sequence number, increasing from 1. */
  readonly seq: number;
  readonly type: string;
  readonly message: unknown;
}

/** Every message of `source` up to and including `seq` is durably committed. */
export interface StoredWatermark {
  readonly source: string;
  readonly seq: number;
}

/**
 * A message accepted at the edge that the store refused (time backwards in its source's series, a
 * value its table cannot hold): the sender is told, with the seq; the history keeps it as refused.
 */
export interface StoreRefusal {
  /** The edge source (`gateway:<session>`) and the message's seq in it. */
  readonly source: string;
  readonly seq: number;
  readonly type: string;
  readonly code: ErrorCode;
  readonly reason: string;
}

/** Market data a NinjaTrader command can ask the AddOn to stream. */
export type NinjaTraderStream = 'tick' | 'quote' | 'bar';

/**
 * A command for the NinjaTrader AddOn. The gateway sends it, as the protocol message of the same
 * name, to the session that trades `account` (subscriptions without an account go to every
 * session). Orders carry the intent; its `id` is the idempotent `client_order_id`.
 */
export type NinjaTraderCommand =
  | { readonly kind: 'order'; readonly intent: OrderIntent }
  | {
      readonly kind: 'cancel';
      readonly commandId: string;
      readonly account: string;
      readonly clientOrderId: string;
      readonly reason?: string;
    }
  | {
      readonly kind: 'replace';
      readonly commandId: string;
      readonly account: string;
      readonly clientOrderId: string;
      readonly quantity?: number;
      readonly limitPrice?: number;
      readonly stopPrice?: number;
    }
  | {
      readonly kind: 'flatten';
      readonly commandId: string;
      readonly account: string;
      readonly symbol?: string;
      readonly reason: string;
    }
  | {
      readonly kind: 'proposal';
      readonly proposalId: string;
      readonly intent: OrderIntent;
      readonly expiresTs: number;
      readonly reason: string;
    }
  /** Asks the AddOn trading `account` for a `snapshot` (reconcile, or confirm a flatten). */
  | { readonly kind: 'snapshot_request'; readonly account: string; readonly reason: string }
  | {
      readonly kind: 'subscribe' | 'unsubscribe';
      readonly account?: string;
      readonly symbols: readonly string[];
      readonly streams: readonly NinjaTraderStream[];
      readonly barPeriodSeconds?: number;
    };

/**
 * A NinjaTrader AddOn session as the gateway sees it: `connected` after each welcome, `disconnected`
 * when its connection ends (the session stays for resume), `snapshot` once the positions, working
 * orders and accounts of a `snapshot` message are on the bus (time to reconcile).
 */
export interface NinjaTraderSessionEvent {
  readonly kind: 'connected' | 'disconnected' | 'snapshot';
  readonly sessionId: string;
  readonly accounts: readonly string[];
  readonly ts: number;
  /** For `connected`: true when an existing session continued. */
  readonly resumed?: boolean;
  /** For `snapshot`: what it listed (positions absent from it are flat, orders absent are not working). */
  readonly snapshot?: {
    readonly accounts: readonly AccountState[];
    readonly positions: readonly Position[];
    readonly orders: readonly Order[];
  };
}

/**
 * Whether the store can write. Published when commits start failing (a full or read-only disk)
 * and when they go through again; while `ok` is false nothing new is acknowledged as stored.
 */
export interface StoreHealth {
  readonly ts: number;
  readonly ok: boolean;
  /** While failing: `STORE_UNAVAILABLE`. */
  readonly code?: 'STORE_UNAVAILABLE';
  /** While failing: why, in words a trader can act on (names the cause and the file). */
  readonly reason?: string;
}

/** A named channel on the bus; the type parameter is the message type it carries. */
export interface Topic<T> {
  readonly name: string;
  /** Phantom field: never set, only ties the message type to the topic. */
  readonly message?: T;
}

function topic<T>(name: string): Topic<T> {
  return { name };
}

/**
 * Every topic on the bus. This is the only place topic names are built: engines and pipelines
 * refer to these constants, never to strings.
 */
export const TOPICS = {
  ticks: topic<Tick>('market.ticks'),
  bars: topic<Bar>('market.bars'),
  features: topic<Features>('features'),
  signals: topic<Signal>('signals'),
  orderIntents: topic<OrderIntent>('orders.intents'),
  orders: topic<Order>('orders.updates'),
  fills: topic<Fill>('orders.fills'),
  positions: topic<Position>('accounts.positions'),
  accounts: topic<AccountState>('accounts.state'),
  riskStates: topic<RiskState>('risk.states'),
  alerts: topic<Alert>('alerts'),
  deadLetters: topic<DeadLetter>('dead-letters'),
  received: topic<Received>('edge.received'),
  stored: topic<StoredWatermark>('store.watermarks'),
  storeRefusals: topic<StoreRefusal>('store.refusals'),
  /** Intents the risk gate passed, for the execution engine (risk engine → order manager). */
  approvedIntents: topic<OrderIntent>('orders.approved'),
  /** Intents the risk gate refused, with the reason and the numbers. */
  orderDenials: topic<OrderDenied>('orders.denied'),
  /** Risk-checked orders waiting for a person to confirm (automation mode `confirm`). */
  orderProposals: topic<OrderProposal>('orders.proposals'),
  /** Every decision of the risk engine on an intent: approved, denied, proposed, confirmed, rejected, expired. */
  riskDecisions: topic<RiskDecision>('risk.decisions'),
  /** Flatten, cancel-all and other commands for the execution engine. */
  executionCommands: topic<ExecutionCommand>('execution.commands'),
  /** Each account's room under its rules (drawdown, daily loss, contracts), for sizing. */
  riskLimits: topic<RiskLimits>('risk.limits'),
  /** Asks the risk engine to publish an account's limits now (a sizing step that just started). */
  riskLimitsRequests: topic<{ readonly account: string }>('risk.limits.requests'),
  /** Commands for the NinjaTrader AddOn; the gateway delivers them (docs/protocol.md §4.3). */
  ninjatraderCommands: topic<NinjaTraderCommand>('ninjatrader.commands'),
  /** NinjaTrader AddOn sessions connecting, leaving and reporting snapshots (for reconciliation). */
  ninjatraderSessions: topic<NinjaTraderSessionEvent>('ninjatrader.sessions'),
  /** Risk commands from an edge (the AddOn's kill button, its proposal decisions) for the risk engine. */
  riskCommands: topic<RiskCommand>('risk.commands'),
  /** Each account's broker link going up or down (execution engine → risk engine). */
  brokerStatus: topic<BrokerStatus>('execution.broker-status'),
  /** The store failing to write (full or read-only disk) and writing again. */
  storeHealth: topic<StoreHealth>('store.health'),
  /** Every try to deliver an alert to a channel (webhook, ntfy, Telegram…), and alerts held back. */
  alertDeliveries: topic<AlertDelivery>('alerts.deliveries'),
  /** Every state change made through the control plane, with who made it (the audit log). */
  audit: topic<AuditEntry>('audit'),
} as const;

export type TopicKey = keyof typeof TOPICS;

/** The topic for a key, for pipelines that name topics in their params (`publish: { topic: signals }`). */
export function topicByKey(key: TopicKey): Topic<unknown> {
  return TOPICS[key];
}
