import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RotatingFile } from '../../../src/core/log/rotating-file.js';

const line = (index: number): string => `${JSON.stringify({ n: index, pad: 'x'.repeat(40) })}\n`;

describe('the size-capped log file', () => {
  it('rotates before a file passes its cap, keeps the newest lines and drops the oldest files', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'enigma-rotate-')), 'logs', 'engine.log');
    const file = new RotatingFile(path, { maxBytes: 500, files: 3 });
    for (let index = 0; index < 100; index++) file.write(line(index));
    file.close();
    const kept = [path, `${path}.1`, `${path}.2`];
    for (const name of kept) expect(statSync(name).size).toBeLessThanOrEqual(500);
    expect(existsSync(`${path}.3`)).toBe(false);
    // Oldest first, the three files hold one unbroken run of lines ending with the last one written.
    const numbers = [...kept]
      .reverse()
      .flatMap((name) => readFileSync(name, 'utf8').trim().split('\n'))
      .map((text) => (JSON.parse(text) as { n: number }).n);
    expect(numbers.at(-1)).toBe(99);
    expect(numbers).toEqual(numbers.map((_, index) => (numbers[0] as number) + index));
    expect(numbers.length).toBeLessThan(100);
  });

  it('appends to the file a previous run left, counting its size', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'enigma-rotate-')), 'engine.log');
    const first = new RotatingFile(path, { maxBytes: 120, files: 2 });
    first.write(line(1));
    first.close();
    const second = new RotatingFile(path, { maxBytes: 120, files: 2 });
    second.write(line(2));
    second.write(line(3));
    second.close();
    expect(readFileSync(`${path}.1`, 'utf8')).toBe(line(1) + line(2));
    expect(readFileSync(path, 'utf8')).toBe(line(3));
  });

  it('with one file, starts it over instead of keeping an older one', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'enigma-rotate-')), 'engine.log');
    const file = new RotatingFile(path, { maxBytes: 100, files: 1 });
    file.write(line(1));
    file.write(line(2));
    file.close();
    expect(readFileSync(path, 'utf8')).toBe(line(2));
    expect(existsSync(`${path}.1`)).toBe(false);
  });

  it('reports once and stops writing when the file cannot be opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'enigma-rotate-'));
    const failures: Error[] = [];
    // The path is a directory: opening it for appending fails as a full disk would, with an error.
    const file = new RotatingFile(dir, { onFailure: (error) => failures.push(error) });
    file.write(line(1));
    file.write(line(2));
    file.close();
    expect(failures).toHaveLength(1);
    expect(failures[0]?.message).toMatch(/EISDIR/);
  });
});
