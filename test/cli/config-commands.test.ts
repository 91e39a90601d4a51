import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../../src/config/index.js';
import type { OrderIntent } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { TICK_CSV_HEADER } from '../../src/sources/csv-ticks.js';
import { SimulatedMarket } from '../../src/sources/simulated-market.js';

const ROOT = new URL('../../', import.meta.url).pathname;

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built `enigma` command as a child process in `cwd`, as a user would. */
function enigma(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/enigma.js'), ...args], {
      cwd,
      env: { ...process.env, ENIGMA_TOKEN: undefined, ...env },
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

const tempDir = (): string => mkdtempSync(join(tmpdir(), 'enigma-config-cli-'));

describe('enigma init', () => {
  it('writes a starter enigma.yaml that validates, and never overwrites one without --force', async () => {
    const dir = tempDir();
    const first = await enigma(['init'], dir);
    expect(first.code).toBe(0);
    const written = readFileSync(join(dir, 'enigma.yaml'), 'utf8');
    expect(written).toMatch(/^# yaml-language-server: \$schema=.*enigma\.schema\.json\n/);
    const validated = await enigma(['validate', 'enigma.yaml'], dir);
    expect(validated.stderr).toBe('');
    expect(validated.stdout).toContain(
      'enigma.yaml: ok (engine configuration, 1 account(s): SIM-50K (paper, auto))',
    );
    expect(validated.stdout).toContain("ok (pipeline 'default'");
    expect(validated.code).toBe(0);

    writeFileSync(join(dir, 'enigma.yaml'), '# mine\n');
    const refused = await enigma(['init'], dir);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('exists: nothing written (--force overwrites it)');
    expect(readFileSync(join(dir, 'enigma.yaml'), 'utf8')).toBe('# mine\n');
    expect((await enigma(['init', '--force'], dir)).code).toBe(0);
    expect(readFileSync(join(dir, 'enigma.yaml'), 'utf8')).toBe(written);
  });

  it('its commented NinjaTrader account and gateway validate once uncommented', async () => {
    const dir = tempDir();
    expect((await enigma(['init'], dir)).code).toBe(0);
    const text = readFileSync(join(dir, 'enigma.yaml'), 'utf8');
    const uncommented = text.replaceAll(/^(\s*)#(?! \S)/gm, '$1');
    expect(uncommented).not.toBe(text);
    const config = parseEngineConfig(uncommented, 'enigma.yaml', dir);
    expect(config.accounts.map((account) => [account.id, account.broker, account.mode])).toEqual([
      ['SIM-50K', 'paper', 'auto'],
      ['APEX-12345', 'ninjatrader', 'confirm'],
    ]);
    expect(config.gateway).toEqual({
      listen: { host: '127.0.0.1', port: 8686 },
      token: { env: 'ENIGMA_TOKEN' },
    });
  });
});

describe('enigma validate with an engine configuration', () => {
  it('lists every problem with file, line and path and exits 1', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'enigma.yaml'),
      'accounts:\n  - id: A\n    profile: nope-profile\n    mode: yolo\ngateway: { token: abcdefabcdefabcdef }\n',
    );
    const result = await enigma(['validate', 'enigma.yaml'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr.split('\n')).toEqual([
      expect.stringMatching(/^enigma\.yaml:3 accounts\[0\]\.profile: no bundled rule profile 'nope-profile'/),
      'enigma.yaml:4 accounts[0].mode: must be one of auto, confirm, signals-only, got "yolo"',
      expect.stringMatching(
        /^enigma\.yaml:5 gateway\.token: the token is never written in the configuration/,
      ),
      '3 problem(s) found [CONFIG_INVALID]',
      '',
    ]);
  });
});

describe('enigma kill and resume name configured accounts only', () => {
  it('refuses an unknown account, listing the embedded default account when there is no enigma.yaml', async () => {
    const dir = tempDir();
    const result = await enigma(['kill', '--account', 'NOPE'], dir);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "unknown account 'NOPE': the configured accounts are SIM-50K (from the embedded default (no enigma.yaml)), and no engine running on this data directory trades it [RISK_UNKNOWN_ACCOUNT]",
    );
    expect(existsSync(join(dir, 'data', 'halts.json'))).toBe(false);
    expect((await enigma(['resume', '--account', 'NOPE'], dir)).code).toBe(1);
  });

  it("reads the engine's configuration and its data directory", async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, 'desk.yaml'),
      'accounts:\n  - { id: APEX-1, profile: apex-50k-evaluation }\n  - { id: APEX-2, profile: apex-50k-evaluation }\ndataDir: state\n',
    );
    const unknown = await enigma(['kill', '--account', 'SIM-50K', '--config', 'desk.yaml'], dir);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain(
      "unknown account 'SIM-50K': the configured accounts are APEX-1, APEX-2 (from desk.yaml)",
    );
    const killed = await enigma(['kill', '--account', 'APEX-2', '--config', 'desk.yaml'], dir);
    expect(killed.code).toBe(0);
    expect(killed.stdout).toContain(join(dir, 'state'));
    const listed = await enigma(['kill', '--list', '--config', 'desk.yaml'], dir);
    expect(listed.stdout).toContain('APEX-2: HALTED (manual)');
    expect((await enigma(['resume', '--account', 'APEX-2', '--config', 'desk.yaml'], dir)).stdout).toBe(
      'APEX-2 resumed\n',
    );
  });
});

