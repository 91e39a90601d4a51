import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isProcessRunning } from './process-running.js';

/** The file's name inside the data directory. */
export const ENGINE_FILE = 'engine.json';

/**
 * What a listening engine says about itself in `<data-dir>/engine.json`, so that `enigma kill`,
 * `resume`, `confirm`, `reject` and `proposals` reach it through its API. Never a token.
 */
export interface EngineFile {
  readonly pid: number;
  /** `http://127.0.0.1:8686`: the API is under `<url>/api/v1`. */
  readonly url: string;
  readonly startedAt: string;
}

export const engineFilePath = (dataDir: string): string => join(dataDir, ENGINE_FILE);

/**
 * Writes the file (whole: a temporary file, then a rename) and returns what removes it on a
 * clean stop; only the file this process wrote is removed, never one a later engine replaced.
 */
export function writeEngineFile(dataDir: string, url: string): { remove(): void } {
  const path = engineFilePath(dataDir);
  const text = `${JSON.stringify({ pid: process.pid, url, startedAt: new Date().toISOString() })}\n`;
  const temporary = `${path}.${String(process.pid)}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
  let removed = false;
  const remove = (): void => {
    if (removed) return;
    removed = true;
    process.off('exit', remove);
    try {
      if (readFileSync(path, 'utf8') === text) unlinkSync(path);
    } catch {
      // Already gone.
    }
  };
  process.on('exit', remove);
  return { remove };
}

/** Where a command finds the engine of a data directory. */
export type EngineLookup =
  | { readonly kind: 'none' }
  | { readonly kind: 'running'; readonly engine: EngineFile }
  /** The file is there but names no engine that answers: ignored, with the reason. */
  | { readonly kind: 'stale'; readonly reason: string };

/**
 * The engine running on `dataDir`, if any: its file names a live process whose `/healthz`
 * answers within `timeoutMs`. A file left by a killed engine (pid gone), an unreadable one, or
 * one whose URL refuses is stale.
 */
export async function findEngine(dataDir: string, timeoutMs = 2_000): Promise<EngineLookup> {
  const path = engineFilePath(dataDir);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    return { kind: 'stale', reason: `${path} cannot be read: ${(error as Error).message}` };
  }
  const engine = parse(text);
  if (!engine) return { kind: 'stale', reason: `${path} is not an engine file` };
  if (!isProcessRunning(engine.pid))
    return { kind: 'stale', reason: `${path} names pid ${String(engine.pid)}, which no longer runs` };
  try {
    const response = await fetch(`${engine.url}/healthz`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.body?.cancel();
    if (!response.ok) throw new Error(`HTTP ${String(response.status)}`);
  } catch (error) {
    return {
      kind: 'stale',
      reason: `${path} names ${engine.url}, which does not answer (${reasonOf(error)})`,
    };
  }
  return { kind: 'running', engine };
}

function parse(text: string): EngineFile | undefined {
  try {
    const value = JSON.parse(text) as Partial<EngineFile>;
    if (!Number.isInteger(value.pid) || (value.pid ?? 0) <= 0 || typeof value.url !== 'string')
      return undefined;
    const url = new URL(value.url);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    return { pid: value.pid as number, url: reachable(url), startedAt: String(value.startedAt ?? '') };
  } catch {
    return undefined;
  }
}

/** An engine listening on every address is reached on loopback (0.0.0.0 is no address to call on Windows). */
function reachable(url: URL): string {
  if (url.hostname === '0.0.0.0') url.hostname = '127.0.0.1';
  if (url.hostname === '[::]') url.hostname = '[::1]';
  return url.origin;
}

/** fetch's "fetch failed" hides the reason in `cause` (ECONNREFUSED…). */
export function reasonOf(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code !== undefined) return cause.code;
  if (cause?.message !== undefined) return cause.message;
  if ((error as Error).name === 'TimeoutError') return 'no answer in time';
  return (error as Error).message;
}
