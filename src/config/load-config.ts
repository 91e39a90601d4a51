import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { LineCounter, parse, parseDocument, type Document } from 'yaml';
import { CONTRACT_SPECS, parseSymbol } from '../core/instruments.js';
import { describeError } from '../core/errors.js';
import { BUNDLED_PROFILE_IDS, loadRuleProfile } from '../risk/load-rule-profile.js';
import type { RuleProfile } from '../risk/rule-profile.js';
import { ConfigError, type ConfigIssue } from './config-error.js';
import {
  DEFAULT_ENGINE_CONFIG,
  DEFAULT_LISTEN,
  DEFAULT_TOKEN_ENV,
  parseListenAddress,
  type AccountConfig,
  type EngineConfig,
  type GatewayConfig,
} from './engine-config.js';
import { EngineConfigSchema, type EngineConfigFile } from './schema.js';
import { displayPath, lineOf, pointerSegments } from './yaml-places.js';

/** The file `enigma run`, `kill` and `resume` read when no `--config` is given and it exists. */
export const DEFAULT_CONFIG_FILE = 'enigma.yaml';

/** Looks like a bundled profile id rather than a path (the rule `loadRuleProfile` applies). */
const BUNDLED_ID = /^[a-z0-9][a-z0-9-]*$/;

/**
 * Reads and checks an engine configuration file. Throws a ConfigError listing every problem, each
 * with file, line and path: the shape, then what the shape cannot say (duplicate ids, profiles,
 * paper-only fields, pipelines and instruments).
 */
export function loadEngineConfig(file: string): EngineConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError([{ file, path: '', message: `cannot read the file: ${describeError(error)}` }]);
  }
  return parseEngineConfig(text, file, dirname(resolve(file)));
}

/**
 * The configuration the commands use: `--config FILE` when given, else `./enigma.yaml` when it
 * exists, else the embedded default (one paper account, as `npm start` has always run).
 */
export function loadEngineConfigOrDefault(explicit: string | undefined, cwd = process.cwd()): EngineConfig {
  if (explicit !== undefined) return loadEngineConfig(explicit);
  const found = resolve(cwd, DEFAULT_CONFIG_FILE);
  return existsSync(found) ? loadEngineConfig(found) : DEFAULT_ENGINE_CONFIG;
}

/** Parses configuration text; `file` names it in messages, `baseDir` resolves its relative paths. */
export function parseEngineConfig(text: string, file: string, baseDir: string): EngineConfig {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new ConfigError(
      document.errors.map((error) => ({
        file,
        ...(error.linePos?.[0].line !== undefined && { line: error.linePos[0].line }),
        path: '',
        message: `not valid YAML: ${error.message.split('\n')[0] ?? error.message}`,
      })),
    );
  }
  const raw: unknown = document.toJS();
  const issues = new IssueList(file, document, lines);
  checkShape(raw, issues);
  const config = checkMeaning(raw, baseDir, issues);
  if (issues.list.length > 0 || !config) throw new ConfigError(issues.sorted());
  return { ...config, file };
}

/** Collects issues with their lines. */
class IssueList {
  readonly list: ConfigIssue[] = [];
  constructor(
    private readonly file: string,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  add(segments: readonly (string | number)[], message: string): void {
    const line = lineOf(this.document, this.lines, segments);
    this.list.push({
      file: this.file,
      ...(line !== undefined && { line }),
      path: displayPath(segments),
      message,
    });
  }

  sorted(): ConfigIssue[] {
    return this.list
      .map((issue, index) => ({ issue, index }))
      .sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.index - b.index)
      .map(({ issue }) => issue);
  }
}

/** Every schema problem, in words; one per place. */
function checkShape(raw: unknown, issues: IssueList): void {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    issues.add([], 'the configuration must be a mapping with at least `accounts`');
    return;
  }
  const seen = new Set<string>();
  for (const error of Value.Errors(EngineConfigSchema, raw)) {
    if (seen.has(error.path)) continue;
    seen.add(error.path);
    const segments = pointerSegments(error.path);
    const last = segments.at(-1);
    if (error.message.startsWith('Unexpected property')) {
      if (last === 'token' && segments.length === 2 && segments[0] === 'gateway') {
        issues.add(
          segments,
          'the token is never written in the configuration (it would end up in backups and version control): put it in an environment variable named by `tokenEnv` (default ENIGMA_TOKEN) or a file named by `tokenFile`',
        );
      } else {
        const known = Object.keys(propertiesAt(segments.slice(0, -1)));
        issues.add(segments, `unknown key '${last}' (known: ${known.join(', ')})`);
      }
      continue;
    }
    const literals = literalsOf(error.schema);
    const got = error.value === undefined ? 'nothing' : JSON.stringify(error.value);
    if (error.message.startsWith('Expected required property')) {
      issues.add(segments, 'is required');
    } else if (literals) {
      issues.add(segments, `must be one of ${literals.join(', ')}, got ${got}`);
    } else {
      issues.add(segments, `${lowerFirst(error.message)}, got ${got}`);
    }
  }
}

/** The properties of the schema object at a path of the document (array indices skip to items). */
function propertiesAt(segments: readonly string[]): Record<string, unknown> {
  let schema: TSchema | undefined = EngineConfigSchema;
  for (const segment of segments) {
    if (!schema) break;
    if (/^[0-9]+$/.test(segment)) schema = schema['items'] as TSchema | undefined;
    else schema = (schema['properties'] as Record<string, TSchema> | undefined)?.[segment];
  }
  return (schema?.['properties'] as Record<string, unknown> | undefined) ?? {};
}

function literalsOf(schema: TSchema): string[] | undefined {
  const variants = schema['anyOf'] as TSchema[] | undefined;
  if (!variants?.every((variant) => typeof variant['const'] === 'string')) return undefined;
  return variants.map((variant) => String(variant['const']));
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

const stringsOf = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/**
 * What the schema cannot say, checked on whatever parts have the right shape so that every
 * problem is reported at once. Returns the resolved configuration when the shape is right.
 */
function checkMeaning(
  raw: unknown,
  baseDir: string,
  issues: IssueList,
): Omit<EngineConfig, 'file'> | undefined {
  if (!isObject(raw)) return undefined;
  const pipelineIds = checkPipelines(raw['pipelines'], baseDir, issues);
  const gateway = checkGateway(raw['gateway'], baseDir, issues);
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
  };
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
