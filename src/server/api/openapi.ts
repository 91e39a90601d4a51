import type { TObject, TSchema } from '@sinclair/typebox';
import type { AnyApiRoute } from './route.js';

/** The API's version in the document (the engine's package version would change on every release). */
export const API_VERSION = '1.0.0';

/** A TypeBox schema as plain JSON Schema (TypeBox marks its schemas with symbols JSON drops anyway). */
function jsonSchema(schema: TSchema): Record<string, unknown> {
  return JSON.parse(JSON.stringify(schema)) as Record<string, unknown>;
}

function parameters(where: 'path' | 'query', schema: TObject | undefined): Record<string, unknown>[] {
  if (!schema) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: jsonSchema(property),
  }));
}

/**
 * The OpenAPI 3.1 document of a route table: paths, parameters, bodies and responses come from
 * the same TypeBox schemas that validate the requests, so the document cannot drift from them.
 */
export function buildOpenApi(routes: readonly AnyApiRoute[], prefix: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${prefix}${route.path}`;
    const responses = Object.fromEntries(
      Object.entries(route.responses).map(([status, response]) => [
        status,
        {
          description: response.description,
          content: { [response.contentType ?? 'application/json']: { schema: jsonSchema(response.schema) } },
        },
      ]),
    );
    paths[path] ??= {};
    paths[path][route.method] = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      ...(route.access === 'public'
        ? { security: [] }
        : { description: `Needs a token of role \`${route.access}\` or above.` }),
      parameters: [...parameters('path', route.params), ...parameters('query', route.query)],
      ...(route.body && {
        requestBody: {
          required: false,
          content: { 'application/json': { schema: jsonSchema(route.body) } },
        },
      }),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Enigma-Apex engine API',
      version: API_VERSION,
      description:
        'Read the engine and act on its accounts. Every route except this document needs ' +
        '`Authorization: Bearer <token>`; roles rank viewer < trader < admin. Times are epoch microseconds.',
    },
    servers: [{ url: '/' }],
    security: [{ bearer: [] }],
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    tags: [
      { name: 'read', description: 'engine state and recent history (viewer)' },
      { name: 'act', description: 'state changes, each recorded in the audit log' },
      { name: 'meta', description: 'this document' },
    ],
    paths,
  };
}
