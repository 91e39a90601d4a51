import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { feedCommand } from '../../src/cli/commands/feed.js';
import { startTestEngine, TEST_TOKEN, type TestEngine } from '../gateway/harness.js';

describe('enigma feed into a running engine', () => {
  let engine: TestEngine | undefined;
  let folder: string;
  const savedToken = process.env['ENIGMA_TOKEN'];

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'enigma-feed-'));
    process.env['ENIGMA_TOKEN'] = TEST_TOKEN;
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
    if (savedToken === undefined) delete process.env['ENIGMA_TOKEN'];
    else process.env['ENIGMA_TOKEN'] = savedToken;
  });
  afterEach(async () => engine?.close());

  it('replays a tick CSV, skipping bad lines, with every tick acknowledged', async () => {
    engine = await startTestEngine();
    const file = join(folder, 'ticks.csv');
    const rows = Array.from(
      { length: 500 },
      (_, i) => `${String(1_764_115_200_000_000 + i)},NQ 12-26,21012.25,1,21012,21012.25,buy`,
    );
    await writeFile(
      file,
      ['ts,symbol,price,size,bid,ask,side', ...rows.slice(0, 250), 'garbage', ...rows.slice(250)].join('\n'),
    );
    const code = await feedCommand.run(['--url', engine.http.url, '--csv', file]);
    expect(code).toBe(0);
    expect(engine.published(TOPICS.ticks)).toHaveLength(500);
    expect(engine.published(TOPICS.ticks)[499]).toMatchObject({
      ts: 1_764_115_200_000_499,
      symbol: 'NQ 12-26',
    });
  });

  it('refuses a tick CSV in milliseconds with exit 1, sending nothing', async () => {
    engine = await startTestEngine();
    const file = join(folder, 'ms.csv');
    await writeFile(
      file,
      'ts,symbol,price,size,bid,ask,side\n1764115200000,NQ 12-26,21012.25,1,21012,21012.25,buy\n',
    );
    expect(await feedCommand.run(['--url', engine.http.url, '--csv', file])).toBe(1);
    expect(engine.published(TOPICS.ticks)).toHaveLength(0);
  });

  it('streams a simulated market with signals', async () => {
    engine = await startTestEngine();
    const code = await feedCommand.run([
      '--url',
      engine.http.url,
      '--simulate',
      '--count',
      '3000',
      '--signals-per-minute',
      '600',
      '--symbols',
      'NQ 12-26,ES 12-26',
    ]);
    expect(code).toBe(0);
    const ticks = engine.published(TOPICS.ticks).length;
    const signals = engine.published(TOPICS.signals).length;
    expect(ticks + signals).toBe(3000);
    expect(signals).toBeGreaterThan(0);
  });

  it('fails within seconds, naming the URL and what to check, when no engine listens', async () => {
    engine = undefined;
    const url = `http://127.0.0.1:${String(await freePort())}`;
    const result = await feedProcess(['--url', url, '--simulate', '--count', '10']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `enigma feed: cannot reach the engine at ${url}: connection refused (nothing listens on that port) [GATEWAY_UNREACHABLE]`,
    );
    expect(result.stderr).toContain('enigma run <pipeline> --listen 127.0.0.1:');
    expect(result.stderr).toContain('--retry');
  });

  it('with --retry, waits for an engine that starts later and feeds it', async () => {
    const file = join(folder, 'retry.csv');
    await writeFile(
      file,
      `ts,symbol,price,size,bid,ask,side\n1764115200000000,NQ 12-26,21012.25,1,21012,21012.25,buy\n`,
    );
    const port = await freePort();
    const fed = feedCommand.run(['--url', `http://127.0.0.1:${String(port)}`, '--csv', file, '--retry']);
    await new Promise((resolve) => setTimeout(resolve, 500));
    engine = await startTestEngine({}, port);
    expect(await fed).toBe(0);
    expect(engine.published(TOPICS.ticks)).toHaveLength(1);
  });

  it('exits 2 with the usage when neither --csv nor --simulate is given', async () => {
    engine = await startTestEngine();
    expect(await feedCommand.run(['--url', engine.http.url])).toBe(2);
  });
});

const ROOT = new URL('../../', import.meta.url).pathname;

/** `enigma feed …` from source as a child process, as a user runs it. */
function feedProcess(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'feed', ...args], {
      cwd: ROOT,
      env: { ...process.env, ENIGMA_TOKEN: TEST_TOKEN },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** A loopback port with nothing listening on it (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}
