import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Micros } from '../core/time.js';

/** The file's name inside the data directory. */
export const FLAT_STATUS_FILE_NAME = 'flat-status.json';

export function flatStatusPath(dataDir: string): string {
  return join(dataDir, FLAT_STATUS_FILE_NAME);
}

/** One account's last confirmed flat. */
export interface FlatRecord {
  /** `APEX-12345 flat (confirmed by NinjaTrader)`. */
  readonly message: string;
  readonly ts: Micros;
  /** The `ts` of the halt in force when it was confirmed (the kill it answers), if any. */
  readonly haltTs?: Micros;
}

export interface FlatStatus {
  readonly version: 1;
  /** The engine process writing it, so `enigma kill` knows whether an engine will answer. */
  readonly pid: number;
  /** Accounts the engine trades, with their broker. */
  readonly accounts: Readonly<Record<string, string>>;
  readonly flat: Readonly<Record<string, FlatRecord>>;
}

/**
 * What a running engine tells `enigma kill`: its accounts and, per account, the last flat its
 * broker confirmed (after a kill, a breach or the forced-flat time). Rewritten whole (temporary
 * file, then rename) on every change.
 */
export class FlatStatusFile {
  private status: FlatStatus;

  constructor(
    readonly path: string,
    pid: number,
    accounts: Readonly<Record<string, string>>,
  ) {
    this.status = { version: 1, pid, accounts, flat: {} };
    this.write();
  }

  confirmed(account: string, record: FlatRecord): void {
    this.status = { ...this.status, flat: { ...this.status.flat, [account]: record } };
    this.write();
  }

  private write(): void {
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(this.status, null, 2)}\n`);
    renameSync(temporary, this.path);
  }

  /** The status a running engine last wrote, or undefined (no engine ever ran here, or unreadable). */
  static read(path: string): FlatStatus | undefined {
    try {
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<FlatStatus>;
      if (parsed.version !== 1 || typeof parsed.pid !== 'number') return undefined;
      return { version: 1, pid: parsed.pid, accounts: parsed.accounts ?? {}, flat: parsed.flat ?? {} };
    } catch {
      // missing, unreadable or not JSON: no status
    }
    return undefined;
  }
}
