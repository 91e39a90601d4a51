import { Type, type Static, type TSchema } from '@sinclair/typebox';

/**
 * The API's request and response schemas (TypeBox, so JSON Schema 2020-12 as OpenAPI 3.1 takes
 * it). Requests refuse unknown fields; amounts that have no limit (no trailing rule, no daily
 * loss rule) are `null`, as JSON has no Infinity. Times are integer epoch microseconds.
 */

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);
const Micros = Type.Integer({ description: 'epoch microseconds (UTC)' });
const Id = Type.String({ minLength: 1, maxLength: 128 });

export const ErrorSchema = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'a stable code from the README table of error codes' }),
      message: Type.String(),
      problems: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
    }),
  },
  { additionalProperties: false },
);

// Requests.
export const NoParams = Type.Object({}, { additionalProperties: false });
export const AccountParams = Type.Object({ id: Id }, { additionalProperties: false });
export const IdParams = Type.Object({ id: Id }, { additionalProperties: false });
export const RecentQuery = Type.Object(
  {
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
    since: Type.Optional(Type.Integer({ minimum: 0, description: 'only rows at or after, epoch µs' })),
  },
  { additionalProperties: false },
);
export type RecentQuery = Static<typeof RecentQuery>;
export const ReportQuery = Type.Object(
  {
    period: Type.Union([Type.Literal('day'), Type.Literal('week'), Type.Literal('month')]),
    date: Type.Optional(
      Type.String({
        pattern: '^\\d{4}-\\d{2}-\\d{2}$',
        description: 'a day in the period; default today (UTC)',
      }),
    ),
  },
  { additionalProperties: false },
);
const Reason = Type.String({ minLength: 1, maxLength: 200 });
export const HaltBody = Type.Object({ reason: Type.Optional(Reason) }, { additionalProperties: false });
export const EmptyBody = Type.Object({}, { additionalProperties: false });
export const ModeBody = Type.Object(
  { mode: Type.Union([Type.Literal('auto'), Type.Literal('confirm'), Type.Literal('signals-only')]) },
  { additionalProperties: false },
);

// Responses.
const Latency = {
  p50Nanos: Type.Number(),
  p99Nanos: Type.Number(),
};
export const StepStatusSchema = Type.Object({
  step: Type.String(),
  in: Type.Integer(),
  out: Type.Integer(),
  errors: Type.Integer(),
  deadLettered: Type.Integer(),
  inPerSecond: Type.Number({ description: 'since the previous status read (or the start)' }),
  ...Latency,
  maxNanos: Type.Number(),
});
export const PipelineStatusSchema = Type.Object({
  pipeline: Type.String(),
  sourceMessages: Type.Integer(),
  sourcePerSecond: Type.Number(),
  ...Latency,
  errors: Type.Integer(),
  deadLetters: Type.Integer(),
  steps: Type.Array(StepStatusSchema),
});
export const SessionStatusSchema = Type.Object({
  sessionId: Type.String(),
  accounts: Type.Array(Type.String()),
  connectedTs: Micros,
  lastEventTs: Type.Integer({ description: 'last connect or snapshot (heartbeats are not on the bus)' }),
  lastHeartbeatTs: Nullable(
    Type.Integer({
      description:
        "epoch µs of the AddOn's last heartbeat: its answer to the gateway's WebSocket ping, or its own application ping; null before the first",
    }),
  ),
});
export const StatusSchema = Type.Object({
  ts: Micros,
  uptimeSeconds: Type.Number(),
  mode: Type.Union([Type.Literal('live'), Type.Literal('replay')]),
  trading: Type.Boolean(),
  pipelines: Type.Array(PipelineStatusSchema),
  memory: Type.Object({
    rssBytes: Type.Number(),
    heapUsedBytes: Type.Number(),
    heapTotalBytes: Type.Number(),
    externalBytes: Type.Number(),
  }),
  eventLoopDelayMillis: Type.Object({ p50: Type.Number(), p99: Type.Number(), max: Type.Number() }),
  store: Nullable(
    Type.Object({
      queueDepth: Type.Integer(),
      highWaterMark: Type.Integer(),
      backpressured: Type.Boolean(),
      rowsCommitted: Type.Integer(),
      rejects: Type.Integer(),
      commitErrors: Type.Integer(),
    }),
  ),
  gateway: Nullable(
    Type.Object({
      connections: Type.Integer(),
      heartbeatMs: Type.Integer({
        description:
          'how often the gateway pings each AddOn; one that has not answered a ping when the next is due is dropped',
      }),
      sessions: Type.Array(SessionStatusSchema),
    }),
  ),
});
export type Status = Static<typeof StatusSchema>;

