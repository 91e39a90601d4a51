import { resolve } from 'node:path';
import { DURATION_PATTERN, MICROS_PER_SECOND, parseDuration } from '../core/time.js';
import { SLO_METRICS } from './alerts-config-schema.js';
import type {
  AlertChannelFile,
  AlertRuleFile,
  AlertsFile,
  ChannelType,
  RuleKind,
  SloMetric,
} from './alerts-config-schema.js';

/** A channel as the notifier uses it: the file's fields, with file paths made absolute. */
export type AlertChannelConfig = AlertChannelFile;
export type AlertRuleConfig = AlertRuleFile;

/** The checked `alerts:` section. */
export interface AlertsConfig {
  readonly channels: readonly AlertChannelConfig[];
  readonly rules: readonly AlertRuleConfig[];
}

/** Where a problem is and what it is; the config loader turns these into issues with lines. */
export interface AlertsIssue {
  readonly path: readonly (string | number)[];
  readonly message: string;
}

/** The fields each channel type reads; any other channel field on it is a mistake. */
const CHANNEL_FIELDS: Record<ChannelType, readonly string[]> = {
  webhook: ['url', 'urlEnv', 'urlFile', 'secretEnv', 'secretFile'],
  ntfy: ['server', 'topic', 'topicEnv', 'tokenEnv', 'tokenFile'],
  telegram: ['tokenEnv', 'tokenFile', 'chatId', 'apiUrl'],
  discord: ['urlEnv', 'urlFile'],
  slack: ['urlEnv', 'urlFile'],
};
const COMMON_CHANNEL_FIELDS = ['name', 'type', 'maxPerMinute', 'attempts', 'firstRetry', 'timeout', 'queue'];

/** The fields each rule kind reads. */
const RULE_FIELDS: Record<RuleKind, readonly string[]> = {
  'state-change': ['to'],
  'drawdown-room': ['below', 'belowPercent'],
  'daily-loss': ['below', 'belowPercent'],
  'addon-disconnected': [],
  'reject-burst': ['count', 'within'],
  fill: [],
  'pnl-milestone': ['every'],
  'engine-alert': ['codes', 'minSeverity'],
  slo: ['metric', 'pipeline', 'step', 'above', 'for', 'window'],
  'engine-silent': ['pipeline', 'step', 'for', 'session'],
};

/** The `slo` metrics whose threshold is a duration, and the fields each metric reads beyond the common ones. */
const LATENCY_METRICS: ReadonlySet<SloMetric> = new Set([
  'pipeline-p99',
  'step-p99',
  'store-commit-p99',
  'event-loop-p99',
]);
const SLO_METRIC_FIELDS: Record<SloMetric, readonly string[]> = {
  'pipeline-p99': ['pipeline', 'window'],
  'step-p99': ['pipeline', 'step', 'window'],
  'store-backlog': [],
  'store-commit-p99': [],
  'dead-letters': [],
  'event-loop-p99': [],
};
const COMMON_RULE_FIELDS = ['name', 'on', 'severity', 'channels', 'accounts', 'dedupe'];
const ENGINE_WIDE: ReadonlySet<RuleKind> = new Set(['slo', 'engine-silent']);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** Exactly one of `keys` is set on `entry`, else an issue naming them. */
function exactlyOne(
  entry: Record<string, unknown>,
  keys: readonly string[],
  at: (string | number)[],
  what: string,
  issues: AlertsIssue[],
): void {
  const set = keys.filter((key) => entry[key] !== undefined);
  if (set.length === 0) issues.push({ path: at, message: `${what}: give ${keys.join(' or ')}` });
  if (set.length > 1)
    issues.push({ path: [...at, set[1] as string], message: `${what}: give ${set.join(' or ')}, not both` });
}

/**
 * What the schema cannot say about `alerts:` (run on a section whose shape is already right):
 * unique names, rules naming channels that exist, the fields each channel type and rule kind
 * needs and reads, secrets only from variables or files. Returns every problem, and the section
 * with file paths resolved against `baseDir`.
 */
