import { Type, type Static, type TSchema, type TUnsafe } from '@sinclair/typebox';

/**
 * Protocol v1 (docs/protocol.md): one JSON Schema per message. The gateway validates inbound
 * messages with these (Ajv) and serialises outbound ones from them (fast-json-stringify), and the
 * Node client does the reverse, so the page, the engine and the client cannot drift apart.
 */

export const PROTOCOL_VERSION = 1;

const strict = { additionalProperties: false } as const;

// Ajv's number and integer checks let Infinity through (JSON.parse makes it from `1e999`), so every
// number is bounded: the bounds are what refuses non-finite values.
const Finite = (options: { minimum?: number } = {}) =>
  Type.Number({ minimum: -Number.MAX_VALUE, maximum: Number.MAX_VALUE, ...options });
const WholeNumber = (minimum: number) => Type.Integer({ minimum, maximum: Number.MAX_SAFE_INTEGER });
/**
 * A value from a fixed list, as a JSON Schema `enum` (not TypeBox's anyOf of literals): Ajv
 * checks it with one lookup and fast-json-stringify writes it without choosing among branches.
 */
function StringEnum<const T extends readonly string[]>(values: T): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values] });
}
function IntegerEnum<const T extends readonly number[]>(values: T): TUnsafe<T[number]> {
  return Type.Unsafe<T[number]>({ type: 'integer', enum: [...values] });
}
const Seq = WholeNumber(0);
const Ts = WholeNumber(0);
const InstrumentSymbol = Type.String({ minLength: 1, maxLength: 64 });
const AccountName = Type.String({ minLength: 1, maxLength: 128 });
const Identifier = Type.String({ minLength: 1, maxLength: 128 });
const Price = Finite();
const Size = WholeNumber(0);
const Quantity = WholeNumber(1);
const Money = Finite();
const SideSchema = StringEnum(['buy', 'sell']);
const OrderTypeSchema = StringEnum(['market', 'limit', 'stop', 'stop-limit']);
const TimeInForceSchema = StringEnum(['day', 'gtc', 'ioc', 'fok']);
const OrderStatusSchema = StringEnum([
  'pending',
  'submitted',
  'accepted',
  'working',
  'partially-filled',
  'filled',
  'cancel-pending',
  'cancelled',
  'rejected',
  'expired',
]);
const StreamSchema = StringEnum(['tick', 'quote', 'bar']);
const Software = Type.Object(
  { name: Type.String({ maxLength: 128 }), version: Type.String({ maxLength: 64 }) },
  strict,
);

function message<T extends string, P extends Record<string, TSchema>>(type: T, properties: P) {
  return Type.Object({ type: Type.Literal(type), seq: Seq, ts: Ts, ...properties }, strict);
}

// Bodies shared by a message and the snapshot that lists them.
const accountFields = {
  account: AccountName,
  currency: Type.String({ minLength: 1, maxLength: 8 }),
  balance: Money,
  equity: Money,
  realized_pnl_today: Money,
  unrealized_pnl: Money,
};
const positionFields = {
  account: AccountName,
  symbol: InstrumentSymbol,
  quantity: WholeNumber(-Number.MAX_SAFE_INTEGER),
  average_price: Price,
  unrealized_pnl: Money,
  realized_pnl: Money,
};
const orderUpdateFields = {
  client_order_id: Identifier,
  broker_order_id: Type.Optional(Identifier),
  account: AccountName,
  symbol: InstrumentSymbol,
  side: SideSchema,
  quantity: Quantity,
  filled_quantity: Size,
  average_fill_price: Type.Optional(Price),
  order_type: OrderTypeSchema,
  limit_price: Type.Optional(Price),
  stop_price: Type.Optional(Price),
  time_in_force: TimeInForceSchema,
  status: OrderStatusSchema,
  reason: Type.Optional(Type.String({ maxLength: 1024 })),
};
const orderFields = {
  client_order_id: Identifier,
  account: AccountName,
  symbol: InstrumentSymbol,
  side: SideSchema,
  quantity: Quantity,
  order_type: OrderTypeSchema,
  limit_price: Type.Optional(Price),
  stop_price: Type.Optional(Price),
  time_in_force: TimeInForceSchema,
  bracket: Type.Optional(
    Type.Object({ stop_loss: Type.Optional(Price), take_profit: Type.Optional(Price) }, strict),
  ),
  signal_ts: Type.Optional(Ts),
  reason: Type.String({ maxLength: 1024 }),
};

