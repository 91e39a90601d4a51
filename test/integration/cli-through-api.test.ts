import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { TokenRegistry } from '../../src/server/auth/token-registry.js';
import { enigma, type EnigmaResult } from '../cli/enigma-process.js';
import { queryFile } from '../store/helpers.js';
import { NQ, ScriptedNinjaTrader, TEST_TOKEN } from './scripted-ninjatrader.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const ROOT = resolve('.');
const ACCOUNT = 'APEX-12345';

/**
 * A real `enigma run --listen` child process trading APEX-12345 through a scripted AddOn in
 * confirm mode, reached by the real `enigma kill`, `resume`, `proposals`, `confirm` and `reject`
 * as child processes, each with a token of the engine's own registry.
 */
interface Rig {
  readonly dir: string;
  readonly dataDir: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  readonly tokens: Record<'admin' | 'trader' | 'viewer', string>;
  readonly tokenFiles: Record<'admin' | 'trader' | 'viewer', string>;
  readonly addOn: ScriptedNinjaTrader;
}

let rig: Rig | undefined;
/** The rig, once `beforeAll` started it. */
const r = (): Rig => {
  if (!rig) throw new Error('the rig did not start');
  return rig;
};

/** The bundled Apex profile without trading hours, so the test trades at any time of day. */
function anyHoursProfile(dir: string): string {
  const profile = parse(
    readFileSync(join(ROOT, 'src/risk/profiles/apex-50k-evaluation.yaml'), 'utf8'),
  ) as Json;
  delete profile.rules.tradingHours;
  const path = join(dir, 'any-hours.yaml');
  writeFileSync(path, stringify(profile));
  return path;
}

async function startRig(): Promise<Rig> {
  const dir = mkdtempSync(join(tmpdir(), 'enigma-cli-api-'));
  const dataDir = join(dir, 'data');
  mkdirSync(dataDir);
  const registry = TokenRegistry.open(dataDir);
  const tokens = {
    admin: registry.create('cli-admin', 'admin').token,
    trader: registry.create('cli-trader', 'trader').token,
    viewer: registry.create('cli-viewer', 'viewer').token,
  };
  const tokenFiles = Object.fromEntries(
    Object.entries(tokens).map(([role, token]) => {
      const path = join(dir, `${role}.token`);
      writeFileSync(path, `${token}\n`);
      return [role, path];
    }),
  ) as Rig['tokenFiles'];
  writeFileSync(
    join(dir, 'enigma.yaml'),
    stringify({
      accounts: [{ id: ACCOUNT, broker: 'ninjatrader', profile: anyHoursProfile(dir), mode: 'confirm' }],
      gateway: { listen: '127.0.0.1:8686' },
    }),
  );
  const child = spawn(
    process.execPath,
    [
      join(ROOT, 'bin/enigma.js'),
      'run',
      join(ROOT, 'test/integration/fixtures/ninjatrader-trading.yaml'),
      '--config',
      join(dir, 'enigma.yaml'),
      '--listen',
      '127.0.0.1:0',
      '--quiet',
      '--data-dir',
      dataDir,
    ],
    { cwd: dir, env: { ...process.env, ENIGMA_TOKEN: TEST_TOKEN }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const url = await new Promise<string>((done, fail) => {
    let stdout = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /listening (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout);
      if (match?.[1]) done(match[1]);
    });
    void exited.then((code) => fail(new Error(`the engine exited with ${String(code)}: ${stderr}`)));
  });
  const addOn = new ScriptedNinjaTrader(url, ACCOUNT);
  await addOn.connect();
  addOn.sendAccount();
  return { dir, dataDir, url, child, exited, tokens, tokenFiles, addOn };
}

async function get(path: string): Promise<Json> {
  const response = await fetch(`${r().url}/api/v1${path}`, {
    headers: { authorization: `Bearer ${r().tokens.viewer}` },
  });
  expect(response.status).toBe(200);
  return response.json();
}

/** The CLI as a user runs it, on the rig's data directory, with these extra environment variables. */
function cli(args: readonly string[], env: Record<string, string> = {}): Promise<EnigmaResult> {
  // No token unless the test gives one (an empty variable counts as none).
  return enigma([...args, '--data-dir', r().dataDir], { env: { ENIGMA_API_TOKEN: '', ...env } });
}

async function until(what: string, predicate: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((done) => setTimeout(done, 20));
  }
}

