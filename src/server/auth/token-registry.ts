import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeError, EngineError } from '../../core/errors.js';
import { ROLES, type Authenticate, type Principal, type Role } from './roles.js';

/** The registry's file inside the data directory. */
export const TOKENS_FILE_NAME = 'tokens.json';
/** Every token starts with this, so a leaked one is recognisable (secret scanners, logs greps). */
export const TOKEN_PREFIX = 'enk_';
/** How often a running engine looks for changes `enigma token` made to the file. */
const RELOAD_INTERVAL_MS = 1_000;
/** Longest text worth hashing: a token is 47 characters; anything far longer is not one. */
const MAX_PRESENTED_LENGTH = 256;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** What `enigma token list` shows of a token: never its hash. */
export interface TokenInfo {
  readonly name: string;
  readonly role: Role;
  /** ISO 8601. */
  readonly created: string;
}

/** A token as kept at rest: a salted hash, never the token itself. */
interface TokenRecord extends TokenInfo {
  readonly salt: string;
  readonly hash: string;
}

/** Tokens another process (`enigma token`) created or revoked, as a running engine saw them. */
export interface TokenChanges {
  readonly created: readonly TokenInfo[];
  readonly revoked: readonly TokenInfo[];
}

interface TokenFile {
  readonly version: 1;
  readonly tokens: readonly TokenRecord[];
}

/**
 * A salted SHA-256. A token is 32 random bytes (256 bits): no dictionary or brute force can find
 * one from its hash, so a slow KDF (scrypt) would add nothing but a cost on every request (and a
 * lever for exhausting the CPU); the per-token salt keeps equal tokens from having equal hashes.
 */
function tokenHash(salt: Buffer, token: string): Buffer {
  return createHash('sha256').update(salt).update(token, 'utf8').digest();
}

/** True when `role` is one of the roles a token may have. */
export function isRole(role: string): role is Role {
  return (ROLES as readonly string[]).includes(role);
}

/** Why a token name cannot be used, or undefined. */
function nameProblem(name: string): string | undefined {
  return NAME_PATTERN.test(name)
    ? undefined
    : `'${name}' is not a token name: 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit`;
}

/**
 * The engine's tokens, kept in `<data-dir>/tokens.json` as salted hashes (the file is written
 * atomically and readable only by its owner where the OS has such modes). `authenticate` finds the
 * holder of a presented token in constant time; a running engine sees tokens created or revoked by
 * `enigma token` within a second.
 */
export class TokenRegistry {
  readonly path: string;
  private records: readonly TokenRecord[] = [];
  /** mtime and size of the file as last read, to notice another process's writes. */
  private seen = '';
  private checkedAt = -Infinity;
  private readonly listeners: ((changes: TokenChanges) => void)[] = [];

  private constructor(
    readonly dataDir: string,
    private readonly nowMs: () => number,
  ) {
    this.path = join(dataDir, TOKENS_FILE_NAME);
  }

  /**
   * Opens the registry of a data directory (an absent file is an empty registry). Throws
   * API_NO_DATA_DIR when the directory does not exist and API_TOKEN_FILE_INVALID when the file is
   * unreadable or malformed.
   */
  static open(dataDir: string, options: { nowMs?: () => number } = {}): TokenRegistry {
    if (!existsSync(dataDir) || !statSync(dataDir).isDirectory())
      throw new EngineError('API_NO_DATA_DIR', `the data directory ${dataDir} does not exist`);
    const registry = new TokenRegistry(dataDir, options.nowMs ?? Date.now);
    registry.reload();
    return registry;
  }

  /** Names, roles and creation times, oldest first. */
  list(): TokenInfo[] {
    this.reload();
    return this.records.map(({ name, role, created }) => ({ name, role, created }));
  }

  /** True when some token has this role. */
  hasRole(role: Role): boolean {
    return this.list().some((token) => token.role === role);
  }

  /**
   * Creates a token and returns it: the only time it exists outside the holder's hands. Throws
   * API_TOKEN_ROLE_UNKNOWN, API_TOKEN_NAME_INVALID or API_TOKEN_NAME_TAKEN.
   */
  create(name: string, role: string): { token: string; info: TokenInfo } {
    if (!isRole(role))
      throw new EngineError(
        'API_TOKEN_ROLE_UNKNOWN',
        `'${role}' is not a role: use one of ${ROLES.join(', ')}`,
      );
    const problem = nameProblem(name);
    if (problem !== undefined) throw new EngineError('API_TOKEN_NAME_INVALID', problem);
    this.reload();
    if (this.records.some((record) => record.name === name))
      throw new EngineError(
        'API_TOKEN_NAME_TAKEN',
        `a token named '${name}' exists already: revoke it first (enigma token revoke --name ${name}) or choose another name`,
      );
    const token = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const salt = randomBytes(16);
    const info: TokenInfo = { name, role, created: new Date(this.nowMs()).toISOString() };
    this.save([
      ...this.records,
      { ...info, salt: salt.toString('base64url'), hash: tokenHash(salt, token).toString('base64url') },
    ]);
    return { token, info };
  }

