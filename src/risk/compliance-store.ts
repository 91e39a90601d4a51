import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ComplianceSnapshot } from './account-compliance.js';

/** The rule-state file's name inside the data directory. */
export const COMPLIANCE_FILE_NAME = 'risk-accounts.json';

export function complianceFilePath(dataDir: string): string {
  return join(dataDir, COMPLIANCE_FILE_NAME);
}

interface ComplianceFile {
  readonly version: 1;
  readonly accounts: Readonly<Record<string, ComplianceSnapshot>>;
}

/**
 * Each account's rule state (trailing threshold, peak, day results) as a small JSON file, so a
 * restart continues where the rules were instead of starting the threshold afresh. Written to a
 * temporary file and renamed, like the halt file.
 */
export class ComplianceStore {
  constructor(readonly path: string) {}

  /** Snapshots by account; empty when the file is missing or cannot be read (the rules start afresh). */
  load(): Map<string, ComplianceSnapshot> {
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as Partial<ComplianceFile>;
      // `accounts: null` needs no check of its own: Object.entries throws and the catch answers.
      if (parsed.version !== 1 || typeof parsed.accounts !== 'object') return new Map();
      return new Map(Object.entries(parsed.accounts));
    } catch {
      return new Map();
    }
  }

  save(snapshots: ReadonlyMap<string, ComplianceSnapshot>): void {
    const content: ComplianceFile = { version: 1, accounts: Object.fromEntries(snapshots) };
    mkdirSync(dirname(this.path), { recursive: true });
    const temporary = `${this.path}.${process.pid}.tmp`;
    writeFileSync(temporary, `${JSON.stringify(content, null, 2)}\n`);
    renameSync(temporary, this.path);
  }
}
