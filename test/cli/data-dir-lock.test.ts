import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCK_FILE, lockDataDir } from '../../src/cli/data-dir-lock.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** A small live pipeline: a slow simulated market into bars written to a file. */
const PIPELINE = `id: lock
steps:
  - { id: market, op: simulatedMarket, params: { instruments: [ES 12-26], ticksPerSecond: 20 } }
  - { id: bars, op: bars, from: market, params: { every: 1s } }
  - { id: out, op: jsonl, from: bars, params: { path: bars.jsonl } }
`;

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** `enigma <args>` from the built CLI, as a user runs it. */
function enigma(args: string[]): {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
} {
  const child = spawn(process.execPath, [join(ROOT, 'bin/enigma.js'), ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
  return { child, done };
}

/** A process that has exited, so its pid is free: what a killed engine leaves behind. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.on('close', resolve));
  return child.pid as number;
}

async function waitFor(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((resolve) => setTimeout(resolve, 50));
}

describe('one data directory, one engine', () => {
  it('refuses a second engine on the same data directory, naming the first one’s pid; takes over once it is killed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-lock-'));
    const pipeline = join(dir, 'lock.yaml');
    await writeFile(pipeline, PIPELINE);
    const data = join(dir, 'data');
    const lockPath = join(data, LOCK_FILE);
    const first = enigma(['run', pipeline, '--data-dir', data, '--no-store', '--quiet']);
    const firstPid = first.child.pid as number;
    await waitFor(
      async () => existsSync(lockPath) && (await readFile(lockPath, 'utf8')).includes(`"pid":${firstPid}`),
    );

    const second = await enigma(['run', pipeline, '--data-dir', data, '--no-store', '--duration', '1']).done;
    expect(second.code).toBe(1);
    expect(second.stderr).toContain(
      `the data directory ${data} is in use by another engine (pid ${firstPid}`,
    );
    expect(second.stderr).toContain('[CLI_DATA_DIR_LOCKED]');
    expect(first.child.exitCode).toBeNull();

    first.child.kill('SIGKILL');
    await first.done;
    expect(existsSync(lockPath)).toBe(true);
    const third = await enigma([
      'run',
      pipeline,
      '--data-dir',
      data,
      '--no-store',
      '--quiet',
      '--duration',
      '1',
    ]).done;
    expect(third.stderr).not.toContain('CLI_DATA_DIR_LOCKED');
    expect(third.code).toBe(0);
    expect(existsSync(lockPath)).toBe(false);
  });

  it('takes over a lock whose process no longer runs', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-lock-'));
    const pid = await deadPid();
    await writeFile(join(dir, LOCK_FILE), JSON.stringify({ pid, started: 'then', command: 'enigma run' }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(existsSync(lock.path)).toBe(false);
  });

  it('takes over an unreadable lock file', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-lock-'));
    await writeFile(join(dir, LOCK_FILE), 'not json');
    const lock = lockDataDir(dir);
    expect(JSON.parse(await readFile(lock.path, 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
  });

  it('refuses while a live process holds the lock, and release leaves another engine’s lock alone', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-lock-'));
    const lock = lockDataDir(dir);
    expect(() => lockDataDir(dir)).toThrow(
      expect.objectContaining({
        code: 'CLI_DATA_DIR_LOCKED',
        message: expect.stringContaining(`(pid ${String(process.pid)}, since `),
      }),
    );
    const other = JSON.stringify({ pid: process.ppid, started: 'now', command: 'enigma run' });
    await writeFile(lock.path, other);
    lock.release();
    expect(await readFile(lock.path, 'utf8')).toBe(other);
  });
});
