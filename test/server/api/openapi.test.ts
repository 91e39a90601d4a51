import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApiEngine, type ApiEngine, type Json } from './api-engine.js';

let api: ApiEngine;
beforeAll(async () => {
  api = await startApiEngine();
});
afterAll(async () => {
  await api.close();
});

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** `METHOD /api/v1/path/{param}` of every operation in the document. */
function documented(document: Json): string[] {
  return Object.entries(document.paths as Record<string, Record<string, unknown>>).flatMap(([path, item]) =>
    Object.keys(item)
      .filter((key) => METHODS.includes(key))
      .map((method) => `${method.toUpperCase()} ${path}`),
  );
}

describe('the OpenAPI document', () => {
  it('is served without a token and is a valid OpenAPI 3.1 document', async () => {
    const { status, body } = await api.call('GET', '/openapi.json');
    expect(status).toBe(200);
    expect(body.openapi).toBe('3.1.0');
    const validator = new Validator();
    const result = await validator.validate(body);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    // The validator is real: the same document without its info object fails it.
    const broken = { ...body, info: undefined };
    expect((await new Validator().validate(JSON.parse(JSON.stringify(broken)))).valid).toBe(false);
  });

  it('lists exactly the routes the server has under /api/v1', async () => {
    const { body } = await api.call('GET', '/openapi.json');
    const served = api.engine.gateway?.http.app.routes
      .filter((route) => route.path.startsWith('/api/v1/'))
      .map((route) => `${route.method} ${route.path.replace(/:([^/]+)/g, '{$1}')}`);
    expect(new Set(served).size).toBe(served?.length);
    expect([...documented(body)].sort()).toEqual([...(served ?? [])].sort());
  });

  it('documents routes the server answers, and no route the server does not', async () => {
    const { body } = await api.call('GET', '/openapi.json');
    for (const operation of documented(body)) {
      const [method = '', path = ''] = operation.split(' ');
      // Without a token: 401 (or 200 for the document itself), never 404.
      const { status } = await api.call(method, path.replace('/api/v1', '').replace('{id}', 'x'));
      expect([200, 401], operation).toContain(status);
    }
    expect((await api.call('GET', '/not-a-route')).status).toBe(404);
  });

  it('describes each route with the schemas that validate it', async () => {
    const { body } = await api.call('GET', '/openapi.json');
    const mode = body.paths['/api/v1/accounts/{id}/mode'].put;
    expect(mode.requestBody.content['application/json'].schema).toMatchObject({
      additionalProperties: false,
      required: ['mode'],
    });
    expect(mode.parameters).toEqual([
      { name: 'id', in: 'path', required: true, schema: { type: 'string', minLength: 1, maxLength: 128 } },
    ]);
    expect(Object.keys(mode.responses)).toEqual(expect.arrayContaining(['200', '400', '401', '403', '409']));
    const fills = body.paths['/api/v1/fills'].get;
    expect(fills.parameters.map((parameter: Json) => parameter.name)).toEqual(['limit', 'since']);
  });
});
