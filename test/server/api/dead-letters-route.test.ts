import { Value } from '@sinclair/typebox/value';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../../src/bus/topics.js';
import { MICROS_PER_SECOND } from '../../../src/core/time.js';
import { DEAD_LETTER_PAYLOAD_CHARS } from '../../../src/server/api/schemas.js';
import { T0 } from '../../execution/execution-helpers.js';
import { startApiEngine, type ApiEngine, type Json } from './api-engine.js';

let api: ApiEngine | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function schemaOf(running: ApiEngine, status: number) {
  const route = running.engine.api?.routes.find((r) => r.method === 'get' && r.path === '/dead-letters');
  const spec = route?.responses[status];
  if (!spec) throw new Error(`GET /dead-letters declares no ${String(status)} response`);
  return spec.schema;
}

describe('GET /api/v1/dead-letters', () => {
  it('answers the newest dead letters with their reasons, the raw message clipped, for a viewer', async () => {
    api = await startApiEngine();
    const long = 'x'.repeat(3 * DEAD_LETTER_PAYLOAD_CHARS);
    api.engine.bus.publish(TOPICS.deadLetters, {
      ts: T0,
      origin: 'gateway:s-1',
      code: 'GATEWAY_NOT_JSON',
      reason: 'frame 7 is not JSON',
      message: '{"type":"tick",',
    });
    api.engine.bus.publish(TOPICS.deadLetters, {
      ts: T0 + MICROS_PER_SECOND,
      origin: 'default.bars',
      code: 'STEP_FAILED',
      reason: 'a bar with no trades',
      message: long,
    });
    await api.engine.store?.flush();

    const { status, body } = await api.call('GET', '/dead-letters?limit=10', api.tokens.viewer);
    expect(status).toBe(200);
    expect([...Value.Errors(schemaOf(api, 200), body)].map((e) => `${e.path}: ${e.message}`)).toEqual([]);
    const items = (body as Json).items as Json[];
    expect(items.map((item) => item.code)).toEqual(['STEP_FAILED', 'GATEWAY_NOT_JSON']);
    expect(items[1]).toEqual({
      ts: T0,
      origin: 'gateway:s-1',
      code: 'GATEWAY_NOT_JSON',
      reason: 'frame 7 is not JSON',
      payload: '{"type":"tick",',
      payloadChars: '{"type":"tick",'.length,
    });
    // The store keeps it whole; the API sends the first characters and says how long it was.
    expect(items[0].payload).toHaveLength(DEAD_LETTER_PAYLOAD_CHARS);
    expect(items[0].payloadChars).toBeGreaterThan(3 * DEAD_LETTER_PAYLOAD_CHARS - 1);

    const one = await api.call('GET', '/dead-letters?limit=1', api.tokens.viewer);
    expect((one.body as Json).items.map((item: Json) => item.code)).toEqual(['STEP_FAILED']);
    const bad = await api.call('GET', '/dead-letters?limit=0', api.tokens.viewer);
    expect(bad.status).toBe(400);
    expect((bad.body as Json).error.code).toBe('API_INVALID_REQUEST');
    expect((await api.call('GET', '/dead-letters')).status).toBe(401);
  });

  it('answers 503 when the engine keeps no history', async () => {
    api = await startApiEngine(undefined, { store: false });
    const { status, body } = await api.call('GET', '/dead-letters', api.tokens.viewer);
    expect(status).toBe(503);
    expect((body as Json).error.code).toBe('API_NO_STORE');
  });
});
