import { Type, type Static } from '@sinclair/typebox';

/**
 * The schema of a rule profile: a prop firm's (or a trader's own) account rules as data. A profile
 * is a YAML file in `src/risk/profiles/` (or anywhere, named by path); adding or editing a rule is
 * an edit of that file, never of code. Every section under `rules` is optional: a profile applies
 * only the rules it lists, and each one it lists cites its `source` (docs/profiles.md).
 */

const HOUR_MINUTE = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const DATE = '^[0-9]{4}-[0-9]{2}-[0-9]{2}$';
const Money = Type.Number({ minimum: 0 });

/**
 * Where a rule comes from. Every rule of a profile carries one, so a reader can check each number
 * against the page it was taken from (a rule without it fails to load).
 */
export const RuleSourceSchema = Type.Object(
  {
    /**
     * `firm`: the firm's own published page. `secondary`: a third-party page, because the firm's
     * own text could not be found (the note says so). `own`: not a firm rule but a limit chosen by
     * whoever wrote the profile (an engine safety margin, a trader's own limit).
     */
    kind: Type.Union([Type.Literal('firm'), Type.Literal('secondary'), Type.Literal('own')]),
    /** The page (required for `firm` and `secondary`). */
    url: Type.Optional(Type.String({ pattern: '^https?://' })),
    /** The page's title as published (required for `firm` and `secondary`). */
    title: Type.Optional(Type.String({ minLength: 1 })),
    /** Date (YYYY-MM-DD) the page was read (required for `firm` and `secondary`). */
    read: Type.Optional(Type.String({ pattern: DATE })),
    /** What the page says that this rule implements, and where the profile differs from it and why. */
    note: Type.String({ minLength: 1 }),
  },
  { additionalProperties: false },
);

export const TrailingDrawdownRuleSchema = Type.Object(
  {
    /**
     * `peak-equity`: the threshold follows the highest balance including open profit, in real
     * time. `end-of-day-balance`: it follows the highest balance at a session close.
     */
    basis: Type.Union([Type.Literal('peak-equity'), Type.Literal('end-of-day-balance')]),
    /** Distance of the threshold below the peak, in money. */
    amount: Money,
    /** The threshold stops trailing once it reaches the starting balance plus this (0: at the start). */
    stopsTrailingAtProfit: Money,
    /** The account goes REDUCING when equity is within this much of the threshold. */
    reducingWithin: Type.Optional(Money),
    source: RuleSourceSchema,
  },
  { additionalProperties: false },
);

export const DailyLossRuleSchema = Type.Object(
  {
    /** Loss from the session's starting balance (equity, open P&L included) that triggers the lock. */
    amount: Money,
    /**
     * `liquidate`: flatten (cancel every working order, close every position) and block every new
     * order until `lockUntil`; the account is not failed. `hard`: the same, until the next trading
     * day. `soft`: no new entries (REDUCING) until the next trading day, positions are kept.
     */
    mode: Type.Union([Type.Literal('liquidate'), Type.Literal('hard'), Type.Literal('soft')]),
    /**
     * When a `liquidate` lock lifts. `next-trading-day`: at the start of the next trading day of
     * `rules.tradingHours` (its `open` time, DST-correct), e.g. 17:00 Chicago.
     */
    lockUntil: Type.Optional(Type.Literal('next-trading-day')),
    reducingWithin: Type.Optional(Money),
    source: RuleSourceSchema,
  },
  { additionalProperties: false },
);

export const MaxContractsRuleSchema = Type.Object(
  {
    /** Largest open exposure in full-size contracts, summed over every instrument. */
    minis: Type.Integer({ minimum: 0 }),
    /** How many micro contracts count as one full-size contract. */
    microsPerMini: Type.Integer({ minimum: 1 }),
    /** Only half the limit (rounded down) until a trailing threshold has stopped trailing. */
    halfUntilTrailingStops: Type.Optional(Type.Boolean()),
    source: RuleSourceSchema,
  },
  { additionalProperties: false },
);

