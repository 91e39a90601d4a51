import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { GatewayClient } from '../../src/gateway/client.js';
import { GATEWAY_PATH } from '../../src/gateway/gateway.js';
import { GATEWAY_SUBPROTOCOL } from '../../src/gateway/upgrade-guard.js';
import { LOG_LEVELS } from '../../src/core/log/logger.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The engine's gateway token: in the environment the config names, and never in any log. */
const TOKEN = 'desk-token-for-the-log-test-0123456789';
/** An API-style token someone tries: also never in any log. */
const GUESSED = 'enk_guessed-api-token-abcdefghijklmnop';

/** Starts `enigma run --config <dir>/enigma.yaml` (from source) and resolves once it listens. */
function startEngine(dir: string) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'src/cli/main.ts', 'run', '--config', join(dir, 'enigma.yaml'), '--quiet'],
    { cwd: ROOT, env: { ...process.env, DESK_TOKEN: TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    void exited.then((code) => reject(new Error(`the engine exited with ${String(code)}:\n${stderr}`)));
  });
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

/** An upgrade to the gateway with this bearer token; resolves with the HTTP status of the refusal. */
function refusedStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url.replace('http', 'ws')}${GATEWAY_PATH}`, GATEWAY_SUBPROTOCOL, {
      headers: { authorization: `Bearer ${token}` },
    });
    socket.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.once('open', () => reject(new Error('the gateway accepted a wrong token')));
    socket.once('error', () => undefined);
  });
}

describe('the logs of a running engine', () => {
  it('are JSON lines with level, time and component in the data directory, readable on the terminal, and hold no token', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enigma-engine-logs-'));
    writeFileSync(
      join(dir, 'enigma.yaml'),
      [
        'accounts:',
        '  - id: SIM-50K',
        '    profile: apex-50k-evaluation',
        'gateway:',
        '  listen: 127.0.0.1:0',
        '  tokenEnv: DESK_TOKEN',
        'dataDir: ./data',
        'pipelines:',
        `  - ${JSON.stringify(join(ROOT, 'test/fixtures/pipelines/gateway-roundtrip.yaml'))}`,
        'log:',
        '  level: debug',
        '  terminalLevel: info',
        '',
      ].join('\n'),
    );
    const engine = startEngine(dir);
    const url = await engine.url;

    // Traffic over the gateway: an AddOn session that sends signals and has them acknowledged.
    const client = new GatewayClient({ url, token: TOKEN, accounts: ['Sim101'] });
    await client.connect();
    let ts = 1_764_115_200_000_000;
    for (let i = 0; i < 20; i++) {
      ts += 1000;
      client.send({
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
    await client.acknowledged();
    await client.close();
    // Wrong tokens (one that contains the real one), and an API call that shows the token twice.
    expect(await refusedStatus(url, `${TOKEN}-wrong`)).toBe(401);
    expect(await refusedStatus(url, GUESSED)).toBe(401);
    const health = await fetch(`${url}/healthz?token=${TOKEN}`, {
      headers: { authorization: `Bearer ${TOKEN}`, 'x-request-id': 'log-test-1' },
    });
    expect(health.headers.get('x-request-id')).toBe('log-test-1');
    // Paths are logged: a token pasted into one is redacted by value (the gateway's) or by pattern.
    expect((await fetch(`${url}/${TOKEN}`)).status).toBe(404);
    expect((await fetch(`${url}/${GUESSED}`)).status).toBe(404);

    engine.child.kill('SIGTERM');
    expect(await engine.exited).toBe(0);
    const { stdout, stderr } = engine.output();

    const logsDir = join(dir, 'data', 'logs');
    const files = readdirSync(logsDir);
    expect(files).toContain('engine.log');
    const entries = readFileSync(join(logsDir, 'engine.log'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const entry of entries) {
      expect(LOG_LEVELS, JSON.stringify(entry)).toContain(entry['level']);
      expect(new Date(String(entry['time'])).toISOString()).toBe(entry['time']);
      expect(typeof entry['component'], JSON.stringify(entry)).toBe('string');
    }
    const said = (component: string, msg: RegExp) =>
      entries.filter((entry) => entry['component'] === component && msg.test(String(entry['msg'])));
    expect(said('engine', /^engine started: live, 1 pipeline/)).toHaveLength(1);
    expect(said('gateway', /^AddOn session connected \(Sim101\)$/)).toHaveLength(1);
    expect(said('gateway', /^AddOn session disconnected/)).toHaveLength(1);
    expect(said('gateway', /^refused a connection from 127\.0\.0\.1: GATEWAY_AUTH_FAILED$/)).toHaveLength(2);
    expect(said('api', /^GET \/healthz 200$/)[0]).toMatchObject({ requestId: 'log-test-1', level: 'info' });
    expect(said('api', /^GET \/\[redacted\] 404$/)).toHaveLength(1);
    expect(said('api', /^GET \/enk_\[redacted\] 404$/)).toHaveLength(1);
    expect(said('engine', /^stopping on SIGTERM/)).toHaveLength(1);
    expect(said('engine', /^engine stopped/)).toHaveLength(1);

    // The terminal shows the same lines, one readable line each (terminalLevel: info).
    expect(stderr).toMatch(
      /^\d\d:\d\d:\d\d WARN {2}gateway: refused a connection from 127\.0\.0\.1: GATEWAY_AUTH_FAILED$/m,
    );
    expect(stderr).toMatch(/^\d\d:\d\d:\d\d INFO {2}gateway: AddOn session connected \(Sim101\)$/m);
    expect(stderr).toMatch(/^\d\d:\d\d:\d\d INFO {2}api: GET \/healthz 200$/m);
    expect(stderr).not.toMatch(/^\{/m);

    // No token anywhere: not in any log file, not on the terminal, not on standard output.
    const everything = [
      ...files.map((name) => readFileSync(join(logsDir, name), 'utf8')),
      stdout,
      stderr,
    ].join('\n');
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(GUESSED.slice('enk_'.length));
  }, 60_000);
});
