import { appendFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JsonLinesLog } from '../../src/core/json-lines-log.js';

const fileIn = (name: string): string => join(mkdtempSync(join(tmpdir(), 'enigma-log-')), 'sub', name);

describe('JsonLinesLog', () => {
  it('reads back what was appended, in order, after a reopen', () => {
    const path = fileIn('log.jsonl');
    const first = JsonLinesLog.open(path, 10);
    expect(first.values).toEqual([]);
    first.log.append('a');
    first.log.append({ id: 'b', n: 2 });
    first.log.close();
    expect(JsonLinesLog.open(path, 10).values).toEqual(['a', { id: 'b', n: 2 }]);
  });

  it('drops a torn last line left by a crash mid-write, so the next record stands on its own line', () => {
    const path = fileIn('torn.jsonl');
    const { log } = JsonLinesLog.open(path, 10);
    log.append('kept');
    log.close();
    appendFileSync(path, '{"id":"half');
    const reopened = JsonLinesLog.open(path, 10);
    expect(reopened.values).toEqual(['kept']);
    reopened.log.append('after');
    reopened.log.close();
    expect(JsonLinesLog.open(path, 10).values).toEqual(['kept', 'after']);
  });

  it('compacts to the newest values past its limit, on disk too', () => {
    const path = fileIn('big.jsonl');
    const { log } = JsonLinesLog.open(path, 3);
    for (const value of [1, 2, 3, 4, 5]) log.append(value);
    log.close();
    expect(JsonLinesLog.open(path, 3).values).toEqual([3, 4, 5]);
    expect(readFileSync(path, 'utf8')).toBe('3\n4\n5\n');
  });
});
