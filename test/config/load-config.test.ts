import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  DEFAULT_ENGINE_CONFIG,
  loadEngineConfig,
  loadEngineConfigOrDefault,
  parseEngineConfig,
  type ConfigIssue,
} from '../../src/config/index.js';
import { bundledProfilesDir } from '../../src/risk/load-rule-profile.js';

/** A folder with a pipeline `default` and a rule profile that allows ES only. */
function workspace(): string {
  const dir = mkdtempSync(join(tmpdir(), 'enigma-config-'));
  mkdirSync(join(dir, 'pipelines'));
  writeFileSync(join(dir, 'pipelines', 'default.yaml'), 'id: default\nsteps: []\n');
  const apex = readFileSync(join(bundledProfilesDir(), 'apex-50k-evaluation.yaml'), 'utf8');
  writeFileSync(
    join(dir, 'es-only.yaml'),
    apex
      .replace(/^ {2}allowedInstruments: .*$/m, '  allowedInstruments: [ES, MES]')
      .replace(/^id: .*$/m, 'id: es-only'),
  );
  return dir;
}

/** The problems of a configuration text, as `line path: message`. */
function problems(text: string, dir = workspace()): string[] {
  try {
    parseEngineConfig(text, 'enigma.yaml', dir);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).code).toBe('CONFIG_INVALID');
    return (error as ConfigError).issues.map(
      (issue: ConfigIssue) => `${issue.line} ${issue.path}: ${issue.message}`,
    );
  }
  throw new Error('the configuration was accepted');
}

