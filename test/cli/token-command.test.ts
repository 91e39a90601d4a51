import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCK_FILE } from '../../src/cli/data-dir-lock.js';
import { TOKENS_FILE_NAME, TokenRegistry } from '../../src/server/auth/token-registry.js';
import { Store } from '../../src/store/store.js';
import { queryFile } from '../store/helpers.js';
import { enigma } from './enigma-process.js';

describe('enigma token', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'enigma-token-cli-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('create prints the token once on stdout, keeps only its hash, and list shows names and roles only', async () => {
    const created = await enigma([
      'token',
      'create',
      '--role',
      'trader',
      '--name',
      'desk',
      '--data-dir',
      dataDir,
    ]);
    expect(created.code).toBe(0);
    const lines = created.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const token = lines[0] as string;
    expect(token).toMatch(/^enk_[A-Za-z0-9_-]{43}$/);
    expect(created.stderr).toMatch(/shown this once/);
    expect(created.stderr).toMatch(/Authorization: Bearer/);
    expect(created.stderr).not.toContain(token);
    expect(readFileSync(join(dataDir, TOKENS_FILE_NAME), 'utf8')).not.toContain(token);
    expect(TokenRegistry.open(dataDir).authenticate(token)).toEqual({ name: 'desk', role: 'trader' });

    const listed = await enigma(['token', 'list', '--data-dir', dataDir]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(/^desk\s+trader\s+\d{4}-\d\d-\d\dT/);
    expect(listed.stdout).not.toContain(token);
    expect(listed.stdout).not.toMatch(/hash|salt/);

    const revoked = await enigma(['token', 'revoke', '--name', 'desk', '--data-dir', dataDir]);
    expect(revoked.code).toBe(0);
    expect(TokenRegistry.open(dataDir).authenticate(token)).toBeUndefined();
  });

  it('refuses a bad role, a duplicate name, an unknown name and a missing data directory with their codes', async () => {
    await enigma(['token', 'create', '--role', 'viewer', '--name', 'screen', '--data-dir', dataDir]);
    const cases: [string[], string][] = [
      [['create', '--role', 'superuser', '--name', 'x', '--data-dir', dataDir], 'API_TOKEN_ROLE_UNKNOWN'],
      [['create', '--role', 'viewer', '--name', 'screen', '--data-dir', dataDir], 'API_TOKEN_NAME_TAKEN'],
      [['revoke', '--name', 'nobody', '--data-dir', dataDir], 'API_TOKEN_NOT_FOUND'],
      [['list', '--data-dir', join(dataDir, 'missing')], 'API_NO_DATA_DIR'],
      [['create', '--name', 'x', '--data-dir', dataDir], 'CLI_USAGE'],
    ];
    // Each leaves the registry as it is, so they run at once.
    const results = await Promise.all(cases.map(([args]) => enigma(['token', ...args])));
    for (const [index, [args, code]] of cases.entries()) {
      const result = results[index] as Awaited<ReturnType<typeof enigma>>;
      expect({ args, code: result.code, stdout: result.stdout }).toEqual({
        args,
        code: expect.any(Number),
        stdout: '',
      });
      expect(result.code).not.toBe(0);
      expect(result.stderr).toContain(`[${code}]`);
    }
    expect(
      TokenRegistry.open(dataDir)
        .list()
        .map((token) => token.name),
    ).toEqual(['screen']);
  });

  it('records create and revoke in the audit log of the store when no engine holds it, and leaves it to a running one', async () => {
    const storePath = join(dataDir, 'enigma.duckdb');
    await (await Store.open(storePath)).close();
    await enigma(['token', 'create', '--role', 'addon', '--name', 'ninjatrader', '--data-dir', dataDir]);
    await enigma(['token', 'revoke', '--name', 'ninjatrader', '--data-dir', dataDir]);
    const rows = await queryFile(
      storePath,
      'SELECT principal, role, action, target, outcome, detail FROM audit ORDER BY seq',
    );
    expect(rows).toEqual([
      [expect.stringMatching(/^local:/), 'local', 'token.create', 'ninjatrader', 'ok', 'role addon'],
      [expect.stringMatching(/^local:/), 'local', 'token.revoke', 'ninjatrader', 'ok', 'role addon'],
    ]);
    // A live process (this test) holds the data directory, as a running engine would.
    writeFileSync(
      join(dataDir, LOCK_FILE),
      JSON.stringify({ pid: process.pid, started: new Date().toISOString(), command: 'enigma run' }),
    );
    const busy = await enigma([
      'token',
      'create',
      '--role',
      'viewer',
      '--name',
      'late',
      '--data-dir',
      dataDir,
    ]);
    expect(busy.code).toBe(0);
    expect(busy.stderr).toMatch(/an engine runs on .* it records this token.create in its audit log/);
    rmSync(join(dataDir, LOCK_FILE));
    expect(await queryFile(storePath, 'SELECT count(*) FROM audit')).toEqual([[2n]]);
  });
});