function signal(price: number): Parameters<ScriptedNinjaTrader['client']['send']>[0] {
  return {
    type: 'signal',
    source: 'enigma',
    symbol: NQ,
    direction: 'long',
    strength: 'strong',
    power: 5.5,
    confluence: 3,
    price,
    stop: price - 10,
    targets: [price + 20],
  };
}

/** Sends a signal and waits for the proposal the engine makes of it (the account is in confirm mode). */
async function nextProposal(price: number): Promise<string> {
  const before = r().addOn.count('proposal');
  r().addOn.client.send(signal(price));
  await r().addOn.waitFor(() => r().addOn.count('proposal') === before + 1, 'the proposal');
  const proposals = r().addOn.commands.filter((command) => command.type === 'proposal');
  const last = proposals.at(-1);
  if (last?.type !== 'proposal') throw new Error('no proposal');
  return last.proposal_id;
}

const stateOf = async (): Promise<string> => ((await get(`/accounts/${ACCOUNT}`)) as Json).state;

beforeAll(async () => {
  rig = await startRig();
  // The AddOn's snapshot reconciles the account; until then the engine denies its orders.
  await until('the AddOn snapshot', async () => {
    const sessions = (await get('/status')).gateway.sessions as Json[];
    return sessions.length === 1 && sessions[0].lastEventTs > sessions[0].connectedTs;
  });
}, 60_000);

afterAll(async () => {
  await rig?.addOn.client.close();
  rig?.child.kill('SIGKILL');
});

