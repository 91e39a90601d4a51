import { execFileSync } from 'node:child_process';
import { chmodSync, closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '../../src/store/store.js';

/** A folder whose disk a test can break and repair, for real: writes into it then fail. */
export interface BrokenDisk {
  readonly dir: string;
  /** What `break()` does: fill a small tmpfs to the last byte (root), or take write permission away. */
  readonly kind: 'full' | 'no-permission';
  /** What DuckDB's error then says. */
  readonly cause: RegExp;
  break(): void;
  repair(): void;
  dispose(): void;
}

/** Writes into `file` until the file system refuses (ENOSPC), down to the last byte. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  for (const size of [1 << 20, 1 << 12, 1]) {
    const chunk = Buffer.alloc(size, 1);
    try {
      for (;;) writeSync(fd, chunk);
    } catch {
      // full at this chunk size: go on with a smaller one
    }
  }
  closeSync(fd);
}

/**
 * As root, a 16 MB tmpfs (a real full disk: ENOSPC). Otherwise the folder loses its write
 * permission (DuckDB cannot create its WAL, so commits fail until it is given back); that needs
 * the WAL absent when the disk breaks, i.e. just after a checkpoint.
 */
export function brokenDisk(): BrokenDisk {
  const dir = mkdtempSync(join(tmpdir(), 'enigma-disk-'));
  if (process.getuid?.() === 0) {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=16m', 'enigma-test', dir], { stdio: 'pipe' });
      const filler = join(dir, 'filler');
      return {
        dir,
        kind: 'full',
        cause: /no space left on the device/,
        break: () => fill(filler),
        repair: () => rmSync(filler, { force: true }),
        dispose: () => {
          execFileSync('umount', ['-l', dir], { stdio: 'pipe' });
          rmSync(dir, { recursive: true, force: true });
        },
      };
    } catch {
      // no mount in this container: fall back to permissions (root ignores them, though)
    }
  }
  return {
    dir,
    kind: 'no-permission',
    cause: /permission denied/,
    break: () => chmodSync(dir, 0o555),
    repair: () => chmodSync(dir, 0o755),
    dispose: () => {
      chmodSync(dir, 0o755);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Polls a condition the store exposes no event for (its retry count, its idle checkpoint). */
export async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Commits what is queued and waits for the idle checkpoint that removes the WAL. */
export async function settle(store: Store): Promise<void> {
  const before = store.stats.checkpoints;
  await store.flush();
  await until(() => store.stats.checkpoints > before, 'an idle checkpoint');
}
