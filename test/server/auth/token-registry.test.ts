import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EngineError } from '../../../src/core/errors.js';
import { anyOf, fixedToken } from '../../../src/server/auth/combine-authenticators.js';
import { createFirstAdminToken } from '../../../src/server/auth/first-run.js';
import {
  TOKEN_PREFIX,
  TOKENS_FILE_NAME,
  TokenRegistry,
  type TokenChanges,
} from '../../../src/server/auth/token-registry.js';

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof EngineError ? error.code : `not an EngineError: ${String(error)}`;
  }
  return undefined;
}

describe('token registry', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'enigma-tokens-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('keeps only salted hashes at rest: the file never contains a token, and equal roles hash apart', () => {
    const registry = TokenRegistry.open(dataDir);
    const made = ['alice', 'bob', 'carol'].map((name) => registry.create(name, 'trader').token);
    const text = readFileSync(join(dataDir, TOKENS_FILE_NAME), 'utf8');
    for (const token of made) {
      expect(token.startsWith(TOKEN_PREFIX)).toBe(true);
      expect(token).toHaveLength(TOKEN_PREFIX.length + 43); // 32 bytes, base64url
      expect(text).not.toContain(token);
      expect(text).not.toContain(token.slice(TOKEN_PREFIX.length));
    }
    const stored = (JSON.parse(text) as { tokens: { hash: string; salt: string }[] }).tokens;
    expect(new Set(stored.map((token) => token.hash)).size).toBe(3);
    expect(new Set(stored.map((token) => token.salt)).size).toBe(3);
    expect(registry.list()).toEqual(
      ['alice', 'bob', 'carol'].map((name) => ({ name, role: 'trader', created: expect.any(String) })),
    );
    expect(JSON.stringify(registry.list())).not.toMatch(/hash|salt/);
  });

  it('writes the file atomically, readable by its owner only, leaving no temporary file', () => {
    TokenRegistry.open(dataDir).create('phone', 'viewer');
    expect(readdirSync(dataDir)).toEqual([TOKENS_FILE_NAME]);
    if (process.platform !== 'win32')
      expect(statSync(join(dataDir, TOKENS_FILE_NAME)).mode & 0o777).toBe(0o600);
  });

  it('finds the holder of a token, and refuses a revoked one, a prefix, a one-character change and any length', () => {
    const registry = TokenRegistry.open(dataDir);
    const viewer = registry.create('screen', 'viewer').token;
    const admin = registry.create('root', 'admin').token;
    expect(registry.authenticate(viewer)).toEqual({ name: 'screen', role: 'viewer' });
    expect(registry.authenticate(admin)).toEqual({ name: 'root', role: 'admin' });
    const last = admin.at(-1) === 'A' ? 'B' : 'A';
    for (const wrong of [
      admin.slice(0, -1),
      `${admin.slice(0, -1)}${last}`,
      `${admin}x`,
      '',
      'x'.repeat(5000),
    ])
      expect(registry.authenticate(wrong)).toBeUndefined();
    registry.revoke('root');
    expect(registry.authenticate(admin)).toBeUndefined();
    expect(registry.authenticate(viewer)).toEqual({ name: 'screen', role: 'viewer' });
  });

  it('sees tokens another process created or revoked within a second, without restarting', () => {
    let now = 1_000_000;
    const engine = TokenRegistry.open(dataDir, { nowMs: () => now });
    const cli = TokenRegistry.open(dataDir);
    const token = cli.create('late', 'addon').token;
    now += 1_000;
    expect(engine.authenticate(token)).toEqual({ name: 'late', role: 'addon' });
    cli.revoke('late');
    now += 1_000;
    expect(engine.authenticate(token)).toBeUndefined();
  });

  it('tells a running engine which tokens another process created or revoked, not its own changes', () => {
    const engine = TokenRegistry.open(dataDir);
    const seen: TokenChanges[] = [];
    engine.onExternalChange((changes) => seen.push(changes));
    engine.create('own', 'admin');
    const cli = TokenRegistry.open(dataDir);
    cli.create('phone', 'viewer');
    engine.refresh();
    cli.revoke('phone');
    cli.create('phone', 'trader'); // the same name again is another token
    engine.refresh();
    engine.refresh();
    const named = seen.map(({ created, revoked }) => ({
      created: created.map((token) => `${token.name}:${token.role}`),
      revoked: revoked.map((token) => `${token.name}:${token.role}`),
    }));
    expect(named).toEqual([
      { created: ['phone:viewer'], revoked: [] },
      { created: ['phone:trader'], revoked: ['phone:viewer'] },
    ]);
  });

  it('keeps its last good tokens when the file turns bad under a running engine, and the CLI reports it', () => {
    let now = 0;
    const engine = TokenRegistry.open(dataDir, { nowMs: () => now });
    const token = engine.create('desk', 'trader').token;
    writeFileSync(join(dataDir, TOKENS_FILE_NAME), '{ not json');
    now += 5_000;
    expect(engine.authenticate(token)).toEqual({ name: 'desk', role: 'trader' });
    expect(codeOf(() => TokenRegistry.open(dataDir))).toBe('API_TOKEN_FILE_INVALID');
    writeFileSync(join(dataDir, TOKENS_FILE_NAME), JSON.stringify({ version: 1, tokens: [{ name: 'x' }] }));
    expect(codeOf(() => TokenRegistry.open(dataDir))).toBe('API_TOKEN_FILE_INVALID');
  });

  it('refuses a bad role, a bad or duplicate name, an unknown name to revoke and a missing data directory', () => {
    const registry = TokenRegistry.open(dataDir);
    registry.create('desk', 'trader');
    expect(codeOf(() => registry.create('other', 'superuser'))).toBe('API_TOKEN_ROLE_UNKNOWN');
    expect(codeOf(() => registry.create('', 'viewer'))).toBe('API_TOKEN_NAME_INVALID');
    expect(codeOf(() => registry.create('has space', 'viewer'))).toBe('API_TOKEN_NAME_INVALID');
    expect(codeOf(() => registry.create('x'.repeat(65), 'viewer'))).toBe('API_TOKEN_NAME_INVALID');
    expect(codeOf(() => registry.create('desk', 'viewer'))).toBe('API_TOKEN_NAME_TAKEN');
    expect(codeOf(() => registry.revoke('nobody'))).toBe('API_TOKEN_NOT_FOUND');
    expect(codeOf(() => TokenRegistry.open(join(dataDir, 'missing')))).toBe('API_NO_DATA_DIR');
    expect(registry.list().map((token) => token.name)).toEqual(['desk']);
  });

  it('makes a first admin token only when the registry has none', () => {
    const registry = TokenRegistry.open(dataDir);
    registry.create('admin', 'viewer'); // a viewer took the name: the admin token is admin-2
    const first = createFirstAdminToken(registry);
    expect(first?.name).toBe('admin-2');
    expect(registry.authenticate(first?.token ?? '')).toEqual({ name: 'admin-2', role: 'admin' });
    expect(createFirstAdminToken(registry)).toBeUndefined();
    expect(existsSync(join(dataDir, TOKENS_FILE_NAME))).toBe(true);
  });

  it('accepts the configured addon token beside the registry as role addon', () => {
    const registry = TokenRegistry.open(dataDir);
    const desk = registry.create('desk', 'trader').token;
    const authenticate = anyOf(registry.authenticate, fixedToken('configured-token-0123456789'));
    expect(authenticate('configured-token-0123456789')).toEqual({
      name: 'addon (gateway.token)',
      role: 'addon',
    });
    expect(authenticate(desk)).toEqual({ name: 'desk', role: 'trader' });
    expect(authenticate('configured-token-012345678')).toBeUndefined();
  });
});