// Client → engine.
export const HelloMessage = message('hello', {
  protocol: WholeNumber(1),
  client: Software,
  accounts: Type.Array(AccountName, { maxItems: 64 }),
  session_id: Type.Optional(Identifier),
  last_seq: Seq,
});
export const AckMessage = message('ack', { last_seq: Seq });
export const PingMessage = message('ping', { id: Type.Optional(Type.String({ maxLength: 128 })) });
export const TickMessage = message('tick', {
  symbol: InstrumentSymbol,
  price: Price,
  size: Size,
  bid: Price,
  ask: Price,
  side: StringEnum(['buy', 'sell', 'unknown']),
});
export const QuoteMessage = message('quote', {
  symbol: InstrumentSymbol,
  bid: Price,
  ask: Price,
  bid_size: Size,
  ask_size: Size,
});
export const BarMessage = message('bar', {
  symbol: InstrumentSymbol,
  end: Ts,
  open: Price,
  high: Price,
  low: Price,
  close: Price,
  volume: Size,
  buy_volume: Size,
  sell_volume: Size,
  trades: Size,
});
export const SignalMessage = message('signal', {
  source: Type.Optional(Type.String({ minLength: 1, maxLength: 128 })),
  symbol: InstrumentSymbol,
  direction: StringEnum(['long', 'short', 'neutral']),
  strength: StringEnum(['normal', 'strong']),
  power: Finite(),
  confluence: IntegerEnum([1, 2, 3, 4]),
  price: Price,
  stop: Type.Optional(Price),
  targets: Type.Optional(Type.Array(Price, { maxItems: 16 })),
  metadata: Type.Optional(
    Type.Record(Type.String(), Type.Union([Type.String({ maxLength: 1024 }), Finite(), Type.Boolean()])),
  ),
});
export const AccountMessage = message('account', accountFields);
export const PositionMessage = message('position', positionFields);
export const OrderUpdateMessage = message('order_update', orderUpdateFields);
export const ExecutionMessage = message('execution', {
  fill_id: Identifier,
  client_order_id: Identifier,
  account: AccountName,
  symbol: InstrumentSymbol,
  side: SideSchema,
  quantity: Quantity,
  price: Price,
  commission: Finite({ minimum: 0 }),
});
export const SnapshotMessage = message('snapshot', {
  request_id: Type.Optional(Identifier),
  accounts: Type.Array(Type.Object({ ts: Ts, ...accountFields }, strict), { maxItems: 1024 }),
  positions: Type.Array(Type.Object({ ts: Ts, ...positionFields }, strict), { maxItems: 4096 }),
  orders: Type.Array(Type.Object({ ts: Ts, ...orderUpdateFields }, strict), { maxItems: 4096 }),
});
export const ProposalDecisionMessage = message('proposal_decision', {
  proposal_id: Identifier,
  decision: StringEnum(['accepted', 'rejected', 'expired']),
  reason: Type.Optional(Type.String({ maxLength: 1024 })),
});
export const KillMessage = message('kill', {
  reason: Type.String({ minLength: 1, maxLength: 1024 }),
  account: Type.Optional(AccountName),
});

