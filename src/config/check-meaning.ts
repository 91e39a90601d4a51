import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { checkAlerts, type AlertsConfig } from '../alerts/alerts-config.js';
import { AlertsSchema } from '../alerts/alerts-config-schema.js';
import { describeError } from '../core/errors.js';
import { CONTRACT_SPECS, parseSymbol } from '../core/instruments.js';
import { BUNDLED_PROFILE_IDS, loadRuleProfile } from '../risk/load-rule-profile.js';
import type { RuleProfile } from '../risk/rule-profile.js';
import {
  DEFAULT_LISTEN,
  DEFAULT_TOKEN_ENV,
  parseListenAddress,
  type AccountConfig,
  type EngineConfig,
  type GatewayConfig,
  type LogConfig,
} from './engine-config.js';
import type { IssueList } from './issue-list.js';
import type { EngineConfigFile } from './schema.js';

/** Looks like a bundled profile id rather than a path (the rule `loadRuleProfile` applies). */
const BUNDLED_ID = /^[a-z0-9][a-z0-9-]*$/;

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const stringsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/**
 * What the schema cannot say, checked on whatever parts have the right shape so that every
 * problem is reported at once. Returns the resolved configuration when the shape is right.
 */
export function checkMeaning(
  raw: unknown,
  baseDir: string,
  issues: IssueList,
): Omit<EngineConfig, 'file'> | undefined {
  if (!isObject(raw)) return undefined;
  const pipelineIds = checkPipelines(raw['pipelines'], baseDir, issues);
  const gateway = checkGateway(raw['gateway'], baseDir, issues);
  const alerts = checkAlertsSection(raw['alerts'], baseDir, issues);
  const accounts: AccountConfig[] = [];
  const ids = new Set<string>();
  const rawAccounts = Array.isArray(raw['accounts']) ? (raw['accounts'] as unknown[]) : [];
  rawAccounts.forEach((entry, index) => {
    if (!isObject(entry)) return;
    const at = (...rest: (string | number)[]): (string | number)[] => ['accounts', index, ...rest];
    const id = entry['id'];
    if (typeof id === 'string') {
      if (ids.has(id)) issues.add(at('id'), `account '${id}' is declared twice`);
      ids.add(id);
    }
    const broker = entry['broker'] ?? 'paper';
    if (broker === 'ninjatrader' && entry['startingBalance'] !== undefined) {
      issues.add(
        at('startingBalance'),
        'startingBalance is for paper accounts: a NinjaTrader account has the balance NinjaTrader reports',
      );
    }
    if (broker === 'ninjatrader' && raw['gateway'] === undefined) {
      issues.add(
        at('broker'),
        'a ninjatrader account trades through the AddOn: add a `gateway` section (listen: 127.0.0.1:8686)',
      );
    }
    const profile =
      typeof entry['profile'] === 'string' ? resolveProfile(entry['profile'], baseDir) : undefined;
    const loaded = profile !== undefined ? tryLoadProfile(profile, at('profile'), issues) : undefined;
    if (pipelineIds) {
      stringsOf(entry['pipelines']).forEach((pipeline, i) => {
        if (!pipelineIds.includes(pipeline))
          issues.add(
            at('pipelines', i),
            `no configured pipeline has the id '${pipeline}' (configured: ${pipelineIds.join(', ')})`,
          );
      });
    }
    stringsOf(entry['instruments']).forEach((instrument, i) => {
      const problem = instrumentProblem(instrument, loaded);
      if (problem) issues.add(at('instruments', i), problem);
    });
    if (profile !== undefined)
      accounts.push({
        ...(entry as unknown as AccountConfig),
        broker: broker as AccountConfig['broker'],
        profile,
      });
  });
  if (issues.list.length > 0) return undefined;
  const file = raw as unknown as EngineConfigFile;
  const store =
    file.store === undefined
      ? undefined
      : file.store === false || file.store === 'off'
        ? false
        : resolve(baseDir, file.store);
  return {
    accounts,
    gateway,
    store,
    dataDir: file.dataDir === undefined ? undefined : resolve(baseDir, file.dataDir),
    pipelines: (file.pipelines ?? []).map((path) => resolve(baseDir, path)),
    ...(alerts && { alerts }),
    // The schema has checked the levels against LOG_LEVELS.
    ...(file.log && { log: file.log as LogConfig }),
  };
}

