import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ClientMessageValidator, EngineMessageValidator } from '../../src/gateway/protocol/codec.js';
import {
  CLIENT_MESSAGE_SCHEMAS,
  CONTROL_TYPES,
  ENGINE_MESSAGE_SCHEMAS,
} from '../../src/gateway/protocol/schemas.js';

const DOC = new URL('../../docs/protocol.md', import.meta.url);

/** docs/protocol.md is what the C# AddOn is written from: its examples must be valid messages. */
describe('docs/protocol.md stays true to the code', () => {
  it('every JSON example is a valid message for its direction', async () => {
    const text = await readFile(DOC, 'utf8');
    const examples = [...text.matchAll(/```json\n([\s\S]*?)\n```/g)].map(
      (match) => JSON.parse(match[1] as string) as { type: string },
    );
    expect(examples.length).toBeGreaterThanOrEqual(24);
    const client = new ClientMessageValidator();
    const engine = new EngineMessageValidator();
    for (const example of examples) {
      const fromClient =
        example.type in CLIENT_MESSAGE_SCHEMAS ? client.validate(example) : 'not a client type';
      const fromEngine =
        example.type in ENGINE_MESSAGE_SCHEMAS ? engine.validate(example) : 'not an engine type';
      expect({
        type: example.type,
        valid: fromClient === undefined || fromEngine === undefined,
        fromClient,
        fromEngine,
      }).toMatchObject({
        valid: true,
      });
    }
  });

  it('documents every message type with an example', async () => {
    const text = await readFile(DOC, 'utf8');
    const documented = new Set([...text.matchAll(/```json\n\{"type":"([a-z_]+)"/g)].map((match) => match[1]));
    const all = [...Object.keys(CLIENT_MESSAGE_SCHEMAS), ...Object.keys(ENGINE_MESSAGE_SCHEMAS)];
    // `unsubscribe` shares the example of `subscribe`.
    expect(all.filter((type) => !documented.has(type) && type !== 'unsubscribe')).toEqual([]);
    for (const type of CONTROL_TYPES) expect(text).toContain(`\`${type}\``);
  });

  it('lists every gateway error code the code can send', async () => {
    const text = await readFile(DOC, 'utf8');
    const codes = [
      'GATEWAY_NOT_JSON',
      'GATEWAY_NOT_FINITE',
      'GATEWAY_UNKNOWN_TYPE',
      'GATEWAY_SCHEMA_VIOLATION',
      'GATEWAY_NEGATIVE_SIZE',
      'GATEWAY_UNKNOWN_SYMBOL',
      'GATEWAY_TIME_BACKWARDS',
      'GATEWAY_SEQ_BACKWARDS',
      'GATEWAY_SEQ_GAP',
      'GATEWAY_EMPTY_BATCH',
      'GATEWAY_HELLO_REQUIRED',
      'GATEWAY_UNSUPPORTED_PROTOCOL',
      'GATEWAY_SESSION_REPLACED',
      'GATEWAY_FLOOD',
      'GATEWAY_SLOW_CONSUMER',
      'GATEWAY_BINARY_FRAME',
      'GATEWAY_SHUTTING_DOWN',
      'GATEWAY_AUTH_FAILED',
      'GATEWAY_ORIGIN_REFUSED',
    ];
    expect(codes.filter((code) => !text.includes(code))).toEqual([]);
  });
});

const APPENDIX_TITLE = '## Appendix: JSON Schemas (generated from src/gateway/protocol/schemas.ts)';

/** The appendix as the code defines it: one JSON Schema per message and direction. */
function schemaAppendix(): string {
  const section = (title: string, schemas: Readonly<Record<string, object>>) =>
    [
      `### ${title}`,
      ...Object.entries(schemas).map(
        ([type, schema]) =>
          `#### \`${type}\`\n\n\`\`\`json-schema\n${JSON.stringify(schema, null, 2)}\n\`\`\``,
      ),
    ].join('\n\n');
  return [
    APPENDIX_TITLE,
    'Regenerate with `UPDATE_PROTOCOL_DOC=1 npx vitest run test/gateway/protocol-doc.test.ts`; the test fails while it differs.',
    section('Client → engine', CLIENT_MESSAGE_SCHEMAS),
    section('Engine → client', ENGINE_MESSAGE_SCHEMAS),
  ].join('\n\n');
}

describe('docs/protocol.md JSON Schema appendix', () => {
  it('matches the schemas the gateway validates and serialises with', async () => {
    const text = await readFile(DOC, 'utf8');
    const start = text.indexOf(APPENDIX_TITLE);
    const body = start < 0 ? text.trimEnd() : text.slice(0, start).trimEnd();
    const expected = `${body}\n\n${schemaAppendix()}\n`;
    if (process.env['UPDATE_PROTOCOL_DOC'] === '1') await writeFile(DOC, expected);
    else expect(text).toBe(expected);
  });
});
