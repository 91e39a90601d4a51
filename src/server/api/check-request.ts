import type { TObject } from '@sinclair/typebox';
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import type { RequestProblem } from './route.js';

/** A request part's validator, compiled once when the API is mounted. */
export interface PartCheck {
  /** The part as the handler gets it (query strings converted to numbers), or every problem. */
  check(value: unknown): { ok: true; value: unknown } | { ok: false; problems: RequestProblem[] };
}

/**
 * Validates one part of a request (`params`, `query`, `body`) against its schema and reports
 * every problem, each with its path (`/body/mode`). Query strings are converted to the schema's
 * types first (`limit=10` → 10); defaults are not applied (handlers apply them).
 */
export function partCheck(part: 'params' | 'query' | 'body', schema: TObject, convert: boolean): PartCheck {
  const compiled: TypeCheck<TObject> = TypeCompiler.Compile(schema);
  return {
    check(raw) {
      const value: unknown = convert ? Value.Convert(schema, raw) : raw;
      if (compiled.Check(value)) return { ok: true, value };
      const problems = [...compiled.Errors(value)].map((error) => ({
        path: `/${part}${error.path}`,
        message: describe(error.path, error.message, error.schema),
      }));
      return { ok: false, problems: dedupe(problems) };
    },
  };
}

/** TypeBox names an unknown field by its parent's path; say which field it is. */
function describe(path: string, message: string, schema: unknown): string {
  if (message === 'Expected required property') return `${path.slice(1) || 'field'} is required`;
  const choices = (schema as { anyOf?: { const?: unknown }[] } | undefined)?.anyOf?.map(
    (branch) => branch.const,
  );
  if (choices && choices.every((choice) => choice !== undefined))
    return `must be one of ${choices.map((choice) => JSON.stringify(choice)).join(', ')}`;
  return message;
}

/**
 * A union reports each branch's failure, a missing field its type too: one line per path and
 * message is enough, and "is required" says all there is to say about a field.
 */
function dedupe(problems: RequestProblem[]): RequestProblem[] {
  const seen = new Set<string>();
  const missing = new Set(problems.filter((p) => p.message.endsWith(' is required')).map((p) => p.path));
  return problems.filter((problem) => {
    if (missing.has(problem.path) && !problem.message.endsWith(' is required')) return false;
    const key = `${problem.path}\n${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
