import { Type, type Static, type TLiteral, type TUnion } from '@sinclair/typebox';
import { DURATION_PATTERN } from '../core/time.js';

/**
 * The `alerts:` section of `enigma.yaml`: the channels alerts go to and the rules that raise them.
 * Secrets (webhook signing keys, bot tokens, Discord and Slack webhook URLs) are never written
 * here: each comes from an environment variable (`…Env`) or a file (`…File`).
 */

export const CHANNEL_TYPES = ['webhook', 'ntfy', 'telegram', 'discord', 'slack'] as const;
export type ChannelType = (typeof CHANNEL_TYPES)[number];

export const RULE_KINDS = [
  'state-change',
  'drawdown-room',
  'daily-loss',
  'addon-disconnected',
  'reject-burst',
  'fill',
  'pnl-milestone',
  'engine-alert',
  'slo',
  'engine-silent',
] as const;
export type RuleKind = (typeof RULE_KINDS)[number];

/**
 * The figures an `slo` rule watches, read once a second from the engine's own counters:
 * latencies are 99th percentiles over the rule's `window`; dead letters are counted per minute.
 */
export const SLO_METRICS = [
  'pipeline-p99',
  'step-p99',
  'store-backlog',
  'store-commit-p99',
  'dead-letters',
  'event-loop-p99',
] as const;
export type SloMetric = (typeof SLO_METRICS)[number];

export const SEVERITIES = ['info', 'warning', 'critical'] as const;
const TRADING_STATES = ['ACTIVE', 'REDUCING', 'HALTED'] as const;

const NAME = '^[A-Za-z0-9][A-Za-z0-9_-]*$';
const HOUR_MINUTE = '^([01][0-9]|2[0-3]):[0-5][0-9]$';
const ENV_NAME = '^[A-Za-z_][A-Za-z0-9_]*$';

/** One of `values`, typed as their union (a mapped array would widen each to `string`). */
const literals = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  ) as unknown as TUnion<TLiteral<T[number]>[]>;
const duration = (description: string) => Type.String({ pattern: DURATION_PATTERN, description });
const envName = (description: string) => Type.String({ pattern: ENV_NAME, description });
const fileName = (description: string) => Type.String({ minLength: 1, description });