  /** Removes a token; requests presenting it are refused from then on. Throws API_TOKEN_NOT_FOUND. */
  revoke(name: string): TokenInfo {
    this.reload();
    const record = this.records.find((candidate) => candidate.name === name);
    if (!record)
      throw new EngineError(
        'API_TOKEN_NOT_FOUND',
        `no token is named '${name}' (enigma token list shows them)`,
      );
    this.save(this.records.filter((candidate) => candidate !== record));
    return { name: record.name, role: record.role, created: record.created };
  }

  /**
   * The holder of a presented token, or undefined. Every record is compared (no early exit) with
   * `timingSafeEqual` over equal-length digests, so the time taken says nothing about the token.
   */
  readonly authenticate: Authenticate = (token) => {
    if (this.nowMs() - this.checkedAt >= RELOAD_INTERVAL_MS) this.reloadQuietly();
    if (typeof token !== 'string' || token.length > MAX_PRESENTED_LENGTH) return undefined;
    let found: Principal | undefined;
    for (const record of this.records) {
      const expected = Buffer.from(record.hash, 'base64url');
      const presented = tokenHash(Buffer.from(record.salt, 'base64url'), token);
      if (presented.length === expected.length && timingSafeEqual(presented, expected) && !found)
        found = { name: record.name, role: record.role };
    }
    return found;
  };

  /**
   * Calls `listener` with the tokens another process created or revoked, each time this registry
   * notices (on `refresh`, `authenticate` at most once a second, or any other read). Its own
   * `create` and `revoke` are not reported: their caller knows.
   */
  onExternalChange(listener: (changes: TokenChanges) => void): void {
    this.listeners.push(listener);
  }

  /** Looks for changes to the file now; a bad file keeps the last good tokens. */
  refresh(): void {
    this.reloadQuietly();
  }

  /** Rereads the file when another process changed it since the last read. */
  private reload(): void {
    this.checkedAt = this.nowMs();
    let stamp: string;
    try {
      const stat = statSync(this.path);
      stamp = `${String(stat.mtimeMs)}:${String(stat.size)}`;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fileError(this.path, error);
      this.replace([]);
      this.seen = '';
      return;
    }
    if (stamp === this.seen) return;
    this.replace(parseTokenFile(this.path));
    this.seen = stamp;
  }

  /** Takes the file's records, telling listeners what differs (a name and hash pair is one token). */
  private replace(records: readonly TokenRecord[]): void {
    const before = this.records;
    this.records = records;
    if (this.listeners.length === 0) return;
    const key = (record: TokenRecord): string => `${record.name}\u0000${record.hash}`;
    const had = new Set(before.map(key));
    const has = new Set(records.map(key));
    const info = ({ name, role, created }: TokenRecord): TokenInfo => ({ name, role, created });
    const changes: TokenChanges = {
      created: records.filter((record) => !had.has(key(record))).map(info),
      revoked: before.filter((record) => !has.has(key(record))).map(info),
    };
    if (changes.created.length === 0 && changes.revoked.length === 0) return;
    for (const listener of this.listeners) listener(changes);
  }

  /** A running engine keeps its last good tokens when the file turns bad under it. */
  private reloadQuietly(): void {
    try {
      this.reload();
    } catch {
      // The CLI reports the broken file (API_TOKEN_FILE_INVALID) the next time it touches it.
    }
  }

  /** Writes the file atomically (temp file + rename), mode 0600. */
  private save(records: readonly TokenRecord[]): void {
    const file: TokenFile = { version: 1, tokens: records };
    const temporary = `${this.path}.${String(process.pid)}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    renameSync(temporary, this.path);
    this.records = records;
    const stat = statSync(this.path);
    this.seen = `${String(stat.mtimeMs)}:${String(stat.size)}`;
  }
}

function fileError(path: string, cause: unknown): EngineError {
  return new EngineError('API_TOKEN_FILE_INVALID', `cannot read ${path}: ${describeError(cause)}`, {
    cause,
  });
}

function parseTokenFile(path: string): TokenRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw fileError(path, error);
  }
  const tokens = (parsed as Partial<TokenFile> | null)?.tokens;
  if ((parsed as Partial<TokenFile> | null)?.version !== 1 || !Array.isArray(tokens))
    throw fileError(path, new Error('expected {"version": 1, "tokens": [...]}'));
  return tokens.map((token: unknown, index) => {
    const record = token as Partial<Record<keyof TokenRecord, unknown>> | null;
    const fields = [record?.name, record?.role, record?.created, record?.salt, record?.hash];
    if (!fields.every((field) => typeof field === 'string') || !isRole(record?.role as string))
      throw fileError(
        path,
        new Error(`token ${String(index + 1)} lacks a name, role, created, salt or hash`),
      );
    return record as TokenRecord;
  });
}