export const ScalingStepSchema = Type.Object(
  {
    /** The step applies from this profit (balance − starting balance) upwards. */
    fromProfit: Type.Number(),
    minis: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);

export const ScalingPlanRuleSchema = Type.Object(
  {
    /** Profit measured on the last session's closing balance (`end-of-day-balance`) or live balance. */
    basis: Type.Union([Type.Literal('end-of-day-balance'), Type.Literal('balance')]),
    /** In ascending `fromProfit`; below the first step the first step applies. */
    steps: Type.Array(ScalingStepSchema, { minItems: 1 }),
    source: RuleSourceSchema,
  },
  { additionalProperties: false },
);

export const ConsistencyRuleSchema = Type.Object(
  {
    /** The best day's profit may be at most this share of the total profit (0.3 = 30 %). */
    maxBestDayShare: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    /**
     * Whether a best day of exactly the share passes (default true: "no more than 30 %"); false
     * where the firm says "below" (a best day equal to the share fails).
     */
    exactSharePasses: Type.Optional(Type.Boolean()),
    /** When it is checked: at a payout request, or when the profit target is reached. */
    checkedAt: Type.Union([Type.Literal('payout'), Type.Literal('profit-target')]),
    source: RuleSourceSchema,
  },
  { additionalProperties: false },
);

export const TradingHoursRuleSchema = Type.Object(
  {
    /** IANA zone the times are written in, e.g. America/New_York. */
    timeZone: Type.String({ minLength: 1 }),
    /** Local time the session opens (`HH:MM`); the trading day it opens is the next calendar day when it is after `forcedFlat`. */
    open: Type.String({ pattern: HOUR_MINUTE }),
    /** Local time by which every position must be flat and entries stop. */
    forcedFlat: Type.String({ pattern: HOUR_MINUTE }),
    /**
     * Seconds before `forcedFlat` at which the engine flattens and stops entries, so the account
     * is flat by `forcedFlat` as the firms require (default 0: at `forcedFlat` itself).
     */
    flattenLeadSeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 3600 })),
    /** Local weekdays on which the session opens, 0 = Sunday. */
    openDays: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), { minItems: 1, uniqueItems: true }),
    source: RuleSourceSchema,
  },
  { additionalProperties: false },
);

export const OrderRateRuleSchema = Type.Object(
  {
    maxOrders: Type.Integer({ minimum: 1 }),
    /** Window as a duration: `1s`, `1m`. */
    per: Type.String({ pattern: '^[0-9]+(ms|s|m|h)$' }),
    source: RuleSourceSchema,
  },
  { additionalProperties: false },
);

export const RuleProfileSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9-]*$' }),
    name: Type.String({ minLength: 1 }),
    /** Increases with every change of a rule; accounts record the version they were checked against. */
    version: Type.Integer({ minimum: 1 }),
    /** Date (YYYY-MM-DD) the rules were checked against the source. */
    effective: Type.String({ pattern: DATE }),
    /** Where the rules come from, and anything a reader must know before trusting them. */
    source: Type.String({ minLength: 1 }),
    account: Type.Object(
      {
        startingBalance: Type.Number({ exclusiveMinimum: 0 }),
        currency: Type.Literal('USD'),
        profitTarget: Type.Optional(Money),
        /** Where the starting balance and profit target come from. */
        source: RuleSourceSchema,
      },
      { additionalProperties: false },
    ),
    automation: Type.Object(
      {
        /** The mode a new account on this profile starts in. */
        defaultMode: Type.Union([
          Type.Literal('auto'),
          Type.Literal('confirm'),
          Type.Literal('signals-only'),
        ]),
        /** False where the firm forbids fully automated trading: `auto` needs an explicit override. */
        fullyAutomatedAllowed: Type.Boolean(),
        /** Where the firm's stance on automated trading comes from. */
        source: RuleSourceSchema,
      },
      { additionalProperties: false },
    ),
    rules: Type.Object(
      {
        trailingDrawdown: Type.Optional(TrailingDrawdownRuleSchema),
        dailyLoss: Type.Optional(DailyLossRuleSchema),
        maxContracts: Type.Optional(MaxContractsRuleSchema),
        scalingPlan: Type.Optional(ScalingPlanRuleSchema),
        consistency: Type.Optional(ConsistencyRuleSchema),
        tradingHours: Type.Optional(TradingHoursRuleSchema),
        /** Contract roots that may be traded (`ES`, `MNQ`); absent: every known instrument. */
        allowedInstruments: Type.Optional(
          Type.Array(Type.String({ minLength: 1 }), { minItems: 1, uniqueItems: true }),
        ),
        /** Where the instrument list comes from (required with `allowedInstruments`). */
        allowedInstrumentsSource: Type.Optional(RuleSourceSchema),
        orderRate: Type.Optional(OrderRateRuleSchema),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);

export type RuleProfile = Static<typeof RuleProfileSchema>;
export type TrailingDrawdownRule = Static<typeof TrailingDrawdownRuleSchema>;
export type DailyLossRule = Static<typeof DailyLossRuleSchema>;
export type MaxContractsRule = Static<typeof MaxContractsRuleSchema>;
export type ScalingPlanRule = Static<typeof ScalingPlanRuleSchema>;
export type ConsistencyRule = Static<typeof ConsistencyRuleSchema>;
export type TradingHoursRule = Static<typeof TradingHoursRuleSchema>;
export type OrderRateRule = Static<typeof OrderRateRuleSchema>;
export type RuleSource = Static<typeof RuleSourceSchema>;
export type AutomationMode = RuleProfile['automation']['defaultMode'];