describe('loading enigma.yaml', () => {
  it('resolves a valid configuration: paths relative to the file, defaults filled in', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'token.txt'), 'x'.repeat(32));
    const config = parseEngineConfig(
      `
accounts:
  - id: SIM-A
    profile: apex-50k-evaluation
    sizing: { kellyFraction: 0.2, riskBudget: 250 }
  - id: APEX-12345
    broker: ninjatrader
    profile: ./es-only.yaml
    mode: confirm
    pipelines: [default]
    instruments: [ES, MES 12-26]
gateway: { listen: '0.0.0.0:9000', tokenFile: token.txt }
store: off
dataDir: state
pipelines: [pipelines/default.yaml]
`,
      'enigma.yaml',
      dir,
    );
    expect(config).toEqual({
      file: 'enigma.yaml',
      accounts: [
        {
          id: 'SIM-A',
          broker: 'paper',
          profile: 'apex-50k-evaluation',
          sizing: { kellyFraction: 0.2, riskBudget: 250 },
        },
        {
          id: 'APEX-12345',
          broker: 'ninjatrader',
          profile: join(dir, 'es-only.yaml'),
          mode: 'confirm',
          pipelines: ['default'],
          instruments: ['ES', 'MES 12-26'],
        },
      ],
      gateway: { listen: { host: '0.0.0.0', port: 9000 }, token: { file: join(dir, 'token.txt') } },
      store: false,
      dataDir: join(dir, 'state'),
      pipelines: [join(dir, 'pipelines', 'default.yaml')],
    });
    const minimal = parseEngineConfig(
      'accounts: [{ id: A, profile: topstep-50k-combine }]\ngateway: {}\nstore: db/history.duckdb\n',
      'enigma.yaml',
      dir,
    );
    expect(minimal.gateway).toEqual({
      listen: { host: '127.0.0.1', port: 8686 },
      token: { env: 'ENIGMA_TOKEN' },
    });
    expect(minimal.store).toBe(join(dir, 'db', 'history.duckdb'));
    expect(minimal.pipelines).toEqual([]);
  });

  it('lists every problem at once, each with its line and path', () => {
    expect(
      problems(`accounts:
  - id: SIM-A
    profile: apex-50k-evaluation
    mode: automatic
    colour: red
    pipelines: [default, nope]
    instruments: [ES, XX, NQ]
  - id: SIM-A
    broker: ninjatrader
    profile: apex-50k-evalution
    startingBalance: 50000
  - id: B
    profile: ./missing.yaml
    sizing: { kellyFraction: 2 }
  - id: C
    profile: ./es-only.yaml
    instruments: [NQ 12-26]
  - broker: paper
    profile: apex-50k-evaluation
pipelines: [pipelines/default.yaml]
`),
    ).toEqual([
      '4 accounts[0].mode: must be one of auto, confirm, signals-only, got "automatic"',
      "5 accounts[0].colour: unknown key 'colour' (known: id, broker, profile, mode, startingBalance, sizing, pipelines, instruments)",
      "6 accounts[0].pipelines[1]: no configured pipeline has the id 'nope' (configured: default)",
      expect.stringMatching(
        /^7 accounts\[0\]\.instruments\[1\]: 'XX' is neither a known contract root nor a symbol/,
      ),
      "8 accounts[1].id: account 'SIM-A' is declared twice",
      '9 accounts[1].broker: a ninjatrader account trades through the AddOn: add a `gateway` section (listen: 127.0.0.1:8686)',
      expect.stringMatching(
        /^10 accounts\[1\]\.profile: no bundled rule profile 'apex-50k-evalution' \(bundled: apex-50k-evaluation, topstep-50k-combine\)/,
      ),
      '11 accounts[1].startingBalance: startingBalance is for paper accounts: a NinjaTrader account has the balance NinjaTrader reports',
      expect.stringMatching(/^13 accounts\[2\]\.profile: the profile file .*missing\.yaml does not exist$/),
      '14 accounts[2].sizing.kellyFraction: expected number to be less or equal to 1, got 2',
      "17 accounts[3].instruments[0]: 'NQ 12-26' is not allowed by profile es-only (allowed: ES, MES)",
      '18 accounts[4].id: is required',
    ]);
  });

  it('refuses a token written in the configuration, and says why', () => {
    expect(
      problems(`accounts: [{ id: A, profile: apex-50k-evaluation }]
gateway:
  listen: 127.0.0.1
  token: hunter2hunter2hunter2
  tokenEnv: MY_TOKEN
  tokenFile: ./token.txt
`),
    ).toEqual([
      "3 gateway.listen: must be host:port (127.0.0.1:8686), got '127.0.0.1'",
      expect.stringMatching(
        /^4 gateway\.token: the token is never written in the configuration \(it would end up in backups and version control\): put it in an environment variable named by `tokenEnv`/,
      ),
      '6 gateway.tokenFile: give the token by tokenEnv or by tokenFile, not both',
    ]);
  });

  it('reports pipelines that cannot be read or share an id, and the shape of the whole file', () => {
    const dir = workspace();
    writeFileSync(join(dir, 'pipelines', 'copy.yaml'), 'id: default\nsteps: []\n');
    expect(
      problems(
        `accounts: [{ id: A, profile: apex-50k-evaluation }]
pipelines:
  - pipelines/default.yaml
  - pipelines/absent.yaml
  - pipelines/copy.yaml
`,
        dir,
      ),
    ).toEqual([
      expect.stringMatching(/^4 pipelines\[1\]: cannot read pipeline pipelines\/absent\.yaml: ENOENT/),
      "5 pipelines[2]: two pipelines have the id 'default'",
    ]);
    expect(problems('- just\n- a list\n')).toEqual([
      '1 : the configuration must be a mapping with at least `accounts`',
    ]);
    expect(problems('gateway: {}\n')).toEqual(['1 accounts: is required']);
  });

  it('reports YAML syntax errors with their line, and a file that cannot be read', () => {
    expect(problems('accounts:\n  - id: A\n    profile: [unclosed\n')).toEqual([
      expect.stringMatching(/^4 : not valid YAML: /),
    ]);
    expect(() => loadEngineConfig(join(workspace(), 'absent.yaml'))).toThrow(/cannot read the file/);
  });

  it('uses --config, else ./enigma.yaml when present, else the embedded default account', () => {
    const dir = workspace();
    expect(loadEngineConfigOrDefault(undefined, dir)).toBe(DEFAULT_ENGINE_CONFIG);
    expect(DEFAULT_ENGINE_CONFIG.accounts).toEqual([
      {
        id: 'SIM-50K',
        broker: 'paper',
        profile: 'apex-50k-evaluation',
        mode: 'auto',
        sizing: { kellyFraction: 0.25, riskBudget: 300 },
      },
    ]);
    writeFileSync(join(dir, 'enigma.yaml'), 'accounts: [{ id: HERE, profile: apex-50k-evaluation }]\n');
    expect(loadEngineConfigOrDefault(undefined, dir).accounts.map((account) => account.id)).toEqual(['HERE']);
    writeFileSync(join(dir, 'other.yaml'), 'accounts: [{ id: THERE, profile: apex-50k-evaluation }]\n');
    expect(loadEngineConfigOrDefault(join(dir, 'other.yaml'), dir).accounts[0]?.id).toBe('THERE');
  });
});
