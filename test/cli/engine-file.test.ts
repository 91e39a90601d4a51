import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/core/errors.js';
import { apiToken } from '../../src/cli/engine-api.js';
import { engineFilePath, findEngine, writeEngineFile } from '../../src/cli/engine-file.js';
import { haltFilePath } from '../../src/risk/halt-store.js';
import { enigma } from './enigma-process.js';

const dataDir = (): string => mkdtempSync(join(tmpdir(), 'enigma-engine-file-'));

/** A pid no process has any more: a child that already exited. */
const goneProcessId = (): number => spawnSync(process.execPath, ['-e', '']).pid ?? 0;

/** A loopback port nothing listens on (taken, then given back). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

function writeStale(dir: string, pid: number, url: string): void {
  writeFileSync(engineFilePath(dir), JSON.stringify({ pid, url, startedAt: new Date().toISOString() }));
}

describe('engine.json: how the CLI finds a running engine', () => {
  it('ignores a file whose process is gone, says so, and halts through the files as before', async () => {
    const dir = dataDir();
    const pid = goneProcessId();
    writeStale(dir, pid, 'http://127.0.0.1:9');
    const killed = await enigma(['kill', '--data-dir', dir, '--no-wait', '--reason', 'stale'], {
      env: { ENIGMA_API_TOKEN: '' },
    });
    expect(killed.code).toBe(0);
    expect(killed.stderr).toContain(`names pid ${String(pid)}, which no longer runs`);
    expect(killed.stderr).toContain('the files are used');
    expect(killed.stdout).toContain('every account HALTED');
    expect(JSON.parse(readFileSync(haltFilePath(dir), 'utf8'))).toMatchObject({
      halts: { '*': { reason: 'stale' } },
    });
  });

  it('ignores a file whose URL refuses even though its pid runs, and reads the proposals file', async () => {
    const dir = dataDir();
    const url = `http://127.0.0.1:${String(await closedPort())}`;
    writeStale(dir, process.pid, url);
    const listed = await enigma(['proposals', '--data-dir', dir], { env: { ENIGMA_API_TOKEN: '' } });
    expect(listed.code).toBe(0);
    expect(listed.stderr).toMatch(new RegExp(`names ${url}, which does not answer \\(ECONNREFUSED\\)`));
    expect(listed.stdout).toBe('no proposal is waiting\n');
  });

  it('finds none without a file, and a token given without an engine changes nothing: the files are used', async () => {
    const dir = dataDir();
    expect(await findEngine(dir)).toEqual({ kind: 'none' });
    const resumed = await enigma(['resume', '--data-dir', dir], { env: { ENIGMA_API_TOKEN: 'enk_unused' } });
    expect(resumed).toMatchObject({ code: 0, stdout: 'every account resumed\n', stderr: '' });
  });

  it('is removed by the engine that wrote it, never when another engine replaced it', () => {
    const dir = dataDir();
    const first = writeEngineFile(dir, 'http://127.0.0.1:1');
    first.remove();
    expect(() => readFileSync(engineFilePath(dir))).toThrow();
    const mine = writeEngineFile(dir, 'http://127.0.0.1:2');
    writeStale(dir, 4242, 'http://127.0.0.1:3');
    mine.remove();
    expect(JSON.parse(readFileSync(engineFilePath(dir), 'utf8'))).toMatchObject({ pid: 4242 });
  });
});

describe('the API token of the CLI', () => {
  it('reads the first line of --token-file, over ENIGMA_API_TOKEN', () => {
    const file = join(dataDir(), 'token');
    writeFileSync(file, 'enk_from-file\r\nsecond line\n');
    const before = process.env['ENIGMA_API_TOKEN'];
    process.env['ENIGMA_API_TOKEN'] = 'enk_from-environment';
    try {
      expect(apiToken(file)).toBe('enk_from-file');
      expect(apiToken(undefined)).toBe('enk_from-environment');
      process.env['ENIGMA_API_TOKEN'] = '  ';
      expect(apiToken(undefined)).toBeUndefined();
    } finally {
      if (before === undefined) delete process.env['ENIGMA_API_TOKEN'];
      else process.env['ENIGMA_API_TOKEN'] = before;
    }
  });

  it('refuses a --token-file that is missing or empty with CLI_TOKEN_FILE_UNREADABLE', () => {
    const dir = dataDir();
    writeFileSync(join(dir, 'empty'), '\n');
    for (const path of [join(dir, 'missing'), join(dir, 'empty')]) {
      let caught: unknown;
      try {
        apiToken(path);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(EngineError);
      expect((caught as EngineError).code).toBe('CLI_TOKEN_FILE_UNREADABLE');
    }
  });
});
