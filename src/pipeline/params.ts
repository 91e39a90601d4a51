import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * Checks a step's params against its operator's schema, once, at compile time. Returns the params
 * with defaults applied, or the problems in words a trader can act on.
 */
export function validateParams(
  schema: TSchema,
  raw: unknown,
): { ok: true; params: unknown } | { ok: false; problems: string[] } {
  if (raw !== undefined && (raw === null || typeof raw !== 'object' || Array.isArray(raw))) {
    return { ok: false, problems: ['params must be a mapping of names to values'] };
  }
  const params = Value.Default(schema, structuredClone(raw ?? {})) as Record<string, unknown>;
  const problems: string[] = [];
  const known = schema['properties'] as Record<string, unknown> | undefined;
  if (known) {
    for (const name of Object.keys(params)) {
      if (!(name in known)) {
        const names = Object.keys(known);
        problems.push(`unknown param '${name}' (known: ${names.length > 0 ? names.join(', ') : 'none'})`);
      }
    }
  }
  for (const error of Value.Errors(schema, params)) {
    if (error.message.startsWith('Unexpected property')) continue;
    const path = error.path === '' ? 'params' : error.path.slice(1).replaceAll('/', '.');
    const got = error.value === undefined ? 'nothing' : JSON.stringify(error.value);
    const choices = literalChoices(error.schema);
    problems.push(
      choices
        ? `${path}: expected one of ${choices.join(', ')}, got ${got}`
        : `${path}: ${lowerFirst(error.message)}, got ${got}`,
    );
  }
  return problems.length > 0 ? { ok: false, problems: [...new Set(problems)] } : { ok: true, params };
}

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The values of a union of literals (an enum-like param), so an error can list them. */
function literalChoices(schema: TSchema): string[] | undefined {
  const members = (schema as { anyOf?: readonly TSchema[] }).anyOf;
  if (!members || members.length === 0) return undefined;
  const values = members.map((member) => (member as { const?: unknown }).const);
  return values.every((value) => typeof value === 'string' || typeof value === 'number')
    ? values.map(String)
    : undefined;
}
