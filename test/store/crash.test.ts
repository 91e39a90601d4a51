import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Store } from '../../src/store/store.js';
import { CRASH_BASE_TS, CRASH_SOURCE } from './fixtures/crash-constants.js';
import { queryFile, tempDir } from './helpers.js';

const WRITER = fileURLToPath(new URL('./fixtures/crash-writer.ts', import.meta.url));

/** Runs the crash writer until it has reported `atLeast` stored, then SIGKILLs it; returns the last watermark it printed. */
function runAndKill(path: string, atLeast: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', WRITER, path], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let last = 0;
    let pending = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (data: Buffer) => (stderr += data.toString()));
    child.stdout.on('data', (data: Buffer) => {
      pending += data.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) last = Math.max(last, Number(line));
      if (!killed && last >= atLeast) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(last);
      else reject(new Error(`crash writer exited on its own (${String(signal)}): ${stderr}`));
    });
  });
}

describe('store durability', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir();
  });
  afterEach(() => temp.remove());

  it('keeps every committed batch when the writing process is killed with SIGKILL mid-stream', async () => {
    const path = temp.file('crash.duckdb');
    const acknowledged = await runAndKill(path, 50_000);
    expect(acknowledged).toBeGreaterThanOrEqual(50_000);

    const store = await Store.open(path);
    expect(store.watermark(CRASH_SOURCE)).toBeGreaterThanOrEqual(acknowledged);
    await store.close();

    const [received] = await queryFile(
      path,
      `SELECT count(*), count(DISTINCT source_seq), min(source_seq), max(source_seq) FROM received WHERE source = '${CRASH_SOURCE}'`,
    );
    const [count, distinct, min, max] = (received ?? []).map(Number);
    expect(count).toBe(distinct);
    expect(min).toBe(1);
    expect(max).toBe(count);
    expect(count).toBeGreaterThanOrEqual(acknowledged);
    const [pointers] = await queryFile(
      path,
      `SELECT count(*) FROM received r JOIN ticks t ON r.stored_table = 'ticks' AND t.seq = r.stored_seq
        WHERE r.payload IS NULL AND t.ts = ${CRASH_BASE_TS} + r.source_seq`,
    );
    expect(Number(pointers?.[0])).toBe(count);
    const [ticks] = await queryFile(
      path,
      `SELECT count(*) FROM ticks WHERE ts <= ${CRASH_BASE_TS + acknowledged}`,
    );
    expect(Number(ticks?.[0])).toBe(acknowledged);
  });
});
