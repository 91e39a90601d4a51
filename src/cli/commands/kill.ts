import { parseArgs } from 'node:util';
import { ConfigError, loadEngineConfigOrDefault, type EngineConfig } from '../../config/index.js';
import { ALL_ACCOUNTS, HaltStore, haltFilePath, type HaltRecord } from '../../risk/halt-store.js';
import type { Command } from '../command.js';
import { reachEngine, REACH_OPTIONS, type Reach } from '../engine-api.js';
import { killThroughApi, listHaltsThroughApi, resumeThroughApi } from '../halt-through-api.js';
import { printConfigIssues } from '../run-pipeline.js';
import { runningEngine, waitForFlat } from '../wait-for-flat.js';

const OPTIONS = {
  account: { type: 'string' },
  reason: { type: 'string' },
  by: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
  list: { type: 'boolean' },
  wait: { type: 'string' },
  'no-wait': { type: 'boolean' },
  help: { type: 'boolean' },
  ...REACH_OPTIONS,
} as const;

function parse(
  args: readonly string[],
  usage: string,
): ReturnType<typeof parseArgs<{ options: typeof OPTIONS }>> | undefined {
  try {
    return parseArgs({ args: [...args], options: OPTIONS, allowPositionals: false });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${usage}\n`);
    return undefined;
  }
}

function printHalts(halts: ReadonlyMap<string, HaltRecord>): void {
  if (halts.size === 0) {
    process.stdout.write('no account is halted\n');
    return;
  }
  for (const [account, record] of halts) {
    const who = account === ALL_ACCOUNTS ? 'every account' : account;
    process.stdout.write(`${who}: HALTED (${record.kind}) by ${record.by}: ${record.reason}\n`);
  }
}

/**
 * The configuration the engine runs with (`--config`, ./enigma.yaml, or the embedded default).
 * A broken one must never stop an emergency stop: its problems are printed and the command goes
 * on without checking the account (undefined).
 */
function configOf(file: string | undefined): EngineConfig | undefined {
  try {
    return loadEngineConfigOrDefault(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    printConfigIssues(error);
    process.stderr.write('the configuration has problems: the account is not checked against it\n');
    return undefined;
  }
}

/** An error naming the configured accounts, for an --account the configuration does not have. */
function unknownAccount(account: string, config: EngineConfig): number {
  const ids = config.accounts.map((entry) => entry.id).join(', ');
  const from = config.file === undefined ? 'the embedded default (no enigma.yaml)' : config.file;
  process.stderr.write(
    `unknown account '${account}': the configured accounts are ${ids} (from ${from}), and no engine running on this data directory trades it [RISK_UNKNOWN_ACCOUNT]\n`,
  );
  return 1;
}

/** The account is in the configuration, or an engine running on the data directory trades it. */
const isKnown = (config: EngineConfig, account: string, dataDir: string): boolean =>
  config.accounts.some((entry) => entry.id === account) ||
  account in (runningEngine(dataDir)?.accounts ?? {});

/** The running engine's API when one runs on the data directory (see reachEngine). */
function reach(
  values: { 'token-file'?: string | undefined; local?: boolean | undefined; list?: boolean | undefined },
  dataDir: string,
): Promise<Reach> {
  return reachEngine({
    dataDir,
    tokenFile: values['token-file'],
    local: values.local === true,
    role: values.list === true ? 'viewer' : 'admin',
    write: (text) => process.stderr.write(text),
  });
}

const REACH_USAGE = '[--token-file FILE | --local]';

function load(store: HaltStore): Map<string, HaltRecord> | undefined {
  const loaded = store.load();
  if (loaded.ok) return loaded.halts;
  process.stderr.write(`${loaded.error} [RISK_HALT_FILE_INVALID]\n`);
  return undefined;
}

/**
 * `enigma kill`: the emergency stop. With an engine running on the data directory, through its API
 * (a token of role admin; the audit log names it). Otherwise, or with `--local`, writes the halt
 * to the halt file in the data directory; a running engine watching that directory flattens,
 * cancels and halts at once, and an engine that starts later starts HALTED. The halt stays until
 * `enigma resume`.
 */
export const killCommand: Command = {
  name: 'kill',
  summary: 'Emergency stop: flatten, cancel and halt every account (or one) until `enigma resume`.',
  usage: `enigma kill [--account ID] [--reason TEXT] [--by NAME] [--config FILE] [--data-dir DIR] [--list] [--wait SECONDS | --no-wait] ${REACH_USAGE}`,
  run: async (args) => {
    const parsed = parse(args, killCommand.usage);
    if (!parsed) return 2;
    const { values } = parsed;
    if (values.help) {
      process.stdout.write(`${killCommand.usage}\n`);
      return 0;
    }
    const config = configOf(values.config);
    const dataDir = values['data-dir'] ?? config?.dataDir ?? './data';
    const engine = await reach(values, dataDir);
    if (engine.kind === 'refused') return engine.exitCode;
    if (engine.kind === 'api') {
      if (values.list) return listHaltsThroughApi(engine.api);
      if (values.by !== undefined)
        process.stderr.write("note: --by is for the halt file; the engine's audit log names the token\n");
      return killThroughApi(engine.api, {
        account: values.account,
        reason: values.reason ?? 'kill switch',
        dataDir,
        waitSeconds: values['no-wait'] === true ? undefined : waitSeconds(values.wait),
      });
    }
    if (config && values.account !== undefined && !isKnown(config, values.account, dataDir))
      return unknownAccount(values.account, config);
    const store = new HaltStore(haltFilePath(dataDir));
    const halts = load(store) ?? new Map<string, HaltRecord>();
    if (values.list) {
      printHalts(halts);
      return 0;
    }
    const account = values.account ?? ALL_ACCOUNTS;
    const haltTs = Date.now() * 1000;
    halts.set(account, {
      kind: 'manual',
      reason: values.reason ?? 'kill switch',
      by: values.by ?? process.env['USER'] ?? 'cli',
      ts: haltTs,
    });
    const running = runningEngine(dataDir);
    store.save(halts);
    const who = account === ALL_ACCOUNTS ? 'every account' : account;
    process.stdout.write(
      `${who} HALTED: a running engine flattens and cancels now; halt kept in ${store.path}\n`,
    );
    // A running engine answers once its broker's own reports show each account flat.
    if (!running || values['no-wait'] === true) return 0;
    const seconds = waitSeconds(values.wait);
    const open = await waitForFlat(running, dataDir, account, haltTs, seconds * 1000, (line) =>
      process.stdout.write(line),
    );
    if (open.length === 0) return 0;
    process.stderr.write(
      `not confirmed flat within ${seconds} s: ${open.join(', ')} (HALTED; check the broker: is its AddOn connected?)\n`,
    );
    return 1;
  },
};

const waitSeconds = (text: string | undefined): number => (text === undefined ? 30 : Number(text));

/**
 * `enigma resume`: lifts a halt written by `enigma kill` or by a rule breach; through the running
 * engine's API (admin) like `kill`, else the halt file.
 */
export const resumeCommand: Command = {
  name: 'resume',
  summary: 'Lift the halt of every account (or one) after `enigma kill` or a rule breach.',
  usage: `enigma resume [--account ID] [--config FILE] [--data-dir DIR] [--list] ${REACH_USAGE}`,
  run: async (args) => {
    const parsed = parse(args, resumeCommand.usage);
    if (!parsed) return 2;
    const { values } = parsed;
    if (values.help) {
      process.stdout.write(`${resumeCommand.usage}\n`);
      return 0;
    }
    const config = configOf(values.config);
    const dataDir = values['data-dir'] ?? config?.dataDir ?? './data';
    const engine = await reach(values, dataDir);
    if (engine.kind === 'refused') return engine.exitCode;
    if (engine.kind === 'api')
      return values.list ? listHaltsThroughApi(engine.api) : resumeThroughApi(engine.api, values.account);
    const store = new HaltStore(haltFilePath(dataDir));
    const halts = load(store);
    // An account no longer configured can still be resumed if the halt file has it.
    if (
      config &&
      values.account !== undefined &&
      !isKnown(config, values.account, dataDir) &&
      !halts?.has(values.account)
    )
      return unknownAccount(values.account, config);
    if (values.list) {
      printHalts(halts ?? new Map());
      return 0;
    }
    if (values.account === undefined) {
      store.save(new Map());
      process.stdout.write('every account resumed\n');
      return 0;
    }
    if (!halts) return 1;
    if (halts.has(ALL_ACCOUNTS)) {
      process.stderr.write(
        'every account is halted (kill without --account): resume them all with `enigma resume`\n',
      );
      return 1;
    }
    if (!halts.delete(values.account)) {
      process.stdout.write(`${values.account} was not halted\n`);
      return 0;
    }
    store.save(halts);
    process.stdout.write(`${values.account} resumed\n`);
    return 0;
  },
};