export function checkAlerts(
  file: AlertsFile,
  baseDir: string,
): { config: AlertsConfig; issues: AlertsIssue[] } {
  const issues: AlertsIssue[] = [];
  const names = new Set<string>();
  file.channels.forEach((channel, index) => {
    const at = ['alerts', 'channels', index];
    if (names.has(channel.name))
      issues.push({ path: [...at, 'name'], message: `channel '${channel.name}' is declared twice` });
    names.add(channel.name);
    const entry = channel as unknown as Record<string, unknown>;
    const allowed = new Set([...COMMON_CHANNEL_FIELDS, ...CHANNEL_FIELDS[channel.type]]);
    for (const key of Object.keys(entry)) {
      if (!allowed.has(key))
        issues.push({
          path: [...at, key],
          message: `a ${channel.type} channel does not read '${key}' (it reads ${CHANNEL_FIELDS[channel.type].join(', ')})`,
        });
    }
    const what = `a ${channel.type} channel`;
    if (channel.type === 'webhook') {
      exactlyOne(entry, ['url', 'urlEnv', 'urlFile'], at, what, issues);
      exactlyOne(entry, ['secretEnv', 'secretFile'], at, `${what} signs every body`, issues);
    } else if (channel.type === 'ntfy') {
      exactlyOne(entry, ['topic', 'topicEnv'], at, what, issues);
      if (entry['tokenEnv'] !== undefined && entry['tokenFile'] !== undefined)
        issues.push({ path: [...at, 'tokenFile'], message: `${what}: give tokenEnv or tokenFile, not both` });
    } else if (channel.type === 'telegram') {
      exactlyOne(entry, ['tokenEnv', 'tokenFile'], at, `${what} needs the bot token`, issues);
      if (channel.chatId === undefined) issues.push({ path: at, message: `${what}: give chatId` });
    } else {
      exactlyOne(entry, ['urlEnv', 'urlFile'], at, `${what}'s URL is its secret`, issues);
    }
  });
  const rules = new Set<string>();
  file.rules.forEach((rule, index) => {
    const at = ['alerts', 'rules', index];
    if (rules.has(rule.name))
      issues.push({ path: [...at, 'name'], message: `rule '${rule.name}' is declared twice` });
    rules.add(rule.name);
    const entry = rule as unknown as Record<string, unknown>;
    // An engine-wide rule (slo, engine-silent) is about no account.
    const common = ENGINE_WIDE.has(rule.on)
      ? COMMON_RULE_FIELDS.filter((field) => field !== 'accounts')
      : COMMON_RULE_FIELDS;
    const allowed = new Set([...common, ...RULE_FIELDS[rule.on]]);
    for (const key of Object.keys(entry)) {
      if (!allowed.has(key)) {
        const reads = RULE_FIELDS[rule.on];
        issues.push({
          path: [...at, key],
          message: `a ${rule.on} rule does not read '${key}'${reads.length > 0 ? ` (it reads ${reads.join(', ')})` : ''}`,
        });
      }
    }
    (rule.channels ?? []).forEach((name, i) => {
      if (!names.has(name))
        issues.push({
          path: [...at, 'channels', i],
          message: `no channel is named '${name}' (channels: ${[...names].join(', ')})`,
        });
    });
    if (
      (rule.on === 'drawdown-room' || rule.on === 'daily-loss') &&
      rule.below === undefined &&
      rule.belowPercent === undefined
    )
      issues.push({
        path: at,
        message: `a ${rule.on} rule needs below (dollars) or belowPercent (of the limit)`,
      });
    if (rule.on === 'reject-burst' && (rule.count === undefined || rule.within === undefined))
      issues.push({ path: at, message: 'a reject-burst rule needs count and within (3 rejects within 1m)' });
    if (rule.on === 'pnl-milestone' && rule.every === undefined)
      issues.push({ path: at, message: 'a pnl-milestone rule needs every (dollars between milestones)' });
    if (rule.on === 'slo') checkSlo(rule, at, issues);
    if (rule.on === 'engine-silent') checkSilent(rule, at, issues);
  });
  const resolveFile = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : resolve(baseDir, path);
  const channels = file.channels.map((channel) => ({
    ...channel,
    ...(channel.urlFile !== undefined && { urlFile: resolveFile(channel.urlFile) }),
    ...(channel.secretFile !== undefined && { secretFile: resolveFile(channel.secretFile) }),
    ...(channel.tokenFile !== undefined && { tokenFile: resolveFile(channel.tokenFile) }),
  }));
  return { config: { channels, rules: file.rules }, issues };
}

