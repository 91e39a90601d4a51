import { spawn, type ChildProcess } from 'node:child_process';
import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { TokenRegistry } from '../../src/server/auth/token-registry.js';
import { queryFile } from '../store/helpers.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const ENV_TOKEN = 'an-environment-token-0123456789';

interface RunningEngine {
  readonly child: ChildProcess;
  readonly url: string;
  readonly stdout: () => string;
  readonly stderr: () => string;
  /** Ctrl-C, then the exit. */
  stop(): Promise<void>;
}

/** `enigma run --listen 127.0.0.1:0` as a user starts it; resolves once it prints `listening`. */
function startEngine(dataDir: string, env: Record<string, string | undefined>): Promise<RunningEngine> {
  const environment = Object.fromEntries(
    Object.entries({ ...process.env, ...env }).filter(([, value]) => value !== undefined),
  );
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/enigma.js'),
      'run',
      'pipelines/default.yaml',
      '--listen',
      '127.0.0.1:0',
      '--no-trading',
      '--quiet',
      '--data-dir',
      dataDir,
      '--duration',
      '60',
    ],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: environment },
  );
  let stdout = '';
  let stderr = '';
  const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return new Promise((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /listening (http:\/\/\S+)/.exec(stdout)?.[1];
      if (url)
        resolve({
          child,
          url,
          stdout: () => stdout,
          stderr: () => stderr,
          stop: () => {
            child.kill('SIGINT');
            return exited;
          },
        });
    });
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    void exited.then(() => reject(new Error(`enigma run exited before listening:\n${stderr}`)));
  });
}

/** Attempts a gateway upgrade with a token; the HTTP status (101 when it became a WebSocket). */
function upgradeStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}/v1/stream`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    socket.on('unexpected-response', (_request, response: http.IncomingMessage) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    socket.on('open', () => {
      socket.close();
      resolve(101);
    });
    socket.on('error', () => undefined);
  });
}

/** Every file under a folder, as bytes decoded loosely: a token written anywhere would show. */
function everythingIn(dir: string): string {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => readFileSync(join(entry.parentPath, entry.name)).toString('latin1'))
    .join('\n');
}

describe('the first run makes an admin token', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'enigma-first-run-'));
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('prints it once on the first run, never on the next, never logs or stores it, and the gateway takes addon tokens', async () => {
    const first = await startEngine(dataDir, { ENIGMA_TOKEN: undefined });
    await first.stop();
    const token = /^\s+(enk_\S+)$/m.exec(first.stdout())?.[1] ?? '';
    expect(first.stdout()).toMatch(/admin token 'admin' created .*will not be shown again/);
    expect(first.stdout().indexOf(token)).toBeLessThan(first.stdout().indexOf('listening'));
    expect(first.stdout().split(token)).toHaveLength(2);
    expect(first.stderr()).not.toContain(token);
    expect(first.stderr()).toMatch(/the NinjaTrader AddOn cannot connect yet/);
    expect(TokenRegistry.open(dataDir).authenticate(token)).toEqual({ name: 'admin', role: 'admin' });
    expect(everythingIn(dataDir)).not.toContain(token);
    expect(
      await queryFile(join(dataDir, 'enigma.duckdb'), 'SELECT principal, action, target, outcome FROM audit'),
    ).toEqual([['engine', 'token.create', 'admin', 'ok']]);

    const addon = TokenRegistry.open(dataDir).create('ninjatrader', 'addon').token;
    const second = await startEngine(dataDir, { ENIGMA_TOKEN: ENV_TOKEN });
    try {
      expect(await upgradeStatus(second.url, addon)).toBe(101);
      expect(await upgradeStatus(second.url, ENV_TOKEN)).toBe(101);
      expect(await upgradeStatus(second.url, token)).toBe(403);
      // As `enigma token` does while an engine runs: the engine, holding the history, records it.
      TokenRegistry.open(dataDir).create('phone', 'viewer');
    } finally {
      await second.stop();
    }
    expect(
      await queryFile(
        join(dataDir, 'enigma.duckdb'),
        "SELECT principal, role, action, target FROM audit WHERE principal = 'local'",
      ),
    ).toEqual([['local', 'local', 'token.create', 'phone']]);
    expect(second.stdout()).not.toMatch(/enk_|admin token/);
    expect(second.stderr()).not.toMatch(/enk_|cannot connect yet/);
    expect(
      TokenRegistry.open(dataDir)
        .list()
        .map((entry) => entry.name),
    ).toEqual(['admin', 'ninjatrader', 'phone']);
  });
});