export const AccountSchema = Type.Object({
  id: Type.String(),
  broker: Type.String(),
  profile: Type.String(),
  mode: Type.String(),
  state: Type.Union([Type.Literal('ACTIVE'), Type.Literal('REDUCING'), Type.Literal('HALTED')]),
  reasons: Type.Array(Type.String()),
  health: Type.Number({ description: '0 (about to breach) to 100' }),
  balance: Type.Number(),
  equity: Type.Number(),
  threshold: Nullable(Type.Number()),
  drawdownRoom: Nullable(Type.Number()),
  drawdownLimit: Nullable(Type.Number({ description: "the profile's trailing drawdown amount" })),
  dailyPnl: Type.Number(),
  dailyLossRoom: Nullable(Type.Number()),
  dailyLossLimit: Nullable(Type.Number({ description: "the profile's daily loss limit" })),
  contractLimit: Nullable(Type.Number()),
  openMinis: Type.Number(),
  consistency: Nullable(
    Type.Object({
      totalProfit: Type.Number(),
      bestDay: Type.Number(),
      bestDayShare: Nullable(Type.Number()),
      maxBestDayShare: Type.Number(),
      passes: Type.Boolean(),
    }),
  ),
  halt: Nullable(Type.Object({ kind: Type.String(), reason: Type.String(), by: Type.String(), ts: Micros })),
});
export type AccountView = Static<typeof AccountSchema>;

export const PositionSchema = Type.Object({
  account: Type.String(),
  symbol: Type.String(),
  ts: Micros,
  quantity: Type.Number({ description: 'signed: short < 0' }),
  averagePrice: Type.Number(),
  unrealizedPnl: Type.Number(),
  realizedPnl: Type.Number(),
});

const Side = Type.Union([Type.Literal('buy'), Type.Literal('sell')]);
export const OrderSchema = Type.Object({
  clientOrderId: Type.String(),
  brokerOrderId: Type.Optional(Type.String()),
  account: Type.String(),
  symbol: Type.String(),
  ts: Micros,
  side: Side,
  quantity: Type.Number(),
  filledQuantity: Type.Number(),
  averageFillPrice: Type.Optional(Type.Number()),
  type: Type.String(),
  limitPrice: Type.Optional(Type.Number()),
  stopPrice: Type.Optional(Type.Number()),
  timeInForce: Type.String(),
  status: Type.String(),
  reason: Type.Optional(Type.String()),
});

export const IntentSchema = Type.Object({
  id: Type.String(),
  account: Type.String(),
  symbol: Type.String(),
  ts: Micros,
  side: Side,
  quantity: Type.Number(),
  type: Type.String(),
  limitPrice: Type.Optional(Type.Number()),
  stopPrice: Type.Optional(Type.Number()),
  timeInForce: Type.String(),
  stopLoss: Type.Optional(Type.Number()),
  takeProfit: Type.Optional(Type.Number()),
  signalTs: Type.Optional(Type.Integer()),
  reason: Type.String(),
});
export const ProposalSchema = Type.Object({
  id: Type.String(),
  ts: Micros,
  expiresAt: Micros,
  intent: IntentSchema,
});

export const FillSchema = Type.Object({
  ts: Micros,
  fillId: Type.String(),
  clientOrderId: Type.String(),
  account: Type.String(),
  symbol: Type.String(),
  side: Type.String(),
  quantity: Type.Number(),
  price: Type.Number(),
  commission: Type.Number(),
});
export const SignalSchema = Type.Object({
  ts: Micros,
  source: Type.String(),
  symbol: Type.String(),
  direction: Type.String(),
  strength: Type.String(),
  power: Type.Number(),
  confluence: Type.Integer(),
  price: Type.Number(),
  stop: Nullable(Type.Number()),
  targets: Nullable(Type.Array(Type.Number())),
});
export const DecisionSchema = Type.Object({
  ts: Micros,
  intentId: Type.String(),
  account: Type.String(),
  symbol: Type.String(),
  side: Type.String(),
  quantity: Nullable(Type.Number()),
  outcome: Type.String(),
  code: Nullable(Type.String()),
  reason: Type.String(),
  limit: Nullable(Type.Number()),
  value: Nullable(Type.Number()),
  by: Nullable(Type.String()),
});
export const AlertSchema = Type.Object({
  ts: Micros,
  severity: Type.String(),
  code: Type.String(),
  message: Type.String(),
  account: Nullable(Type.String()),
  symbol: Nullable(Type.String()),
});

