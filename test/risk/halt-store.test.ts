import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { HaltStore, haltFilePath, type HaltRecord } from '../../src/risk/halt-store.js';

function storeIn(): HaltStore {
  return new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-halts-'))));
}

/** A halt store whose file holds `content` as JSON. */
function storeWith(content: unknown): HaltStore {
  const store = storeIn();
  writeFileSync(store.path, JSON.stringify(content));
  return store;
}

const manual: HaltRecord = { kind: 'manual', reason: 'news', by: 'alice', ts: 1 };

describe('the halt file', () => {
  it('reads as no halts when it does not exist', () => {
    expect(storeIn().load()).toEqual({ ok: true, halts: new Map() });
  });

  it('gives back what was saved, a manual halt and a breach', () => {
    const store = storeIn();
    const breach: HaltRecord = { kind: 'breach', reason: 'daily loss', by: 'engine', ts: 2 };
    store.save(
      new Map([
        ['SIM-B', breach],
        ['SIM-A', manual],
      ]),
    );
    expect(store.load()).toEqual({
      ok: true,
      halts: new Map([
        ['SIM-A', manual],
        ['SIM-B', breach],
      ]),
    });
  });

  it('writes the accounts in name order, whatever order they were halted in', () => {
    const store = storeIn();
    store.save(
      new Map([
        ['SIM-C', manual],
        ['*', manual],
        ['SIM-A', manual],
        ['SIM-B', manual],
      ]),
    );
    const written = JSON.parse(readFileSync(store.path, 'utf8')) as { halts: object };
    expect(Object.keys(written.halts)).toEqual(['*', 'SIM-A', 'SIM-B', 'SIM-C']);
  });

  it('is an error, not "no halts", when the path exists but cannot be read', () => {
    const store = storeIn();
    mkdirSync(store.path);
    const loaded = store.load();
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.error).toMatch(/EISDIR/);
  });

  it('is an error naming the file when it is not JSON', () => {
    const store = storeIn();
    writeFileSync(store.path, '{"version": 1, "halts": {');
    const loaded = store.load();
    expect(loaded.ok).toBe(false);
    expect(!loaded.ok && loaded.error.startsWith(`${store.path}: SyntaxError: `)).toBe(true);
  });

  it.each([
    ['another version', { version: 2, halts: {} }],
    ['no version', { halts: {} }],
    ['no halts', { version: 1 }],
    ['halts null', { version: 1, halts: null }],
    ['halts a string', { version: 1, halts: 'SIM-A' }],
  ])('is not a version 1 halt file with %s', (_name, content) => {
    const store = storeWith(content);
    expect(store.load()).toEqual({ ok: false, error: `${store.path}: not a version 1 halt file` });
  });

  it.each([
    ['null', null],
    ['without a reason', { kind: 'manual', by: 'alice', ts: 1 }],
    ['with a reason that is not text', { kind: 'manual', reason: 5, by: 'alice', ts: 1 }],
    ['without a kind', { reason: 'news', by: 'alice', ts: 1 }],
    ['of an unknown kind', { kind: 'pause', reason: 'news', by: 'alice', ts: 1 }],
  ])('is malformed, naming the account, when a halt is %s', (_name, record) => {
    const store = storeWith({ version: 1, halts: { 'SIM-A': manual, 'SIM-B': record } });
    expect(store.load()).toEqual({ ok: false, error: `${store.path}: halt of 'SIM-B' is malformed` });
  });
});
