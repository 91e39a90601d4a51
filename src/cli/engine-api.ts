import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { EngineError } from '../core/errors.js';
import { findEngine, reasonOf, type EngineFile } from './engine-file.js';

/** The environment variable holding the API token of `enigma kill`, `resume`, `confirm`… */
export const API_TOKEN_ENV = 'ENIGMA_API_TOKEN';

/** The options every command that may reach a running engine takes. */
export const REACH_OPTIONS = {
  'token-file': { type: 'string' },
  local: { type: 'boolean' },
} as const;

/** One answer of the API: the HTTP status and the JSON body. */
export interface ApiReply {
  readonly status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  readonly body: any;
}

/** A running engine's API, called with one token. */
export interface EngineApi {
  readonly engine: EngineFile;
  call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<ApiReply>;
}

/** How a command reaches the engine: the API of a running one, the files, or not at all (exit code). */
export type Reach =
  | { readonly kind: 'api'; readonly api: EngineApi }
  | { readonly kind: 'files' }
  | { readonly kind: 'refused'; readonly exitCode: number };

export interface ReachOptions {
  readonly dataDir: string;
  readonly tokenFile: string | undefined;
  /** `--local`: the files, even with an engine running (a person at the machine). */
  readonly local: boolean;
  /** The role the command needs, for the message that says how to get a token. */
  readonly role: 'viewer' | 'trader' | 'admin';
  readonly write: (text: string) => void;
}

/**
 * Finds how to reach the engine of a data directory. An engine running there is reached only
 * through its API, so that its roles apply and its audit log names the token: without a token the
 * command is refused with how to get one, never sent to the files behind the API's back. No engine
 * (or a stale `engine.json`, said in a note): the files, as before the API. `--local`: the files.
 */
export async function reachEngine(options: ReachOptions): Promise<Reach> {
  if (options.local) return { kind: 'files' };
  const found = await findEngine(options.dataDir);
  if (found.kind === 'none') return { kind: 'files' };
  if (found.kind === 'stale') {
    options.write(`note: ignoring ${found.reason}: the files are used\n`);
    return { kind: 'files' };
  }
  const token = apiToken(options.tokenFile);
  if (token === undefined) {
    options.write(noTokenMessage(found.engine, options.dataDir, options.role));
    return { kind: 'refused', exitCode: 1 };
  }
  return { kind: 'api', api: engineApi(found.engine, token) };
}

function noTokenMessage(engine: EngineFile, dataDir: string, role: string): string {
  return (
    `an engine runs on this data directory (pid ${String(engine.pid)}, ${engine.url}): this command goes through its API, ` +
    `which needs a token of role ${role} or above [CLI_NO_API_TOKEN]\n` +
    `  get one:  enigma token create --role ${role} --name cli --data-dir ${dataDir}   (admin may run every command)\n` +
    `  then set ${API_TOKEN_ENV} to it, or keep it in a file and pass --token-file <file>\n` +
    `  (at this machine, --local writes the data directory's files instead: outside the API's roles and audit log)\n`
  );
}

/** `--token-file` (its first line), else ENIGMA_API_TOKEN; undefined when neither is given. */
export function apiToken(tokenFile: string | undefined): string | undefined {
  if (tokenFile !== undefined) {
    const path = resolve(tokenFile);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      throw new EngineError(
        'CLI_TOKEN_FILE_UNREADABLE',
        `--token-file ${path} cannot be read: ${(error as Error).message}`,
      );
    }
    const token = text.split(/\r?\n/)[0]?.trim() ?? '';
    if (token === '') throw new EngineError('CLI_TOKEN_FILE_UNREADABLE', `--token-file ${path} is empty`);
    return token;
  }
  const token = process.env[API_TOKEN_ENV]?.trim();
  return token === undefined || token === '' ? undefined : token;
}

function engineApi(engine: EngineFile, token: string): EngineApi {
  return {
    engine,
    async call(method, path, body) {
      let response: Response;
      try {
        response = await fetch(`${engine.url}/api/v1${path}`, {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(body !== undefined && { 'content-type': 'application/json' }),
          },
          ...(body !== undefined && { body: JSON.stringify(body) }),
          signal: AbortSignal.timeout(10_000),
        });
      } catch (error) {
        throw new EngineError(
          'CLI_ENGINE_UNREACHABLE',
          `the engine at ${engine.url} did not answer ${method} /api/v1${path}: ${reasonOf(error)} (at this machine, --local writes the data directory's files instead)`,
          { cause: error },
        );
      }
      const text = await response.text();
      let parsed: unknown;
      try {
        parsed = text === '' ? undefined : JSON.parse(text);
      } catch {
        parsed = { error: { code: 'API_INTERNAL', message: text.slice(0, 200) } };
      }
      return { status: response.status, body: parsed };
    },
  };
}

/**
 * One line (or more) for an API answer that is not 200: the engine's message and code, every
 * problem of a refused request, and for a refused token how to get one that may do this.
 */
export function describeRefusal(reply: ApiReply, role: string): string {
  const error = (
    reply.body as { error?: { code?: string; message?: string; problems?: unknown } } | undefined
  )?.error;
  if (error === undefined) {
    // 409: the engine's own refusal ({ ok: false, message }).
    const message =
      (reply.body as { message?: string } | undefined)?.message ?? `HTTP ${String(reply.status)}`;
    return `the engine refused: ${message}\n`;
  }
  const problems = Array.isArray(error.problems)
    ? (error.problems as { path: string; message: string }[])
        .map((p) => `\n  ${p.path}: ${p.message}`)
        .join('')
    : '';
  const hint =
    reply.status === 401
      ? `\n  the token in ${API_TOKEN_ENV} or --token-file is not one this engine knows: enigma token create --role ${role} --name cli`
      : reply.status === 403
        ? `\n  this needs a token of role ${role} or above: enigma token create --role ${role} --name cli`
        : '';
  return `${error.message ?? ''} [${error.code ?? `HTTP ${String(reply.status)}`}]${problems}${hint}\n`;
}
