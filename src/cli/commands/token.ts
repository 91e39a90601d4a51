import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { LiveClock } from '../../core/clock.js';
import { EngineError } from '../../core/errors.js';
import type { AuditEntry } from '../../core/events.js';
import { localPrincipal } from '../../server/auth/audit.js';
import { ROLES } from '../../server/auth/roles.js';
import { TokenRegistry } from '../../server/auth/token-registry.js';
import { Store } from '../../store/store.js';
import type { Command } from '../command.js';
import { lockDataDir } from '../data-dir-lock.js';
import { loadConfigOrPrintIssues } from '../run-pipeline.js';

const USAGE = `enigma token create --role ${ROLES.join('|')} --name <name> [options]
       enigma token list [options]
       enigma token revoke --name <name> [options]

  create    makes a token and prints it once on standard output (how to use it on standard
            error); only its salted hash is kept, in <data-dir>/tokens.json
  list      names, roles and creation times (never the tokens, never their hashes)
  revoke    removes a token; a running engine refuses it within a second

  roles: viewer reads; trader also confirms or rejects proposals, sets modes and cancels orders;
         admin also halts, resumes, flattens and manages pipelines and tokens; addon is the
         NinjaTrader AddOn's token for the gateway

  --data-dir <dir>   the engine's data directory (default: the config's dataDir, else ./data)
  --config <file>    engine configuration (default ./enigma.yaml when it exists)`;

const OPTIONS = {
  role: { type: 'string' },
  name: { type: 'string' },
  'data-dir': { type: 'string' },
  config: { type: 'string' },
} as const;

export const tokenCommand: Command = {
  name: 'token',
  summary:
    'Create, list or revoke the tokens of the API and the gateway (roles viewer, trader, admin, addon).',
  usage: USAGE,
  run: async (args) => {
    const [action, ...rest] = args;
    const { values } = parseArgs({ args: rest, options: OPTIONS, allowPositionals: false });
    const config = loadConfigOrPrintIssues(values.config);
    if (!config) return 1;
    const dataDir = resolve(values['data-dir'] ?? config.dataDir ?? 'data');
    const storePath =
      config.store === false ? undefined : resolve(config.store ?? join(dataDir, 'enigma.duckdb'));
    switch (action) {
      case 'create': {
        const name = required(values.name, '--name');
        const role = required(values.role, '--role');
        const { token, info } = TokenRegistry.open(dataDir).create(name, role);
        process.stdout.write(`${token}\n`);
        process.stderr.write(
          `token '${info.name}' (role ${info.role}) created: it is shown this once and cannot be shown again.\n` +
            (info.role === 'addon'
              ? 'Give it to the NinjaTrader AddOn as its token (the gateway accepts it on /v1/stream).\n'
              : 'Send it as the header  Authorization: Bearer <token>  to the engine (http://127.0.0.1:<port>/api/v1/...).\n'),
        );
        await audit(dataDir, storePath, 'token.create', info.name, `role ${info.role}`);
        return 0;
      }
      case 'list': {
        const tokens = TokenRegistry.open(dataDir).list();
        if (tokens.length === 0)
          process.stdout.write('no tokens (enigma token create, or enigma run --listen)\n');
        const width = Math.max(4, ...tokens.map((token) => token.name.length));
        for (const token of tokens)
          process.stdout.write(`${token.name.padEnd(width)}  ${token.role.padEnd(6)}  ${token.created}\n`);
        return 0;
      }
      case 'revoke': {
        const info = TokenRegistry.open(dataDir).revoke(required(values.name, '--name'));
        process.stdout.write(`token '${info.name}' (role ${info.role}) revoked\n`);
        await audit(dataDir, storePath, 'token.revoke', info.name, `role ${info.role}`);
        return 0;
      }
      default:
        throw new EngineError('CLI_USAGE', 'say create, list or revoke (enigma token --help shows how)');
    }
  },
};

function required(value: string | undefined, flag: string): string {
  if (value === undefined)
    throw new EngineError('CLI_USAGE', `${flag} is required (enigma token --help shows how)`);
  return value;
}

/**
 * Records the change in the store's audit log when no engine holds the data directory (the CLI
 * takes the lock for the write); a running engine holds its store, and records the change itself
 * when it sees the registry change.
 */
async function audit(
  dataDir: string,
  storePath: string | undefined,
  action: string,
  target: string,
  detail: string,
): Promise<void> {
  if (storePath === undefined || !existsSync(storePath)) return;
  let lock;
  try {
    lock = lockDataDir(dataDir);
  } catch (error) {
    if (!(error instanceof EngineError) || error.code !== 'CLI_DATA_DIR_LOCKED') throw error;
    process.stderr.write(
      `an engine runs on ${dataDir} and holds its history: it records this ${action} in its audit log\n`,
    );
    return;
  }
  try {
    const clock = new LiveClock();
    const store = await Store.open(storePath, { clock });
    const principal = localPrincipal();
    const entry: AuditEntry = {
      ts: clock.now(),
      principal: principal.name,
      role: principal.role,
      action,
      target,
      outcome: 'ok',
      detail,
    };
    store.writeAudit(entry);
    await store.close();
  } finally {
    lock.release();
  }
}
