import type {
  AccountState,
  Alert,
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
} as const;

export type TopicKey = keyof typeof TOPICS;

/** The topic for a key, for pipelines that name topics in their params (`publish: { topic: signals }`). */
export function topicByKey(key: TopicKey): Topic<unknown> {
  return TOPICS[key];
}