/** How much of a dead letter's raw message the API returns; the store keeps it whole. */
export const DEAD_LETTER_PAYLOAD_CHARS = 500;
export const DeadLetterSchema = Type.Object({
  ts: Micros,
  origin: Type.String({ description: '`pipeline.step`, `gateway:<session>`, `store`, `csv:<file>`…' }),
  code: Type.String({ description: 'a stable code from the README table of error codes' }),
  reason: Type.String(),
  payload: Type.String({
    description: `the message as it arrived (JSON, or the raw text at an edge), its first ${String(DEAD_LETTER_PAYLOAD_CHARS)} characters`,
  }),
  payloadChars: Type.Integer({
    description: "the stored payload's full length; more than payload's when clipped",
  }),
});

/** A figure that may be missing, and then says why (src/analytics/statistic.ts): never a number it cannot stand behind. */
const StatisticSchema = Type.Union([
  Type.Object({ value: Type.Number() }),
  Type.Object({
    missing: Type.String({ description: 'why there is no figure (e.g. too few closing days)' }),
  }),
]);
const Figures = Type.Object({
  trades: Type.Integer(),
  wins: Type.Integer(),
  losses: Type.Integer(),
  netPnl: Type.Number(),
  grossPnl: Type.Number(),
  commission: Type.Number(),
  winRate: Nullable(Type.Number()),
  profitFactor: Nullable(Type.Number()),
  expectancy: Nullable(Type.Number()),
  maxDrawdown: Type.Number(),
  tradingDays: Type.Integer(),
  sharpe: StatisticSchema,
  sortino: StatisticSchema,
});
export const ReportSchema = Type.Object({
  period: Type.Object({ kind: Type.String(), label: Type.String(), from: Micros, to: Micros }),
  computedAt: Type.Integer({ description: 'when these figures were read, engine clock, epoch µs' }),
  initialCapital: Type.Number({
    description: 'the equity the curve starts from and returns are measured on',
  }),
  total: Figures,
  accounts: Type.Array(Type.Object({ account: Type.String(), figures: Figures })),
  equity: Type.Array(
    Type.Object({
      ts: Micros,
      equity: Type.Number(),
      drawdown: Type.Number({ description: 'running peak minus equity (≥ 0)' }),
    }),
    { description: 'equity of every account together after each closed round trip, in exit order' },
  ),
  daily: Type.Array(
    Type.Object({
      day: Type.String({ description: 'UTC day of the exits, YYYY-MM-DD' }),
      netPnl: Type.Number(),
      trades: Type.Integer(),
      return: Type.Number({ description: "the day's net P&L / equity at its start" }),
    }),
  ),
  slippage: Type.Array(
    Type.Object({
      account: Type.String(),
      symbol: Type.String(),
      fills: Type.Integer(),
      contracts: Type.Number(),
      averageTicks: Type.Number({ description: 'per contract; positive is worse than intended' }),
      totalDollars: Type.Number({ description: 'positive is a cost' }),
    }),
  ),
  signals: Type.Array(
    Type.Object({
      dimension: Type.Union([Type.Literal('confidence'), Type.Literal('source')]),
      bucket: Type.String({ description: "`0.7–0.8` (confidence tenths), `none`, or the signal's source" }),
      horizonSeconds: Type.Integer(),
      signals: Type.Integer({ description: 'signals with a price at the horizon' }),
      hits: Type.Integer({ description: 'of those, the ones the price moved their way' }),
      hitRate: Type.Number(),
      hitInterval: Nullable(
        Type.Object(
          { low: Type.Number(), high: Type.Number() },
          { description: 'Wilson 95 % interval of the hit rate' },
        ),
      ),
      averageTicks: Type.Number(),
      averageDollars: Type.Number({ description: 'per contract' }),
    }),
  ),
});
export type Report = Static<typeof ReportSchema>;

export const CommandOutcomeSchema = Type.Object({
  ok: Type.Boolean(),
  message: Type.String({ description: "the engine's own words" }),
  accounts: Type.Array(Type.String()),
  orders: Type.Array(Type.String(), { description: 'client order ids the command created or touched' }),
});
export type CommandOutcome = Static<typeof CommandOutcomeSchema>;

/** `{ items: [...] }`: every list is wrapped, so fields can be added beside it later. */
export const ListOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });
