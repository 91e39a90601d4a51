import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { Value } from '@sinclair/typebox/value';
import { parse } from 'yaml';
import { describeError, EngineError } from '../core/errors.js';
import { CONTRACT_SPECS } from '../core/instruments.js';
import { RuleProfileSchema, type RuleProfile, type RuleSource } from './rule-profile.js';

/** Profiles shipped with the engine, by id (the file name without `.yaml`). */
export const BUNDLED_PROFILE_IDS = ['apex-50k-evaluation', 'topstep-50k-combine'] as const;

/**
 * The folder of the bundled profiles. They live beside this file in `src/risk/profiles/`; the
 * compiled build (`dist/risk/`) reads them from the source tree, which ships with the package.
 * `moduleUrl` is where this module runs from (a test gives a compiled build's place).
 */
export function bundledProfilesDir(moduleUrl: string = import.meta.url): string {
  const candidates = [new URL('./profiles/', moduleUrl), new URL('../../src/risk/profiles/', moduleUrl)];
  for (const candidate of candidates) {
    const path = fileURLToPath(candidate);
    if (existsSync(path)) return path;
  }
  return fileURLToPath(candidates[0] as URL);
}

/**
 * Every rule of a profile with its source, by path (`rules.dailyLoss`, `account`, …): what a
 * reader checks the numbers against.
 */
export function ruleSources(profile: RuleProfile): [path: string, source: RuleSource][] {
  const sources: [string, RuleSource][] = [
    ['account', profile.account.source],
    ['automation', profile.automation.source],
  ];
  const { allowedInstruments, allowedInstrumentsSource, ...objectRules } = profile.rules;
  // Every rule but the instrument list is an object with a source (the schema and the type say so).
  for (const [name, rule] of Object.entries(objectRules)) {
    if (rule) sources.push([`rules.${name}`, rule.source]);
  }
  if (allowedInstruments && allowedInstrumentsSource)
    sources.push(['rules.allowedInstruments', allowedInstrumentsSource]);
  return sources;
}

/** Every problem with a parsed profile beyond its shape: sources, locks, zones, step order, instrument roots. */
function semanticProblems(profile: RuleProfile): string[] {
  const problems: string[] = [];
  const { rules } = profile;
  if (rules.allowedInstruments && !rules.allowedInstrumentsSource) {
    problems.push('rules.allowedInstrumentsSource: allowedInstruments needs a source like every rule');
  }
  for (const [path, source] of ruleSources(profile)) {
    if (source.kind === 'own') continue;
    for (const field of ['url', 'title', 'read'] as const) {
      if (source[field] === undefined)
        problems.push(`${path}.source.${field}: a '${source.kind}' source needs the page's ${field}`);
    }
  }
  const daily = rules.dailyLoss;
  if (daily?.mode === 'liquidate' && daily.lockUntil === undefined) {
    problems.push("rules.dailyLoss.lockUntil: mode 'liquidate' needs lockUntil (next-trading-day)");
  }
  if (daily?.lockUntil !== undefined && daily.mode !== 'liquidate') {
    problems.push(
      `rules.dailyLoss.lockUntil: only mode 'liquidate' takes lockUntil (mode is '${daily.mode}')`,
    );
  }
  if (daily?.lockUntil === 'next-trading-day' && !rules.tradingHours) {
    problems.push(
      'rules.dailyLoss.lockUntil: next-trading-day needs rules.tradingHours to know when the day starts',
    );
  }
  if (rules.tradingHours) {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: rules.tradingHours.timeZone });
    } catch {
      problems.push(`rules.tradingHours.timeZone: '${rules.tradingHours.timeZone}' is not an IANA time zone`);
    }
    if (rules.tradingHours.open === rules.tradingHours.forcedFlat) {
      problems.push(
        'rules.tradingHours: open and forcedFlat are the same time, so the session would be empty',
      );
    }
  }
  const steps = rules.scalingPlan?.steps ?? [];
  for (let i = 1; i < steps.length; i++) {
    if ((steps[i]?.fromProfit ?? 0) <= (steps[i - 1]?.fromProfit ?? 0)) {
      problems.push(`rules.scalingPlan.steps[${i}]: fromProfit must be larger than the step before`);
    }
  }
  for (const root of rules.allowedInstruments ?? []) {
    if (!CONTRACT_SPECS.has(root))
      problems.push(`rules.allowedInstruments: '${root}' is not a known contract root`);
  }
  return problems;
}

/**
 * Parses and validates a profile from YAML text. Throws RISK_PROFILE_INVALID listing every problem
 * (path and message), so a trader editing the file can fix them all at once.
 */
export function parseRuleProfile(text: string, file: string): RuleProfile {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (error) {
    throw new EngineError('RISK_PROFILE_INVALID', `${file}: not valid YAML: ${describeError(error)}`, {
      cause: error,
    });
  }
  if (!Value.Check(RuleProfileSchema, raw)) {
    const problems = [...Value.Errors(RuleProfileSchema, raw)].map(
      (error) => `${error.path === '' ? '/' : error.path}: ${error.message}`,
    );
    throw new EngineError('RISK_PROFILE_INVALID', `${file}:\n  ${[...new Set(problems)].join('\n  ')}`);
  }
  const problems = semanticProblems(raw);
  if (problems.length > 0)
    throw new EngineError('RISK_PROFILE_INVALID', `${file}:\n  ${problems.join('\n  ')}`);
  return raw;
}

/** Reads a profile file. */
export function loadRuleProfileFile(path: string): RuleProfile {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new EngineError(
      'RISK_PROFILE_UNREADABLE',
      `cannot read rule profile ${path}: ${describeError(error)}`,
      {
        cause: error,
      },
    );
  }
  return parseRuleProfile(text, path);
}

/** A profile by bundled id (`apex-50k-evaluation`) or by path to a YAML file. */
export function loadRuleProfile(idOrPath: string): RuleProfile {
  if (/^[a-z0-9][a-z0-9-]*$/.test(idOrPath)) {
    const path = join(bundledProfilesDir(), `${idOrPath}.yaml`);
    if (existsSync(path)) return loadRuleProfileFile(path);
    throw new EngineError(
      'RISK_UNKNOWN_PROFILE',
      `no bundled rule profile '${idOrPath}'; bundled: ${BUNDLED_PROFILE_IDS.join(', ')}, or give a path to a YAML file`,
    );
  }
  return loadRuleProfileFile(idOrPath);
}
