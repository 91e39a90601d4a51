import {
  closeSync,
  fsyncSync,
  mkdirSync,
  openSync,
  readFileSync,
  renameSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

/** Fill ids kept across a compaction at start: far more than any day's fills. */
const KEEP = 200_000;

/**
 * The `fill_id`s of every NinjaTrader execution the gateway has accepted, so a fill seen twice
 * (resent under a new `seq`, or again after an engine restart) changes nothing the second time.
 * With a path, each new id is appended and fsynced before the fill is published, and the file is
 * read at start; without one, ids are remembered for the life of the process only.
 */
export class FillLedger {
  private readonly ids = new Set<string>();
  private fd: number | undefined;

  constructor(readonly path?: string) {
    if (path === undefined) return;
    let lines: string[] = [];
    try {
      lines = readFileSync(path, 'utf8').split('\n');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    // A torn last line (a crash mid-write) is an id that was never published: skip it.
    for (const line of lines) {
      try {
        const id: unknown = JSON.parse(line);
        if (typeof id === 'string') this.ids.add(id);
      } catch {
        // the torn line
      }
    }
    mkdirSync(dirname(path), { recursive: true });
    if (this.ids.size > KEEP) {
      const kept = [...this.ids].slice(-KEEP);
      this.ids.clear();
      for (const id of kept) this.ids.add(id);
      const temporary = `${path}.${process.pid}.tmp`;
      writeFileSync(temporary, kept.map((id) => `${JSON.stringify(id)}\n`).join(''));
      renameSync(temporary, path);
    }
    this.fd = openSync(path, 'a');
  }

  has(fillId: string): boolean {
    return this.ids.has(fillId);
  }

  /** Records a fill id durably (before its fill is published). */
  add(fillId: string): void {
    this.ids.add(fillId);
    if (this.fd === undefined) return;
    writeSync(this.fd, `${JSON.stringify(fillId)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
