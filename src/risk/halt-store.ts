import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Micros } from '../core/time.js';

/** Why and by whom an account was halted. */
export interface HaltRecord {
  /** `manual`: the kill switch; `breach`: a rule failed the account. */
  readonly kind: 'manual' | 'breach';
  readonly reason: string;
  readonly by: string;
  readonly ts: Micros;
}

/** The file's content: halts by account; `*` halts every account, present and future. */
export interface HaltFile {
  readonly version: 1;
  readonly halts: Readonly<Record<string, HaltRecord>>;
}

/** Every account, for a kill without an account name. */
export const ALL_ACCOUNTS = '*';

/** The halt file's name inside the data directory. */
export const HALT_FILE_NAME = 'risk-halts.json';

export function haltFilePath(dataDir: string): string {
  return join(dataDir, HALT_FILE_NAME);
}

export type HaltLoadResult =
  | { readonly ok: true; readonly halts: Map<string, HaltRecord> }
  /** The file exists but cannot be parsed: callers must treat every account as halted. */
  | { readonly ok: false; readonly error: string };

/**
 * Halts persisted as a small JSON file, so a halt survives a restart until a person resumes.
 * Writes go to a temporary file that is renamed over the old one: a crash leaves the old or the
 * new file, never half of one. The CLI writes the same file to halt a running engine.
 */
export class HaltStore {
  constructor(readonly path: string) {}

  load(): HaltLoadResult {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, halts: new Map() };
      return { ok: false, error: String(error) };
    }
    try {
      const parsed = JSON.parse(text) as Partial<HaltFile>;
      if (parsed.version !== 1 || typeof parsed.halts !== 'object' || parsed.halts === null) {
        return { ok: false, error: `${this.path}: not a version 1 halt file` };
      }
      const halts = new Map<string, HaltRecord>();
      for (const [account, record] of Object.entries(parsed.halts)) {
        if (typeof record?.reason !== 'string' || (record.kind !== 'manual' && record.kind !== 'breach')) {
          return { ok: false, error: `${this.path}: halt of '${account}' is malformed` };
        }
        halts.set(account, record);
      }
      return { ok: true, halts };
    } catch (error) {
      return { ok: false, error: `${this.path}: ${String(error)}` };
    }
  }

  save(halts: ReadonlyMap<string, HaltRecord>): void {
    const content: HaltFile = {
      version: 1,
      halts: Object.fromEntries([...halts].sort(([a], [b]) => a.localeCompare(b))),
    };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`);
    renameSync(temporary, this.path);
  }
}