describe('enigma kill, resume, proposals, confirm and reject with an engine running: through its API', () => {
  it('announces itself in engine.json (pid and URL, never a token), and GET /status shows the AddOn with its last heartbeat', async () => {
    const file = JSON.parse(readFileSync(join(r().dataDir, 'engine.json'), 'utf8')) as Json;
    expect(file).toEqual({ pid: r().child.pid, url: r().url, startedAt: expect.any(String) });
    for (const token of Object.values(r().tokens)) expect(JSON.stringify(file)).not.toContain(token);
    await r().addOn.client.ping();
    const status = await get('/status');
    expect(status.gateway.sessions).toMatchObject([
      { accounts: [ACCOUNT], lastHeartbeatTs: expect.any(Number) },
    ]);
    expect(status.gateway.sessions[0].lastHeartbeatTs).toBeGreaterThanOrEqual(
      status.gateway.sessions[0].connectedTs,
    );
  });

  it('refuses without a token, with a wrong one and with a too-low role: says how to get one, exits 1, changes nothing', async () => {
    const missing = await cli(['kill', '--no-wait']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('[CLI_NO_API_TOKEN]');
    expect(missing.stderr).toContain('enigma token create --role admin --name cli');
    expect(missing.stderr).toContain('ENIGMA_API_TOKEN');
    const wrong = await cli(['kill', '--no-wait'], { ENIGMA_API_TOKEN: 'enk_not-a-token-of-this-engine' });
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain('[API_UNAUTHORIZED]');
    const viewer = await cli(['kill', '--no-wait', '--token-file', r().tokenFiles.viewer]);
    expect(viewer.code).toBe(1);
    expect(viewer.stderr).toContain('[API_FORBIDDEN]');
    expect(viewer.stderr).toContain('enigma token create --role admin');
    const noTokenConfirm = await cli(['confirm', 'p-1']);
    expect(noTokenConfirm.code).toBe(1);
    expect(noTokenConfirm.stderr).toContain('enigma token create --role trader --name cli');
    expect(await stateOf()).toBe('ACTIVE');
    // Not sent to the files behind the API's back either.
    const halts = new HaltStore(haltFilePath(r().dataDir)).load();
    expect(halts.ok && halts.halts.size).toBe(0);
  });

  it('lists a proposal, confirms it (the order goes to the AddOn) and rejects another, as the token’s holder', async () => {
    const first = await nextProposal(21000);
    const listed = await cli(['proposals', '--token-file', r().tokenFiles.viewer]);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toMatch(
      new RegExp(`^${first}  ${ACCOUNT}  buy 1 ${NQ} market.* until \\d{4}-`, 'm'),
    );
    const refused = await cli(['confirm', first, '--token-file', r().tokenFiles.viewer]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[API_FORBIDDEN]');
    expect((await get('/proposals')).items.map((p: Json) => p.id)).toEqual([first]);

    const confirmed = await cli(['confirm', first], { ENIGMA_API_TOKEN: r().tokens.trader });
    expect(confirmed.code).toBe(0);
    expect(confirmed.stdout).toMatch(
      new RegExp(`^confirm of ${first} done by the running engine: order .+ sent$`, 'm'),
    );
    await r().addOn.waitFor(() => r().addOn.count('order') === 1, 'the confirmed order');

    const second = await nextProposal(21005);
    const rejected = await cli(['reject', second, 'no-such-proposal', '--token-file', r().tokenFiles.trader]);
    expect(rejected.code).toBe(1);
    expect(rejected.stdout).toContain(
      `reject of ${second} done by the running engine: proposal ${second} rejected`,
    );
    expect(rejected.stderr).toContain("no open proposal 'no-such-proposal' [RISK_UNKNOWN_PROPOSAL]");
    expect((await get('/proposals')).items).toEqual([]);
    expect(r().addOn.count('order')).toBe(1);
    const empty = await cli(['proposals', '--token-file', r().tokenFiles.viewer]);
    expect(empty.stdout).toBe('no proposal is waiting\n');
  });

  it('kills through the API (HALTED, halted by the token’s name, flat confirmed by the AddOn), lists the halt, and resumes', async () => {
    const killed = await cli([
      'kill',
      '--reason',
      'cli test',
      '--wait',
      '20',
      '--token-file',
      r().tokenFiles.admin,
    ]);
    expect(killed.code).toBe(0);
    expect(killed.stdout).toContain(`every account HALTED: the engine flattens and cancels now`);
    expect(killed.stdout).toContain(`engine: halted ${ACCOUNT}: flatten and cancel sent`);
    expect(killed.stdout).toContain(`${ACCOUNT} flat (confirmed by NinjaTrader)`);
    const account = await get(`/accounts/${ACCOUNT}`);
    expect(account).toMatchObject({
      state: 'HALTED',
      halt: { kind: 'manual', by: 'cli-admin', reason: 'cli test' },
    });
    // The order confirmed above was still working at NinjaTrader: the kill cancelled it there.
    expect(r().addOn.count('cancel')).toBe(1);
    expect(r().addOn.working.size).toBe(0);

    const listed = await cli(['kill', '--list'], { ENIGMA_API_TOKEN: r().tokens.viewer });
    expect(listed.stdout).toBe(`${ACCOUNT}: HALTED (manual) by cli-admin: cli test\n`);

    const resumed = await cli(['resume', '--account', ACCOUNT], { ENIGMA_API_TOKEN: r().tokens.admin });
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toBe(`${ACCOUNT} resumed (engine: resumed ${ACCOUNT})\n`);
    expect(await stateOf()).toBe('ACTIVE');
  });

  it('with --local, a person at the machine still halts through the halt file while the engine runs', async () => {
    const killed = await cli(['kill', '--local', '--no-wait', '--by', 'desk']);
    expect(killed.code).toBe(0);
    expect(killed.stdout).toContain(
      'every account HALTED: a running engine flattens and cancels now; halt kept in',
    );
    await until('the engine to read the halt file', async () => (await stateOf()) === 'HALTED');
    expect((await get(`/accounts/${ACCOUNT}`)).halt).toMatchObject({ by: 'desk' });
    const resumed = await cli(['resume'], { ENIGMA_API_TOKEN: r().tokens.admin });
    expect(resumed.stdout).toBe(`every account resumed (engine: resumed ${ACCOUNT})\n`);
    expect(await stateOf()).toBe('ACTIVE');
  });

  it('records every change in the audit log with the token’s name, refusals too, and removes engine.json on a clean stop', async () => {
    r().child.kill('SIGTERM');
    expect(await r().exited).toBe(0);
    expect(existsSync(join(r().dataDir, 'engine.json'))).toBe(false);
    const rows = await queryFile(
      join(r().dataDir, 'enigma.duckdb'),
      "SELECT principal, action, target, outcome FROM audit WHERE principal LIKE 'cli-%' ORDER BY seq",
    );
    expect(rows).toEqual([
      ['cli-viewer', 'halt', '*', 'refused'],
      ['cli-viewer', 'confirm', expect.any(String), 'refused'],
      ['cli-trader', 'confirm', expect.any(String), 'ok'],
      ['cli-trader', 'reject', expect.any(String), 'ok'],
      ['cli-trader', 'reject', 'no-such-proposal', 'refused'],
      ['cli-admin', 'halt', '*', 'ok'],
      ['cli-admin', 'resume', ACCOUNT, 'ok'],
      ['cli-admin', 'resume', '*', 'ok'],
    ]);
  });
});
