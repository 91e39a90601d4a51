import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { EngineError } from '../core/errors.js';
import { isProcessRunning } from './process-running.js';

/** The lock file's name inside the data directory. */
export const LOCK_FILE = 'engine.lock';

/** What the lock file says about the engine that holds it. */
export interface LockOwner {
  readonly pid: number;
  readonly started: string;
  readonly command: string;
}

/** A held data-directory lock; `release()` removes the file (also done when the process exits). */
export interface DataDirLock {
  readonly path: string;
  release(): void;
}

/**
 * Takes the data directory for this engine: one data directory, one engine, since two would
 * share the halt, proposal and signal files and lose each other's writes. The lock is a file
 * created exclusively (`wx`, which Windows honours too) holding the pid. A lock left by a process
 * that no longer runs (killed, crashed) is taken over. Throws CLI_DATA_DIR_LOCKED, naming the
 * other engine's pid, while a live process holds it.
 */
export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, LOCK_FILE);
  const owner: LockOwner = {
    pid: process.pid,
    started: new Date().toISOString(),
    command: ['enigma', ...process.argv.slice(2)].join(' '),
  };
  const text = `${JSON.stringify(owner)}\n`;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      try {
        writeSync(fd, text);
      } finally {
        closeSync(fd);
      }
      return holding(path, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let seen = readOrEmpty(path);
    if (seen === '') {
      // Created an instant ago and not written yet, or left empty by a crash: look again shortly.
      sleep(100);
      seen = readOrEmpty(path);
    }
    const other = parseOwner(seen);
    if (other && isProcessRunning(other.pid)) {
      throw new EngineError(
        'CLI_DATA_DIR_LOCKED',
        `the data directory ${dataDir} is in use by another engine (pid ${String(other.pid)}, since ${other.started}: ${other.command}). ` +
          `One data directory serves one engine: stop that one first, or give this one its own --data-dir. ` +
          `If no engine runs, delete ${path}.`,
      );
    }
    // Stale (its process is gone) or unreadable: remove it unless someone replaced it meanwhile.
    if (readOrEmpty(path) === seen) removeQuietly(path);
  }
  throw new EngineError(
    'CLI_DATA_DIR_LOCKED',
    `the data directory ${dataDir} could not be locked: ${path} keeps changing (another engine is starting?)`,
  );
}

function holding(path: string, text: string): DataDirLock {
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    // Only our own lock: never remove one another engine took over.
    if (readOrEmpty(path) === text) removeQuietly(path);
  };
  process.on('exit', release);
  return { path, release };
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const value = JSON.parse(text) as Partial<LockOwner>;
    if (!Number.isInteger(value.pid) || (value.pid ?? 0) <= 0) return undefined;
    return {
      pid: value.pid as number,
      started: String(value.started ?? 'an unknown time'),
      command: String(value.command ?? 'enigma'),
    };
  } catch {
    return undefined;
  }
}

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readOrEmpty(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

function removeQuietly(path: string): void {
  try {
    unlinkSync(path);
  } catch {
    // Already gone: someone else cleaned it up.
  }
}
