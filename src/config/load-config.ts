import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { LineCounter, parseDocument } from 'yaml';
import { describeError } from '../core/errors.js';
import { checkMeaning } from './check-meaning.js';
import { ConfigError } from './config-error.js';
import { DEFAULT_ENGINE_CONFIG, type EngineConfig } from './engine-config.js';
import { IssueList } from './issue-list.js';
import { EngineConfigSchema } from './schema.js';
import { pointerSegments } from './yaml-places.js';

/** The file `enigma run`, `kill` and `resume` read when no `--config` is given and it exists. */
export const DEFAULT_CONFIG_FILE = 'enigma.yaml';

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
      } else if (segments[0] === 'alerts' && /secret|token|password/i.test(last ?? '')) {
        issues.add(
          segments,
          `secrets are never written in the configuration: name the environment variable or file that holds it (secretEnv / secretFile, tokenEnv / tokenFile, urlEnv / urlFile)`,
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
