import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = new URL('../src/', import.meta.url).pathname;

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Project-internal imports of a file, as src-relative folders, with whether each is type-only. */
function imports(file: string): { target: string; typeOnly: boolean }[] {
  const text = readFileSync(file, 'utf8');
  const found: { target: string; typeOnly: boolean }[] = [];
  for (const match of text.matchAll(/^import\s+(type\s+)?[^'"]*from\s+'(\.[^']+)'/gm)) {
    const target = relative(SRC, join(file, '..', match[2] ?? ''));
    found.push({ target, typeOnly: match[1] !== undefined });
  }
  return found;
}

const area = (path: string): string => path.split('/')[0] ?? '';

describe('architecture: dependencies point inward', () => {
  it('core imports nothing from the rest of src', () => {
    for (const file of files(join(SRC, 'core'))) {
      for (const { target } of imports(file))
        expect(area(target), `${relative(SRC, file)} imports ${target}`).toBe('core');
    }
  });

  it('operators never import the gateway, the store, the server or an engine', () => {
    const forbidden = new Set(['gateway', 'store', 'server', 'risk', 'execution', 'cli', 'engine.ts']);
    // index.ts is the registry: it gathers every area's operators (and only their operator files).
    for (const file of files(join(SRC, 'operators')).filter((path) => !path.endsWith('operators/index.ts'))) {
      for (const { target } of imports(file))
        expect(forbidden.has(area(target)), `${relative(SRC, file)} imports ${target}`).toBe(false);
    }
  });

  it('the pipeline compiler and runtime know operators and engines only by their types', () => {
    const typesOnly = new Set([
      'operators',
      'cli',
      'engine.ts',
      'gateway',
      'store',
      'server',
      'risk',
      'execution',
    ]);
    for (const file of files(join(SRC, 'pipeline'))) {
      for (const { target, typeOnly } of imports(file)) {
        if (typesOnly.has(area(target)))
          expect(typeOnly, `${relative(SRC, file)} imports ${target}`).toBe(true);
      }
    }
  });

  it('risk and execution never import each other: they talk through the bus, wired in the composition root', () => {
    for (const [from, to] of [
      ['risk', 'execution'],
      ['execution', 'risk'],
    ] as const) {
      for (const file of files(join(SRC, from))) {
        for (const { target } of imports(file))
          expect(area(target), `${relative(SRC, file)} imports ${target}`).not.toBe(to);
      }
    }
  });

  it('topic names are built only in src/bus/topics.ts', () => {
    for (const file of files(SRC)) {
      if (file.endsWith('bus/topics.ts')) continue;
      expect(readFileSync(file, 'utf8'), relative(SRC, file)).not.toMatch(/topic<[^>]+>\('/);
    }
  });
});
