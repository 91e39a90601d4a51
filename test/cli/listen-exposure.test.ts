import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exposureWarning, isLoopbackHost } from '../../src/server/http-server.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** Starts `enigma run --listen <address>` and resolves with its output once it listens (or exits). */
async function listenOutput(address: string, token: string): Promise<{ stdout: string; stderr: string }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'enigma-listen-'));
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(ROOT, 'bin/enigma.js'),
        'run',
        'pipelines/default.yaml',
        '--listen',
        address,
        '--no-store',
        '--no-trading',
        '--quiet',
        '--data-dir',
        dataDir,
        '--duration',
        '20',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ENIGMA_TOKEN: token } },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('listening ')) child.kill('SIGINT');
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

describe('listening beyond loopback', () => {
  it('tells loopback addresses from the rest', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', 'localhost'])
      expect(isLoopbackHost(host)).toBe(true);
    for (const host of ['0.0.0.0', '::', '192.168.1.5', '10.0.0.1']) expect(isLoopbackHost(host)).toBe(false);
    expect(exposureWarning('0.0.0.0')).toMatch(/EVERY network interface/);
    expect(exposureWarning('127.0.0.1')).toBeUndefined();
  });

  it('warns loudly when enigma run binds every interface, and not on loopback', async () => {
    const token = 'a-test-token-of-32-characters-xx';
    const [open, local] = await Promise.all([
      listenOutput('0.0.0.0:0', token),
      listenOutput('127.0.0.1:0', token),
    ]);
    expect(open.stdout).toMatch(/listening http:\/\/0\.0\.0\.0:\d+/);
    expect(open.stderr).toMatch(/WARNING: the engine listens on EVERY network interface/);
    expect(local.stdout).toMatch(/listening http:\/\/127\.0\.0\.1:\d+/);
    expect(local.stderr).not.toMatch(/WARNING/);
  });

  it('refuses to start with a one-character token', async () => {
    const result = await listenOutput('127.0.0.1:0', 'x');
    expect(result.stdout).not.toMatch(/listening/);
    expect(result.stderr).toMatch(/GATEWAY_WEAK_TOKEN|at least 16/);
  });
});