export const AlertChannelSchema = Type.Object(
  {
    name: Type.String({
      pattern: NAME,
      description: 'The name rules and `enigma alerts test --channel` use.',
    }),
    type: literals(
      CHANNEL_TYPES,
      'webhook: signed JSON POST; ntfy: phone push; telegram: a bot message; discord, slack: a channel webhook.',
    ),
    url: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'webhook: where the JSON is POSTed (for a URL that is itself a secret use urlEnv).',
      }),
    ),
    urlEnv: Type.Optional(envName('webhook, discord, slack: environment variable holding the URL.')),
    urlFile: Type.Optional(
      fileName('webhook, discord, slack: file holding the URL (relative to this file).'),
    ),
    secretEnv: Type.Optional(
      envName('webhook: environment variable holding the HMAC-SHA256 signing secret (required).'),
    ),
    secretFile: Type.Optional(fileName('webhook: file holding the signing secret, instead of secretEnv.')),
    server: Type.Optional(
      Type.String({ pattern: '^https?://', description: 'ntfy: the server (default https://ntfy.sh).' }),
    ),
    topic: Type.Optional(
      Type.String({
        pattern: '^[-_A-Za-z0-9]{1,64}$',
        description: 'ntfy: the topic; on a public server the topic is the password, so prefer topicEnv.',
      }),
    ),
    topicEnv: Type.Optional(envName('ntfy: environment variable holding the topic.')),
    tokenEnv: Type.Optional(
      envName('ntfy: access token (optional); telegram: the bot token (required), from this variable.'),
    ),
    tokenFile: Type.Optional(fileName('ntfy, telegram: file holding the token, instead of tokenEnv.')),
    chatId: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Integer()], {
        description: 'telegram: the chat id (a number, or @channelname) the bot writes to.',
      }),
    ),
    apiUrl: Type.Optional(
      Type.String({
        pattern: '^https?://',
        description: 'telegram: Bot API server (default https://api.telegram.org).',
      }),
    ),
    maxPerMinute: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: 'At most this many alerts a minute (default 10); the rest are counted and summarised.',
      }),
    ),
    attempts: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 20,
        description: 'Tries per alert before it is dead-lettered (default 5).',
      }),
    ),
    firstRetry: Type.Optional(
      duration('Wait before the first retry, doubled each retry with jitter, at most 5m (default 1s).'),
    ),
    timeout: Type.Optional(duration('How long one try may take (default 10s).')),
    queue: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 10_000,
        description: 'Alerts waiting for this channel at most (default 100); past it the oldest is dropped.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const AlertRuleSchema = Type.Object(
  {
    name: Type.String({ pattern: NAME, description: 'Names the rule in alerts and the history.' }),
    on: literals(
      RULE_KINDS,
      'state-change: an account changes trading state; drawdown-room / daily-loss: room below a threshold; addon-disconnected; reject-burst: count rejects within a window; fill; pnl-milestone: the day P&L crosses a multiple of `every`; engine-alert: the engine’s own alerts; slo: a latency, backlog or dead-letter figure above a threshold for a sustained time; engine-silent: a pipeline source emits nothing for a time.',
    ),
    severity: Type.Optional(literals(SEVERITIES, 'Severity of the alerts it raises (default per kind).')),
    channels: Type.Optional(
      Type.Array(Type.String({ pattern: NAME }), {
        uniqueItems: true,
        description: 'Channel names (default: every channel).',
      }),
    ),
    accounts: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Only these accounts (default: every account).',
      }),
    ),
    dedupe: Type.Optional(
      duration(
        'The same alert (rule, account, subject) again within this long is dropped (default 5m; 0s: never).',
      ),
    ),
    to: Type.Optional(
      Type.Array(literals(TRADING_STATES, 'A trading state.'), {
        minItems: 1,
        uniqueItems: true,
        description: 'state-change: only changes to these states (default: any change).',
      }),
    ),
    below: Type.Optional(
      Type.Number({ minimum: 0, description: 'drawdown-room, daily-loss: room below this many dollars.' }),
    ),
    belowPercent: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 100,
        description: "drawdown-room, daily-loss: room below this % of the profile's limit.",
      }),
    ),
    count: Type.Optional(Type.Integer({ minimum: 1, description: 'reject-burst: this many rejects…' })),
    within: Type.Optional(duration('reject-burst: …within this long.')),
    every: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'pnl-milestone: dollars between milestones (up and down: +500, +1000, −500…).',
      }),
    ),
    codes: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description: 'engine-alert: only these codes (default: every code).',
      }),
    ),
    minSeverity: Type.Optional(
      literals(SEVERITIES, 'engine-alert: only alerts this severe or more (default warning).'),
    ),
    metric: Type.Optional(
      literals(
        SLO_METRICS,
        'slo: pipeline-p99, step-p99 (latency), store-backlog (rows), store-commit-p99, dead-letters (per minute), event-loop-p99.',
      ),
    ),
    pipeline: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'slo (pipeline-p99, step-p99), engine-silent: only this pipeline (default: every one).',
      }),
    ),
    step: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'slo (step-p99): only this step; engine-silent: only this source step (default: every one).',
      }),
    ),
    above: Type.Optional(
      // Either kind passes the shape; which one the metric needs, and its range, is checked with it.
      Type.Union([Type.Number(), Type.String()], {
        description:
          'slo: the threshold: a duration (500us, 2ms) for the latencies, a number for store-backlog (rows) and dead-letters (per minute).',
      }),
    ),
    for: Type.Optional(
      duration(
        'slo: how long the figure must stay above the threshold before the alert (default 30s); engine-silent: how long without data (required).',
      ),
    ),
    window: Type.Optional(
      duration(
        'slo (pipeline-p99, step-p99): the 99th percentile is over this much recent time (default 30s).',
      ),
    ),
    session: Type.Optional(
      Type.Object(
        {
          timeZone: Type.String({
            minLength: 1,
            description: 'IANA zone of the times, e.g. America/Chicago.',
          }),
          open: Type.String({ pattern: HOUR_MINUTE, description: 'Local time the session opens (HH:MM).' }),
          close: Type.String({ pattern: HOUR_MINUTE, description: 'Local time it closes (HH:MM).' }),
          openDays: Type.Array(Type.Integer({ minimum: 0, maximum: 6 }), {
            minItems: 1,
            uniqueItems: true,
            description:
              'Local weekdays on which it opens, 0 = Sunday; Globex opens Sunday to Thursday at 17:00 Chicago.',
          }),
        },
        {
          additionalProperties: false,
          description: 'engine-silent: count silence only while this session is open (default: always).',
        },
      ),
    ),
  },
  { additionalProperties: false },
);

export const AlertsSchema = Type.Object(
  {
    channels: Type.Array(AlertChannelSchema, { minItems: 1, description: 'Where alerts go.' }),
    rules: Type.Array(AlertRuleSchema, { minItems: 1, description: 'What raises an alert.' }),
  },
  {
    additionalProperties: false,
    description:
      'Alerts to people (phone push, chat, webhooks). Every alert also goes to the live stream and the history.',
  },
);

export type AlertChannelFile = Static<typeof AlertChannelSchema>;
export type AlertRuleFile = Static<typeof AlertRuleSchema>;
export type AlertsFile = Static<typeof AlertsSchema>;
