import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;

export interface EnigmaResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `enigma` command (dist/, `npm run build:ts`) as a child process, as a user would. */
export function enigma(
  args: readonly string[],
  options: {
    onStderr?: (text: string, child: ChildProcess) => void;
    onStdout?: (text: string, child: ChildProcess) => void;
    /** Environment variables set for the child, over this process's own. */
    env?: Readonly<Record<string, string>>;
  } = {},
): Promise<EnigmaResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/enigma.js'), ...args], {
      cwd: ROOT,
      ...(options.env && { env: { ...process.env, ...options.env } }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      options.onStdout?.(stdout, child);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      options.onStderr?.(stderr, child);
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
