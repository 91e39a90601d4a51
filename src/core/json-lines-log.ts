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

/**
 * An append-only file of JSON values, one per line, each fsynced before `append` returns: what a
 * record must survive (a SIGKILL, a power cut) is on disk before the caller acts on it. Read back
 * at open; a torn last line (a crash mid-write) is dropped, since its action never happened. When
 * it holds more than `keep` values it is compacted to the newest `keep` at open.
 */
export class JsonLinesLog {
  private fd: number | undefined;

  private constructor(readonly path: string) {}

  /** Opens (or creates) the log; returns it with the values it already holds, oldest first. */
  static open(path: string, keep: number): { log: JsonLinesLog; values: unknown[] } {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    let values: unknown[] = [];
    let torn = text !== '' && !text.endsWith('\n');
    for (const line of text.split('\n')) {
      if (line === '') continue;
      try {
        values.push(JSON.parse(line));
      } catch {
        torn = true;
      }
    }
    mkdirSync(dirname(path), { recursive: true });
    // Rewritten without a torn line (or the next record would be glued to it) and to at most `keep`.
    if (torn || values.length > keep) {
      values = values.slice(-keep);
      const temporary = `${path}.${String(process.pid)}.tmp`;
      writeFileSync(temporary, values.map((value) => `${JSON.stringify(value)}\n`).join(''));
      renameSync(temporary, path);
    }
    const log = new JsonLinesLog(path);
    log.fd = openSync(path, 'a');
    return { log, values };
  }

  /** Appends one value durably; throws when the disk refuses. */
  append(value: unknown): void {
    if (this.fd === undefined) throw new Error(`${this.path} is closed`);
    writeSync(this.fd, `${JSON.stringify(value)}\n`);
    fsyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
