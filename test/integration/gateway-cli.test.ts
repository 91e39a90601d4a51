import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayClient, type EngineCommand } from '../../src/gateway/client.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TOKEN = 'cli-integration-token';

interface EngineProcess {
  readonly child: ChildProcess;
  readonly url: string;
  readonly port: number;
  readonly exited: Promise<number | null>;
}

/** One data folder for the file: the restarted engine reopens the history the killed one wrote. */
const DATA_DIR = mkdtempSync(join(tmpdir(), 'enigma-gateway-cli-'));

/** `enigma run test/fixtures/pipelines/gateway-roundtrip.yaml --listen 127.0.0.1:<port>`, from source. */
async function startEngine(port = 0): Promise<EngineProcess> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'src/cli/main.ts',
      'run',
      'test/fixtures/pipelines/gateway-roundtrip.yaml',
      '--listen',
      `127.0.0.1:${String(port)}`,
      '--quiet',
      '--data-dir',
      DATA_DIR,
    ],
    { cwd: ROOT, env: { ...process.env, ENIGMA_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) =>
      reject(new Error(`the engine exited with ${String(code)} before listening:\n${stderr}`)),
    );
  });
  return { child, url, port: Number(new URL(url).port), exited };
}

describe('enigma run --listen, as the NinjaTrader AddOn sees it', () => {
  const engines: EngineProcess[] = [];
  let client: GatewayClient | undefined;
  afterEach(async () => {
    await client?.close();
    for (const engine of engines.splice(0)) {
      engine.child.kill('SIGKILL');
      await engine.exited;
    }
  });

  it('answers signals with orders, survives being killed and restarted, and stops cleanly on SIGTERM', async () => {
    const first = await startEngine();
    engines.push(first);
    const orders = new Map<string, EngineCommand>();
    const welcomes: boolean[] = [];
    client = new GatewayClient({
      url: first.url,
      token: TOKEN,
      accounts: ['Sim101'],
      minBackoffMs: 20,
      maxBackoffMs: 200,
      onWelcome: (welcome) => welcomes.push(welcome.resumed),
      onCommand: (command) => {
        if (command.type === 'order') orders.set(command.client_order_id, command);
      },
    });
    await client.connect();
    let ts = 1_764_115_200_000_000;
    const sendSignals = (count: number) => {
      for (let i = 0; i < count; i++) {
        ts += 1000;
        client?.send({
          type: 'signal',
          ts,
          symbol: 'NQ 12-26',
          direction: i % 2 === 0 ? 'long' : 'short',
          strength: 'normal',
          power: 1,
          confluence: 2,
          price: 21000,
        });
      }
    };
    sendSignals(500);
    await client.acknowledged();

    first.child.kill('SIGKILL');
    await first.exited;
    const second = await startEngine(first.port);
    engines.push(second);
    sendSignals(500);
    await client.acknowledged();
    while (orders.size < 1000) await new Promise((resolve) => setTimeout(resolve, 10));
    // The restarted engine reopens the DuckDB history and resumes the session from its watermark.
    expect(welcomes).toEqual([false, true]);
    expect(orders.size).toBe(1000);

    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
    engines.splice(0);
  });
});