describe('enigma run with an engine configuration', () => {
  it('asks for a pipeline when neither the command line nor the configuration names one', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'enigma.yaml'), 'accounts: [{ id: A, profile: apex-50k-evaluation }]\n');
    const result = await enigma(['run', '--duration', '1'], dir);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('name a pipeline, or list them under `pipelines` in enigma.yaml');
  });

  it('refuses a blank or too short gateway token before starting', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'p.yaml'), 'id: p\nsteps:\n  - { id: m, op: simulatedMarket }\n');
    writeFileSync(
      join(dir, 'enigma.yaml'),
      'accounts: [{ id: A, profile: apex-50k-evaluation }]\ngateway: { listen: 127.0.0.1:0, tokenEnv: DESK_TOKEN }\nstore: off\n',
    );
    const short = await enigma(['run', 'p.yaml', '--duration', '1'], dir, { DESK_TOKEN: 'short' });
    expect(short.code).toBe(1);
    expect(short.stderr).toContain(
      'the token in the DESK_TOKEN environment variable is too short: use at least 16 characters',
    );
    expect(short.stderr).toContain('[GATEWAY_WEAK_TOKEN]');
    const missing = await enigma(['run', 'p.yaml', '--duration', '1'], dir);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('set DESK_TOKEN to the bearer token');
  });

  it('runs the pipelines the configuration lists and sizes every signal for each of its two paper accounts', async () => {
    const dir = tempDir();
    // An hour of recorded ES ticks, replayed as fast as they can be read.
    const start = microsFromIso('2026-03-02T14:30:00Z');
    const market = new SimulatedMarket({ seed: 3, symbols: ['ES 12-26'], start, ticksPerSecond: 5 });
    const rows = [TICK_CSV_HEADER];
    for (let tick = market.next(); tick.ts < start + 3600e6; tick = market.next())
      rows.push([tick.ts, tick.symbol, tick.price, tick.size, tick.bid, tick.ask, tick.side].join(','));
    writeFileSync(join(dir, 'ticks.csv'), `${rows.join('\n')}\n`);
    writeFileSync(
      join(dir, 'sized.yaml'),
      `id: sized
steps:
  - { id: market, op: csvReplay, params: { file: ticks.csv } }
  - { id: enigma, op: simulatedSignals, from: market, params: { perMinute: 2, stopTicks: 12 } }
  - { id: size, op: kelly, from: enigma }
  - { id: intents, op: jsonl, from: size, params: { path: intents.jsonl } }
  - { id: orders, op: publish, from: size, params: { topic: orderIntents } }
`,
    );
    writeFileSync(
      join(dir, 'enigma.yaml'),
      `accounts:
  - { id: PAPER-A, profile: apex-50k-evaluation, mode: auto, sizing: { riskBudget: 150 } }
  - { id: PAPER-B, profile: apex-50k-evaluation, mode: auto, sizing: { riskBudget: 450 } }
pipelines: [sized.yaml]
dataDir: out
store: off
`,
    );
    const result = await enigma(['run', '--quiet'], dir);
    expect(result.stderr).toContain('sized.size');
    expect(result.code).toBe(0);
    const intents = readFileSync(join(dir, 'out', 'intents.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as OrderIntent);
    const a = intents.filter((intent) => intent.account === 'PAPER-A');
    const b = intents.filter((intent) => intent.account === 'PAPER-B');
    expect(a.length).toBeGreaterThan(5);
    expect(b.map((intent) => intent.signalTs)).toEqual(a.map((intent) => intent.signalTs));
    // Each account's own budget: $150 is one ES contract at a 12-tick stop, $450 three.
    expect(new Set(a.map((intent) => intent.quantity))).toEqual(new Set([1]));
    expect(new Set(b.map((intent) => intent.quantity))).toEqual(new Set([3]));
  });
});