/** The `alerts` section's meaning, when its shape is right (shape problems are reported already). */
function checkAlertsSection(value: unknown, baseDir: string, issues: IssueList): AlertsConfig | undefined {
  if (value === undefined || !Value.Check(AlertsSchema, value)) return undefined;
  const checked = checkAlerts(value, baseDir);
  for (const issue of checked.issues) issues.add(issue.path, issue.message);
  return checked.config;
}

function resolveProfile(profile: string, baseDir: string): string {
  return BUNDLED_ID.test(profile) ? profile : resolve(baseDir, profile);
}

function tryLoadProfile(
  profile: string,
  at: (string | number)[],
  issues: IssueList,
): RuleProfile | undefined {
  if (!BUNDLED_ID.test(profile) && !existsSync(profile)) {
    issues.add(at, `the profile file ${profile} does not exist`);
    return undefined;
  }
  try {
    return loadRuleProfile(profile);
  } catch (error) {
    const message = BUNDLED_ID.test(profile)
      ? `no bundled rule profile '${profile}' (bundled: ${BUNDLED_PROFILE_IDS.join(', ')}); a profile file is named by a path such as ./my-profile.yaml`
      : describeError(error).replaceAll(/\n\s*/g, '; ');
    issues.add(at, message);
    return undefined;
  }
}

/** Why an allow-list entry cannot be used, or undefined when it can. */
function instrumentProblem(entry: string, profile: RuleProfile | undefined): string | undefined {
  const root = CONTRACT_SPECS.has(entry) ? entry : parseSymbol(entry)?.root;
  if (root === undefined || !CONTRACT_SPECS.has(root)) {
    return `'${entry}' is neither a known contract root nor a symbol such as 'ES 12-26' (roots: ${[...CONTRACT_SPECS.keys()].join(', ')})`;
  }
  const allowed = profile?.rules.allowedInstruments;
  if (allowed && !allowed.includes(root)) {
    return `'${entry}' is not allowed by profile ${profile.id} (allowed: ${allowed.join(', ')})`;
  }
  return undefined;
}

/** The ids of the configured pipelines, or undefined when there are none or one cannot be read. */
function checkPipelines(value: unknown, baseDir: string, issues: IssueList): string[] | undefined {
  if (!Array.isArray(value) || value.length === 0) return undefined;
  const ids: string[] = [];
  let complete = true;
  value.forEach((path, index) => {
    if (typeof path !== 'string') return;
    const at = ['pipelines', index];
    let id: unknown;
    try {
      id = (parse(readFileSync(resolve(baseDir, path), 'utf8')) as { id?: unknown } | null)?.id;
    } catch (error) {
      issues.add(at, `cannot read pipeline ${path}: ${describeError(error).split('\n')[0]}`);
      complete = false;
      return;
    }
    if (typeof id !== 'string') {
      issues.add(at, `${path} has no pipeline id (\`id:\` at the top)`);
      complete = false;
    } else if (ids.includes(id)) {
      issues.add(at, `two pipelines have the id '${id}'`);
    } else {
      ids.push(id);
    }
  });
  return complete ? ids : undefined;
}

function checkGateway(value: unknown, baseDir: string, issues: IssueList): GatewayConfig | undefined {
  if (!isObject(value)) return undefined;
  let listen: { host: string; port: number } | undefined = DEFAULT_LISTEN;
  if (typeof value['listen'] === 'string') {
    listen = parseListenAddress(value['listen']);
    if (!listen)
      issues.add(['gateway', 'listen'], `must be host:port (127.0.0.1:8686), got '${value['listen']}'`);
  }
  const tokenEnv = value['tokenEnv'];
  const tokenFile = value['tokenFile'];
  if (tokenEnv !== undefined && tokenFile !== undefined) {
    issues.add(['gateway', 'tokenFile'], 'give the token by tokenEnv or by tokenFile, not both');
  }
  if (!listen) return undefined;
  return {
    listen,
    token:
      typeof tokenFile === 'string'
        ? { file: resolve(baseDir, tokenFile) }
        : { env: typeof tokenEnv === 'string' ? tokenEnv : DEFAULT_TOKEN_ENV },
  };
}
