import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../', import.meta.url).pathname;

/** The YAML example of the README's "Writing a pipeline" section, as a user would copy it. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## Writing a pipeline'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('the README has no YAML example under "Writing a pipeline"');
  return match[1];
}

describe("the README's pipeline example", () => {
  it('saved as a file and run live, prints a signal within its first minute', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-readme-'));
    const file = join(dir, 'breakout.yaml');
    await writeFile(file, await readmeExample());
    const args = ['run', file, '--duration', '60', '--quiet', '--no-store', '--data-dir', join(dir, 'data')];
    const child = spawn(process.execPath, [join(ROOT, 'bin/enigma.js'), ...args], { cwd: dir });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      // One signal is what the test waits for: stop the run there (Ctrl-C drains and flushes).
      if (/\[breakout\.signals\]/.test(stdout) && child.exitCode === null) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).not.toMatch(/PIPELINE_|\[[A-Z_]+\]$/m);
    expect(code).toBe(0);
    expect(stdout).toMatch(/(LONG|SHORT) .* @ [\d.]+ stop [\d.]+ targets [\d.]+ \[breakout\.signals\]/);
  }, 90_000);
});
