import { Type, type Static } from '@sinclair/typebox';
import { AlertsSchema } from '../alerts/alerts-config-schema.js';
import { LOG_LEVELS } from '../core/log/logger.js';

/**
 * The shape of `enigma.yaml`, the engine configuration: accounts and brokers, the gateway, the
 * store, the data directory and the pipelines to run. The JSON Schema that editors read
 * (`enigma.schema.json`) is generated from it by `enigma docs --write`.
 */

export const BROKERS = ['paper', 'ninjatrader'] as const;
export const AUTOMATION_MODES = ['auto', 'confirm', 'signals-only'] as const;

const oneOf = <T extends readonly string[]>(values: T, description: string) =>
  Type.Union(
    values.map((value) => Type.Literal(value)),
    { description },
  );

export const AccountSchema = Type.Object(
  {
    id: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'The account id, as NinjaTrader names it (APEX-12345, Sim101).',
    }),
    broker: Type.Optional(
      oneOf(
        BROKERS,
        'paper (default): the embedded paper broker; ninjatrader: the AddOn that declares this account.',
      ),
    ),
    profile: Type.String({
      minLength: 1,
      description:
        'Rule profile: a bundled id (apex-50k-evaluation, topstep-50k-combine) or a path to a YAML profile, relative to this file.',
    }),
    mode: Type.Optional(
      oneOf(
        AUTOMATION_MODES,
        "auto: orders go out; confirm: a person confirms each; signals-only: no orders. Default: the profile's.",
      ),
    ),
    startingBalance: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description:
          "Paper accounts only: the balance the paper broker starts from (default: the profile's).",
      }),
    ),
    sizing: Type.Optional(
      Type.Object(
        {
          kellyFraction: Type.Optional(
            Type.Number({
              exclusiveMinimum: 0,
              maximum: 1,
              description: 'Fractional Kelly multiplier (0.25 = quarter Kelly); default 0.25.',
            }),
          ),
          riskBudget: Type.Optional(
            Type.Number({
              exclusiveMinimum: 0,
              description: 'Largest loss at the stop per trade, in dollars; default 500.',
            }),
          ),
        },
        {
          additionalProperties: false,
          description: 'Sizing defaults for the kelly steps that do not set their own fraction/riskBudget.',
        },
      ),
    ),
    pipelines: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description: 'Ids of the pipelines whose signals this account trades (default: every pipeline).',
      }),
    ),
    instruments: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        uniqueItems: true,
        description:
          'Allow-list of contract roots (ES) or full symbols (ES 12-26); default: what the profile allows.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const GatewaySchema = Type.Object(
  {
    listen: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'host:port the NinjaTrader gateway listens on (default 127.0.0.1:8686).',
      }),
    ),
    tokenEnv: Type.Optional(
      Type.String({
        pattern: '^[A-Za-z_][A-Za-z0-9_]*$',
        description: 'Environment variable holding the bearer token (default ENIGMA_TOKEN).',
      }),
    ),
    tokenFile: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'File holding the bearer token (relative to this file); instead of tokenEnv.',
      }),
    ),
  },
  {
    additionalProperties: false,
    description:
      'The NinjaTrader gateway. The token is never written here: it comes from tokenEnv or tokenFile.',
  },
);

export const LogSchema = Type.Object(
  {
    level: Type.Optional(
      oneOf(LOG_LEVELS, 'What <dataDir>/logs/engine.log keeps (default info); --log-level overrides it.'),
    ),
    terminalLevel: Type.Optional(oneOf(LOG_LEVELS, 'What the terminal also shows (default warn).')),
    maxBytes: Type.Optional(
      Type.Integer({
        minimum: 1024,
        description: 'The log file is rotated before it grows past this (default 10485760, 10 MiB).',
      }),
    ),
    files: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 100,
        description: 'Log files kept, the current one included: engine.log, engine.log.1 … (default 5).',
      }),
    ),
  },
  { additionalProperties: false, description: "The engine's log: JSON lines in <dataDir>/logs/engine.log." },
);

export const EngineConfigSchema = Type.Object(
  {
    accounts: Type.Array(AccountSchema, { minItems: 1, description: 'The accounts the engine trades.' }),
    gateway: Type.Optional(GatewaySchema),
    store: Type.Optional(
      Type.Union([Type.String({ minLength: 1 }), Type.Literal(false)], {
        description:
          'DuckDB history file (relative to this file), or off for none; default <dataDir>/enigma.duckdb.',
      }),
    ),
    dataDir: Type.Optional(
      Type.String({
        minLength: 1,
        description: 'Data directory: halts, proposals, sink files (relative to this file; default ./data).',
      }),
    ),
    pipelines: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), {
        minItems: 1,
        description: 'Pipeline files `enigma run` runs when none is given (relative to this file).',
      }),
    ),
    alerts: Type.Optional(AlertsSchema),
    log: Type.Optional(LogSchema),
  },
  { additionalProperties: false },
);

/** `enigma.yaml` as written (before paths are resolved and profiles checked). */
export type EngineConfigFile = Static<typeof EngineConfigSchema>;

/** The JSON Schema of `enigma.yaml`, checked in as `enigma.schema.json` (`enigma docs --write`). */
export function engineConfigJsonSchema(): Record<string, unknown> {
  return JSON.parse(
    JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://enigma-apex.dev/schemas/enigma.schema.json',
      title: 'Enigma-Apex engine configuration (enigma.yaml)',
      ...EngineConfigSchema,
    }),
  ) as Record<string, unknown>;
}
