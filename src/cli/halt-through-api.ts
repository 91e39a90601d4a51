import { describeRefusal, type EngineApi } from './engine-api.js';
import { ALL_ACCOUNTS } from '../risk/halt-store.js';
import { runningEngine, waitForFlat } from './wait-for-flat.js';

/** What the account views of `GET /accounts` say about halts. */
interface AccountHalt {
  readonly id: string;
  readonly halt: { kind: string; reason: string; by: string; ts: number } | null;
}

const write = (text: string): void => void process.stdout.write(text);
const writeError = (text: string): void => void process.stderr.write(text);
const accountPath = (account: string): string => `/accounts/${encodeURIComponent(account)}`;

/** `enigma kill --list` / `resume --list` with an engine running: its halts, from the API. */
export async function listHaltsThroughApi(api: EngineApi): Promise<number> {
  const reply = await api.call('GET', '/accounts');
  if (reply.status !== 200) {
    writeError(describeRefusal(reply, 'viewer'));
    return 1;
  }
  const halted = (reply.body.items as AccountHalt[]).filter((account) => account.halt !== null);
  if (halted.length === 0) write('no account is halted\n');
  for (const { id, halt } of halted)
    if (halt) write(`${id}: HALTED (${halt.kind}) by ${halt.by}: ${halt.reason}\n`);
  return 0;
}

export interface KillThroughApi {
  readonly account: string | undefined;
  readonly reason: string;
  readonly dataDir: string;
  /** Seconds to wait for the broker's flat confirmations; undefined: do not wait. */
  readonly waitSeconds: number | undefined;
}

/**
 * `enigma kill` with an engine running: `POST /accounts/halt` (or one account's), as the token's
 * holder, so the audit log names them. Then, like the file path, waits for each account's flat
 * confirmation in the engine's flat-status file, matched by the halt's own time.
 */
export async function killThroughApi(api: EngineApi, options: KillThroughApi): Promise<number> {
  const path = options.account === undefined ? '/accounts/halt' : `${accountPath(options.account)}/halt`;
  const reply = await api.call('POST', path, { reason: options.reason });
  const who = options.account ?? 'every account';
  if (reply.status !== 200) {
    writeError(`${who} NOT halted: ${describeRefusal(reply, 'admin')}`);
    return 1;
  }
  write(
    `${who} HALTED: the engine flattens and cancels now; the halt is kept until resume (engine: ${String(reply.body.message)})\n`,
  );
  const status = runningEngine(options.dataDir);
  if (options.waitSeconds === undefined || !status) return 0;
  const haltTs = await haltTsOf(api, options.account ?? (reply.body.accounts as string[])[0]);
  if (haltTs === undefined) return 0;
  const open = await waitForFlat(
    status,
    options.dataDir,
    options.account ?? ALL_ACCOUNTS,
    haltTs,
    options.waitSeconds * 1000,
    write,
  );
  if (open.length === 0) return 0;
  writeError(
    `not confirmed flat within ${String(options.waitSeconds)} s: ${open.join(', ')} (HALTED; check the broker: is its AddOn connected?)\n`,
  );
  return 1;
}

/** The time of the halt in force on `account` (the engine's clock, as its flat confirmations carry). */
async function haltTsOf(api: EngineApi, account: string | undefined): Promise<number | undefined> {
  if (account === undefined) return undefined;
  const reply = await api.call('GET', accountPath(account));
  return reply.status === 200 ? ((reply.body as AccountHalt).halt?.ts ?? undefined) : undefined;
}

/** `enigma resume` with an engine running: `POST /accounts/resume` (or one account's). */
export async function resumeThroughApi(api: EngineApi, account: string | undefined): Promise<number> {
  const path = account === undefined ? '/accounts/resume' : `${accountPath(account)}/resume`;
  const reply = await api.call('POST', path, {});
  const who = account ?? 'every account';
  if (reply.status !== 200) {
    writeError(`${who} NOT resumed: ${describeRefusal(reply, 'admin')}`);
    return 1;
  }
  const resumed = reply.body.accounts as string[];
  const said = `(engine: ${String(reply.body.message)})`;
  if (account !== undefined && resumed.length === 0) write(`${account} was not halted ${said}\n`);
  else write(`${account === undefined ? 'every account' : account} resumed ${said}\n`);
  return 0;
}
