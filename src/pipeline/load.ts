import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { LineCounter, parseDocument, isMap, isSeq } from 'yaml';
import { describeError, PipelineDefinitionError, type PipelineIssue } from '../core/errors.js';
import type { OperatorDefinition } from './operator.js';
import type { PipelineDefinition } from './definition.js';

/** A pipeline definition with where it came from, ready for `compile()`. */
export interface PipelineSource {
  readonly definition: PipelineDefinition;
  /** File name for messages (`<inline>` for TypeScript objects). */
  readonly file: string;
  /** Folder that relative paths in the definition are resolved against. */
  readonly baseDir: string;
  /** 1-based line of each step in the file, by step index. */
  readonly stepLines?: readonly (number | undefined)[];
}

/** Reads a YAML pipeline file. Throws a PipelineDefinitionError when it cannot be read or parsed. */
export async function loadPipelineFile(path: string): Promise<PipelineSource> {
  const file = resolve(path);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new PipelineDefinitionError([
      {
        code: 'PIPELINE_FILE_UNREADABLE',
        file: path,
        message: `cannot read the file: ${describeError(error)}`,
      },
    ]);
  }
  return parsePipelineYaml(text, path, dirname(file));
}

/** Parses YAML text into a pipeline source, keeping each step's line for error messages. */
export function parsePipelineYaml(text: string, file: string, baseDir: string): PipelineSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new PipelineDefinitionError(
      document.errors.map((error) => ({
        code: 'PIPELINE_YAML_SYNTAX',
        file,
        line: error.linePos?.[0].line,
        message: error.message.split('\n')[0] ?? error.message,
      })),
    );
  }
  const stepLines: (number | undefined)[] = [];
  const steps = isMap(document.contents) ? document.contents.get('steps', true) : undefined;
  if (isSeq(steps)) {
    for (const item of steps.items) {
      const offset = (item as { range?: [number, number, number] }).range?.[0];
      stepLines.push(offset === undefined ? undefined : lineCounter.linePos(offset).line);
    }
  }
  return { definition: document.toJS() as PipelineDefinition, file, baseDir, stepLines };
}

/** What a user module may export: operators to register and functions for `map`/`filter`. */
export interface UserModule {
  readonly operators: readonly OperatorDefinition[];
  readonly functions: Readonly<Record<string, (message: unknown) => unknown>>;
}

/**
 * Loads the modules a pipeline names (TypeScript through tsx, or JavaScript). Each problem becomes
 * an issue; nothing is thrown for one bad module while others load.
 */
export async function loadUserModules(
  source: PipelineSource,
): Promise<{ modules: UserModule[]; issues: PipelineIssue[] }> {
  const modules: UserModule[] = [];
  const issues: PipelineIssue[] = [];
  const names = Array.isArray(source.definition.modules) ? source.definition.modules : [];
  for (const name of names) {
    const url = pathToFileURL(resolve(source.baseDir, String(name))).href;
    try {
      const loaded = (await importModule(url)) as Partial<UserModule> & { default?: Partial<UserModule> };
      const exports = loaded.default ?? loaded;
      const operators = Array.isArray(exports.operators) ? exports.operators : [];
      const functions = exports.functions && typeof exports.functions === 'object' ? exports.functions : {};
      if (operators.length === 0 && Object.keys(functions).length === 0) {
        issues.push({
          code: 'PIPELINE_MODULE_FAILED',
          file: source.file,
          message: `module '${String(name)}' exports neither 'operators' (an array) nor 'functions' (an object)`,
        });
      }
      modules.push({ operators, functions });
    } catch (error) {
      issues.push({
        code: 'PIPELINE_MODULE_FAILED',
        file: source.file,
        message: `cannot load module '${String(name)}': ${describeError(error)}`,
      });
    }
  }
  return { modules, issues };
}

async function importModule(url: string): Promise<unknown> {
  if (/\.[cm]?ts$/.test(url)) {
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(url, import.meta.url);
  }
  return import(url);
}