// Engine → client.
export const WelcomeMessage = message('welcome', {
  protocol: Type.Integer(),
  session_id: Identifier,
  resumed: Type.Boolean(),
  last_seq: Seq,
  server: Software,
  heartbeat_ms: Type.Integer({ minimum: 1 }),
  max_payload: Type.Integer({ minimum: 1 }),
});
export const ErrorMessage = message('error', {
  code: Type.String(),
  message: Type.String(),
  ref_seq: Type.Optional(Seq),
  ref_type: Type.Optional(Type.String()),
});
export const PongMessage = message('pong', { id: Type.Optional(Type.String()), ping_ts: Ts });
export const OrderMessage = message('order', orderFields);
export const CancelMessage = message('cancel', {
  command_id: Identifier,
  client_order_id: Identifier,
  account: AccountName,
  reason: Type.Optional(Type.String()),
});
export const ReplaceMessage = message('replace', {
  command_id: Identifier,
  client_order_id: Identifier,
  account: AccountName,
  quantity: Type.Optional(Quantity),
  limit_price: Type.Optional(Price),
  stop_price: Type.Optional(Price),
});
export const FlattenMessage = message('flatten', {
  command_id: Identifier,
  account: AccountName,
  symbol: Type.Optional(InstrumentSymbol),
  reason: Type.String(),
});
export const StateMessage = message('state', {
  account: AccountName,
  state: StringEnum(['ACTIVE', 'REDUCING', 'HALTED']),
  reasons: Type.Array(Type.String()),
  health: Type.Number({ minimum: 0, maximum: 100 }),
});
export const ProposalMessage = message('proposal', {
  proposal_id: Identifier,
  expires_ts: Ts,
  order: Type.Object(orderFields, strict),
  reason: Type.String(),
});
const subscriptionFields = {
  symbols: Type.Array(InstrumentSymbol),
  streams: Type.Array(StreamSchema),
  bar_period_seconds: Type.Optional(Type.Integer({ minimum: 1 })),
};
export const SubscribeMessage = message('subscribe', subscriptionFields);
export const UnsubscribeMessage = message('unsubscribe', subscriptionFields);
export const SnapshotRequestMessage = message('snapshot_request', {
  request_id: Identifier,
  reason: Type.String(),
});

/** Client → engine messages, by type. */
export const CLIENT_MESSAGE_SCHEMAS = {
  hello: HelloMessage,
  ack: AckMessage,
  ping: PingMessage,
  tick: TickMessage,
  quote: QuoteMessage,
  bar: BarMessage,
  signal: SignalMessage,
  account: AccountMessage,
  position: PositionMessage,
  order_update: OrderUpdateMessage,
  execution: ExecutionMessage,
  snapshot: SnapshotMessage,
  proposal_decision: ProposalDecisionMessage,
  kill: KillMessage,
} as const;

/** Engine → client messages, by type. */
export const ENGINE_MESSAGE_SCHEMAS = {
  welcome: WelcomeMessage,
  ack: AckMessage,
  error: ErrorMessage,
  pong: PongMessage,
  order: OrderMessage,
  cancel: CancelMessage,
  replace: ReplaceMessage,
  flatten: FlattenMessage,
  state: StateMessage,
  proposal: ProposalMessage,
  subscribe: SubscribeMessage,
  unsubscribe: UnsubscribeMessage,
  snapshot_request: SnapshotRequestMessage,
} as const;

export type ClientMessageType = keyof typeof CLIENT_MESSAGE_SCHEMAS;
export type EngineMessageType = keyof typeof ENGINE_MESSAGE_SCHEMAS;
export type ClientMessage = {
  [K in ClientMessageType]: Static<(typeof CLIENT_MESSAGE_SCHEMAS)[K]>;
}[ClientMessageType];
export type EngineMessage = {
  [K in EngineMessageType]: Static<(typeof ENGINE_MESSAGE_SCHEMAS)[K]>;
}[EngineMessageType];

/** Control messages carry `seq: 0` and are never acknowledged or resent. */
export const CONTROL_TYPES: ReadonlySet<string> = new Set([
  'hello',
  'welcome',
  'ack',
  'error',
  'ping',
  'pong',
]);

export type HelloMessage = Static<typeof HelloMessage>;
export type WelcomeMessage = Static<typeof WelcomeMessage>;
export type AckMessage = Static<typeof AckMessage>;
export type ErrorMessage = Static<typeof ErrorMessage>;
export type TickMessage = Static<typeof TickMessage>;
export type QuoteMessage = Static<typeof QuoteMessage>;
export type BarMessage = Static<typeof BarMessage>;
export type SignalMessage = Static<typeof SignalMessage>;
export type AccountMessage = Static<typeof AccountMessage>;
export type PositionMessage = Static<typeof PositionMessage>;
export type OrderUpdateMessage = Static<typeof OrderUpdateMessage>;
export type ExecutionMessage = Static<typeof ExecutionMessage>;
export type SnapshotMessage = Static<typeof SnapshotMessage>;
export type OrderMessage = Static<typeof OrderMessage>;
export type ProposalMessage = Static<typeof ProposalMessage>;
export type ProposalDecisionMessage = Static<typeof ProposalDecisionMessage>;
export type KillMessage = Static<typeof KillMessage>;
