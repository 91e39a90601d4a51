import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawn } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { Receiver } from './receiver.js';

const ROOT = new URL('../../', import.meta.url).pathname;

/** `enigma alerts test …` as a child process (dist/, `npm run build:ts`), with its own environment. */
function alertsTest(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/enigma.js'), 'alerts', 'test', ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

async function workspace(judge: (path: string) => number) {
  const receiver = await Receiver.start({ judge: (request) => judge(request.path) });
  const dir = mkdtempSync(join(tmpdir(), 'enigma-alerts-cli-'));
  cleanups.push(
    () => receiver.close(),
    () => rmSync(dir, { recursive: true, force: true }),
  );
  const config = join(dir, 'enigma.yaml');
  writeFileSync(
    config,
    `accounts:
  - { id: SIM-50K, profile: apex-50k-evaluation }
alerts:
  channels:
    - { name: phone, type: ntfy, server: "${receiver.url}", topicEnv: TEST_NTFY_TOPIC }
    - { name: ops, type: webhook, url: "${receiver.url}/hook", secretEnv: TEST_HOOK_SECRET }
  rules:
    - { name: halted, on: state-change, to: [HALTED] }
`,
  );
  return { receiver, config };
}

const ENV = { TEST_NTFY_TOPIC: 'enigma-cli-test', TEST_HOOK_SECRET: 'cli-test-signing-secret' };

describe('enigma alerts test', () => {
  it('sends a test notification through every channel and prints each result', async () => {
    const { receiver, config } = await workspace(() => 200);
    const result = await alertsTest(['--config', config], ENV);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(
      `phone (ntfy → ${receiver.url} (topic from TEST_NTFY_TOPIC)): delivered (HTTP 200)`,
    );
    expect(result.stdout).toContain(`ops (webhook → ${receiver.url}/hook): delivered (HTTP 200)`);
    expect(result.stdout).toContain('2 channel(s) delivered the test notification');
    expect(receiver.requests).toHaveLength(2);
    const bodies = receiver.bodies() as { topic?: string; code?: string; title?: string }[];
    expect(bodies).toContainEqual(
      expect.objectContaining({ topic: 'enigma-cli-test', title: 'Enigma-Apex info: ALERT_TEST' }),
    );
    expect(bodies).toContainEqual(expect.objectContaining({ code: 'ALERT_TEST', rule: 'test' }));
    // No secret reaches the output.
    expect(result.stdout).not.toContain(ENV.TEST_HOOK_SECRET);
    expect(result.stdout).not.toContain(ENV.TEST_NTFY_TOPIC);
  });

  it('exits 1 when a channel fails, names why, and tests only the channel asked for', async () => {
    const { receiver, config } = await workspace((path) => (path === '/hook' ? 500 : 200));
    const all = await alertsTest(['--config', config], ENV);
    expect(all.code).toBe(1);
    expect(all.stdout).toMatch(/ops \(webhook → .*\): FAILED: answered 500.* \[ALERT_DELIVERY_FAILED\]/);
    expect(all.stdout).toContain('1 of 2 channel(s) failed');

    const one = await alertsTest(['--config', config, '--channel', 'phone'], ENV);
    expect(one.code).toBe(0);
    expect(receiver.requests.map((request) => request.path)).toHaveLength(3);

    const missing = await alertsTest(['--config', config, '--channel', 'ops'], { TEST_HOOK_SECRET: '' });
    expect(missing.code).toBe(1);
    expect(missing.stdout).toMatch(/ops \(webhook\): FAILED: .*TEST_HOOK_SECRET \[ALERT_SECRET_MISSING\]/);

    const unknown = await alertsTest(['--config', config, '--channel', 'pager'], ENV);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      "no alert channel is named 'pager' (channels: phone, ops) [ALERT_UNKNOWN_CHANNEL]",
    );
  });
});
