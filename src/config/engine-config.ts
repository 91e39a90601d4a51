import type { AlertsConfig } from '../alerts/alerts-config.js';
import type { LogLevel } from '../core/log/logger.js';
import type { AccountSizing } from '../pipeline/operator.js';

/**
 * The engine configuration as the engine uses it: `enigma.yaml` checked, with every path made
 * absolute (relative paths in the file are relative to the file's folder).
 */
export interface EngineConfig {
  /** The file it was read from, as named; undefined for the embedded default. */
  readonly file: string | undefined;
  readonly accounts: readonly AccountConfig[];
  /** Serve the NinjaTrader gateway; undefined when the file has no `gateway` section. */
  readonly gateway: GatewayConfig | undefined;
  /** DuckDB history file; false = keep none; undefined = `<dataDir>/enigma.duckdb`. */
  readonly store: string | false | undefined;
  /** Data directory; undefined = `./data` (the CLI's default). */
  readonly dataDir: string | undefined;
  /** Pipeline files `enigma run` runs when the command line names none. */
  readonly pipelines: readonly string[];
  /** Alert rules and channels; undefined when the file has no `alerts` section. */
  readonly alerts?: AlertsConfig;
  /** The engine's log (`log` section); undefined = the defaults. */
  readonly log?: LogConfig;
}

/** The `log` section: levels of the file and the terminal, and the file's size cap. */
export interface LogConfig {
  readonly level?: LogLevel;
  readonly terminalLevel?: LogLevel;
  readonly maxBytes?: number;
  readonly files?: number;
}

export interface AccountConfig {
  /** As NinjaTrader names it. */
  readonly id: string;
  readonly broker: 'paper' | 'ninjatrader';
  /** A bundled profile id, or the absolute path of a YAML profile. */
  readonly profile: string;
  /** Default: the profile's default mode. */
  readonly mode?: 'auto' | 'confirm' | 'signals-only';
  /** Paper accounts only; default: the profile's starting balance. */
  readonly startingBalance?: number;
  /** Defaults for the kelly steps that do not set their own. */
  readonly sizing?: AccountSizing;
  /** Ids of the pipelines whose signals it trades; undefined = every pipeline. */
  readonly pipelines?: readonly string[];
  /** Allow-list of roots or full symbols; undefined = what the profile allows. */
  readonly instruments?: readonly string[];
}

export interface GatewayConfig {
  readonly listen: { readonly host: string; readonly port: number };
  /** Where the bearer token is read at start: an environment variable, or a file. */
  readonly token: { readonly env: string } | { readonly file: string };
}

/** The gateway's default address and token variable, everywhere. */
export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 8686 } as const;
export const DEFAULT_TOKEN_ENV = 'ENIGMA_TOKEN';

/** What runs with no `enigma.yaml`: one paper account on the Apex-style 50K evaluation, in auto. */
export const DEFAULT_ACCOUNTS: readonly AccountConfig[] = [
  {
    id: 'SIM-50K',
    broker: 'paper',
    profile: 'apex-50k-evaluation',
    mode: 'auto',
    sizing: { kellyFraction: 0.25, riskBudget: 300 },
  },
];

export const DEFAULT_ENGINE_CONFIG: EngineConfig = {
  file: undefined,
  accounts: DEFAULT_ACCOUNTS,
  gateway: undefined,
  store: undefined,
  dataDir: undefined,
  pipelines: [],
};

/** `127.0.0.1:8686`, `:8686` or `[::1]:8686` as host and port; undefined when it is not one. */
export function parseListenAddress(text: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65_535) return undefined;
  return { host: match[1] ?? (match[2] || DEFAULT_LISTEN.host), port };
}
