import type { OperatorRegistry } from './registry.js';

/**
 * The JSON Schema of pipeline YAML files, generated from the registry so editors can autocomplete
 * operators and their params (`pipelines/pipeline.schema.json`; `npm run docs` rewrites it).
 */
export function pipelineJsonSchema(registry: OperatorRegistry): Record<string, unknown> {
  const operators = registry.list();
  return JSON.parse(
    JSON.stringify({
      $schema: 'http://json-schema.org/draft-07/schema#',
      $id: 'https://enigma-apex.dev/schemas/pipeline.schema.json',
      title: 'Enigma-Apex pipeline',
      description: 'A pipeline is data: a named DAG of steps { id, op, from, params }.',
      type: 'object',
      required: ['id', 'steps'],
      additionalProperties: false,
      properties: {
        id: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
        description: { type: 'string' },
        modules: {
          type: 'array',
          items: { type: 'string' },
          description: 'User operator modules (.ts or .js), relative to this file.',
        },
        steps: {
          type: 'array',
          minItems: 1,
          items: {
            type: 'object',
            required: ['id', 'op'],
            additionalProperties: false,
            properties: {
              id: { type: 'string', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' },
              op: {
                type: 'string',
                description: 'Operator',
                examples: operators.map((operator) => operator.name),
              },
              from: {
                oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' }, minItems: 1 }],
              },
              params: { type: 'object' },
            },
            allOf: operators.map((operator) => ({
              if: { properties: { op: { const: operator.name } }, required: ['op'] },
              then: {
                properties: {
                  params: { ...(optionalDefaults(operator.params) as object), description: operator.summary },
                },
              },
            })),
          },
        },
      },
    }),
  ) as Record<string, unknown>;
}

/** A schema where properties with a default are not required: the compiler fills them in. */
function optionalDefaults(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(optionalDefaults);
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) copy[key] = optionalDefaults(value);
  const properties = copy['properties'] as Record<string, { default?: unknown }> | undefined;
  if (Array.isArray(copy['required']) && properties) {
    copy['required'] = (copy['required'] as string[]).filter(
      (name) => properties[name]?.default === undefined,
    );
  }
  return copy;
}
