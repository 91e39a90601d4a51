import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { ERROR_CODES } from '../../../src/core/error-codes.js';
import { STREAM_CLOSE_CODES, VALID_TOPICS_TEXT } from '../../../src/server/stream/index.js';
import { parseStreamMessage } from '../../../src/server/stream/stream-messages.js';

const DOC = new URL('../../../docs/api-stream.md', import.meta.url);

describe('docs/api-stream.md stays true to the code', () => {
  it('lists every close code with its number', async () => {
    const text = await readFile(DOC, 'utf8');
    for (const [code, number] of Object.entries(STREAM_CLOSE_CODES))
      expect(text, code).toContain(`| ${String(number)} | \`${code}\` |`);
  });

  it('names every STREAM_ error code and every topic', async () => {
    const text = await readFile(DOC, 'utf8');
    for (const code of Object.keys(ERROR_CODES).filter((code) => code.startsWith('STREAM_')))
      expect(text, code).toContain(`\`${code}\``);
    for (const topic of VALID_TOPICS_TEXT) expect(text, topic).toContain(`| \`${topic}\` |`);
  });

  it('every client example is a message the stream accepts', async () => {
    const text = await readFile(DOC, 'utf8');
    const examples = [...text.matchAll(/```json\n([\s\S]*?)\n```/g)].map((match) => match[1] as string);
    const fromClient = examples.filter((example) =>
      /^\{"type":"(auth|subscribe|unsubscribe|pace)"/.test(example),
    );
    expect(fromClient.length).toBe(5);
    for (const example of fromClient) expect(parseStreamMessage(example, 64)).not.toHaveProperty('code');
    for (const example of examples) expect(() => JSON.parse(example) as unknown, example).not.toThrow();
  });
});