/** An `slo` rule names a metric and a threshold of the metric's kind, and only the fields it reads. */
function checkSlo(rule: AlertRuleFile, at: (string | number)[], issues: AlertsIssue[]): void {
  if (rule.metric === undefined) {
    issues.push({ path: at, message: `an slo rule needs metric (one of ${SLO_METRICS.join(', ')})` });
    return;
  }
  const metric = rule.metric;
  const latency = LATENCY_METRICS.has(metric);
  if (rule.above === undefined)
    issues.push({
      path: at,
      message: `an slo rule needs above (${latency ? 'a duration such as 500us or 2ms' : metric === 'store-backlog' ? 'rows' : 'dead letters per minute'})`,
    });
  else if (latency && typeof rule.above !== 'string')
    issues.push({
      path: [...at, 'above'],
      message: `${metric} is a latency: give above as a duration such as 500us or 2ms, not ${String(rule.above)}`,
    });
  else if (!latency && typeof rule.above !== 'number')
    issues.push({
      path: [...at, 'above'],
      message: `${metric} is a count: give above as a number (${metric === 'store-backlog' ? 'rows' : 'per minute'}), not '${rule.above}'`,
    });
  else if (typeof rule.above === 'string' && !new RegExp(DURATION_PATTERN).test(rule.above))
    issues.push({
      path: [...at, 'above'],
      message: `'${rule.above}' is not a duration such as 500us, 2ms or 1s`,
    });
  else if (typeof rule.above === 'number' && !(rule.above >= 0))
    issues.push({ path: [...at, 'above'], message: `above: at least 0, not ${String(rule.above)}` });
  const reads = SLO_METRIC_FIELDS[metric];
  for (const key of ['pipeline', 'step', 'window'] as const) {
    if (rule[key] !== undefined && !reads.includes(key))
      issues.push({
        path: [...at, key],
        message: `an slo rule on ${metric} does not read '${key}'${reads.length > 0 ? ` (it reads ${reads.join(', ')})` : ''}`,
      });
  }
  if (rule.step !== undefined && rule.pipeline === undefined && metric === 'step-p99')
    issues.push({ path: [...at, 'step'], message: 'a step is named within its pipeline: give pipeline too' });
  if (rule.window !== undefined && parseDuration(rule.window) < MICROS_PER_SECOND)
    issues.push({
      path: [...at, 'window'],
      message: 'window: at least 1s (the figures are read once a second)',
    });
}

/** An `engine-silent` rule says how long silence may last, and its session is a real calendar. */
function checkSilent(rule: AlertRuleFile, at: (string | number)[], issues: AlertsIssue[]): void {
  if (rule.for === undefined)
    issues.push({ path: at, message: 'an engine-silent rule needs for (how long without data, e.g. 2m)' });
  else if (parseDuration(rule.for) < MICROS_PER_SECOND)
    issues.push({ path: [...at, 'for'], message: 'for: at least 1s (sources are read once a second)' });
  if (rule.step !== undefined && rule.pipeline === undefined)
    issues.push({ path: [...at, 'step'], message: 'a step is named within its pipeline: give pipeline too' });
  const session = rule.session;
  if (session !== undefined) {
    if (!isTimeZone(session.timeZone))
      issues.push({
        path: [...at, 'session', 'timeZone'],
        message: `'${session.timeZone}' is not an IANA time zone (America/Chicago, Europe/London)`,
      });
    if (session.open === session.close)
      issues.push({
        path: [...at, 'session', 'close'],
        message: 'the session closes when it opens: give different times',
      });
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Whether an object looks like an `alerts:` section (for the loader, before the shape is known good). */
export function isAlertsSection(value: unknown): value is AlertsFile {
  return isObject(value) && Array.isArray(value['channels']) && Array.isArray(value['rules']);
}
