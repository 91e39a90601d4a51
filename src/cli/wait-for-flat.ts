import { setTimeout as sleep } from 'node:timers/promises';
import { FlatStatusFile, flatStatusPath, type FlatStatus } from '../risk/flat-status.js';
import { ALL_ACCOUNTS } from '../risk/halt-store.js';
import { isProcessRunning } from './process-running.js';

/** The running engine's status, or undefined when no engine answers in this data directory. */
export function runningEngine(dataDir: string): FlatStatus | undefined {
  const status = FlatStatusFile.read(flatStatusPath(dataDir));
  return status && status.pid !== process.pid && isProcessRunning(status.pid) ? status : undefined;
}

/**
 * After `enigma kill`: waits until the running engine reports each halted account flat, as its
 * broker confirmed it (for NinjaTrader: from the AddOn's own position and order reports), printing
 * `APEX-12345 flat (confirmed by NinjaTrader)` as each arrives. Resolves with the accounts still
 * not confirmed when `timeoutMs` ran out (empty: all flat).
 */
export async function waitForFlat(
  engine: FlatStatus,
  dataDir: string,
  account: string,
  haltTs: number,
  timeoutMs: number,
  write: (line: string) => void,
): Promise<string[]> {
  // An account the engine does not trade has nothing to confirm (the halt file still keeps it).
  const pending = new Set(
    account === ALL_ACCOUNTS ? Object.keys(engine.accounts) : [account].filter((id) => id in engine.accounts),
  );
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = FlatStatusFile.read(flatStatusPath(dataDir)) ?? engine;
    for (const id of [...pending]) {
      const flat = status.flat[id];
      if (flat && (flat.haltTs === haltTs || flat.ts >= haltTs)) {
        write(`${flat.message}\n`);
        pending.delete(id);
      }
    }
    if (pending.size === 0 || Date.now() >= deadline || !isProcessRunning(status.pid)) return [...pending];
    await sleep(50);
  }
}
