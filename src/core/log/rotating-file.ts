import {
  closeSync,
  existsSync,
  fstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { dirname } from 'node:path';

export interface RotatingFileOptions {
  /** A file that would grow past this many bytes is rotated first. Default 10 MiB. */
  readonly maxBytes?: number;
  /** Files kept in all, the current one included: `engine.log`, `engine.log.1` … Default 5. */
  readonly files?: number;
  /** Called once when the file cannot be written (a full or read-only disk); writing stops. */
  readonly onFailure?: (error: Error) => void;
}

export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_LOG_FILES = 5;

/**
 * An append-only text file capped in size: when the next write would pass `maxBytes`, the file
 * becomes `<path>.1` (the older ones shift to `.2` …, the oldest beyond `files` is deleted) and a
 * new one starts. Writes are synchronous: a line written is in the file even if the process dies
 * the next instant, and there is one writer per data directory (the engine holds its lock).
 */
export class RotatingFile {
  private fd: number | undefined;
  private size = 0;
  private readonly maxBytes: number;
  private readonly files: number;

  constructor(
    readonly path: string,
    private readonly options: RotatingFileOptions = {},
  ) {
    this.maxBytes = Math.max(1, options.maxBytes ?? DEFAULT_LOG_MAX_BYTES);
    this.files = Math.max(1, Math.floor(options.files ?? DEFAULT_LOG_FILES));
    this.attempt(() => {
      mkdirSync(dirname(path), { recursive: true });
      this.open();
    });
  }

  /** Appends the text (whole lines); does nothing once the file has failed. */
  write(text: string): void {
    if (this.fd === undefined) return;
    const bytes = Buffer.byteLength(text);
    this.attempt(() => {
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate();
      writeSync(this.fd as number, text);
      this.size += bytes;
    });
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  private open(): void {
    this.fd = openSync(this.path, 'a');
    this.size = fstatSync(this.fd).size;
  }

  private rotate(): void {
    this.close();
    const older = (index: number): string => `${this.path}.${String(index)}`;
    if (this.files === 1) rmSync(this.path, { force: true });
    else {
      rmSync(older(this.files - 1), { force: true });
      for (let index = this.files - 2; index >= 1; index--)
        if (existsSync(older(index))) renameSync(older(index), older(index + 1));
      renameSync(this.path, older(1));
    }
    this.open();
  }

  private attempt(action: () => void): void {
    try {
      action();
    } catch (error) {
      if (this.fd !== undefined) {
        try {
          closeSync(this.fd);
        } catch {
          // Already failing: the first error is the one worth reporting.
        }
      }
      this.fd = undefined;
      this.options.onFailure?.(error as Error);
    }
  }
}
