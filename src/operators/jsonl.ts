import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { defineOperator, type Sink } from '../pipeline/operator.js';

/** Bytes gathered before one write to the file. */
const FLUSH_BYTES = 1 << 16;

/**
 * Writes every message as one line of JSON to a file (JSON Lines).
 *
 * 1. The path is relative to the data folder (`--data-dir`, default `./data`); folders are created.
 * 2. The file is replaced at the start of the run; lines are buffered and flushed when the pipeline ends.
 *
 * @example
 * - id: record
 *   op: jsonl
 *   from: signals
 *   params: { path: signals.jsonl }
 */
export const jsonl = defineOperator({
  kind: 'sink',
  name: 'jsonl',
  summary: 'Writes messages as JSON lines to a file under the data folder.',
  inputs: 'any',
  maxInputs: 16,
  params: Type.Object(
    { path: Type.String({ minLength: 1, pattern: '\\.jsonl$', description: 'File name ending in .jsonl' }) },
    { additionalProperties: false },
  ),
  create: (params, context): Sink => {
    const path = resolve(context.dataDir, params.path);
    mkdirSync(dirname(path), { recursive: true });
    const stream = createWriteStream(path, { encoding: 'utf8' });
    let buffer = '';
    return {
      write: (message) => {
        buffer += `${JSON.stringify(message)}\n`;
        if (buffer.length >= FLUSH_BYTES) {
          stream.write(buffer);
          buffer = '';
        }
      },
      close: () =>
        new Promise<void>((done, fail) => {
          stream.once('error', fail);
          stream.end(buffer, done);
          buffer = '';
        }),
    };
  },
});
