/**
 * Disk: the engine's data folder on a small tmpfs, a writer streaming into it; mid-run the tmpfs
 * is filled to the last byte, then emptied; then remounted read-only, then read-write. The engine
 * must refuse what it cannot store with a clear error and an alert (never ack it), stay up, and
 * take everything again once space returns, and shut down cleanly afterwards. Last, the engine is
 * started again, the disk filled and the engine stopped while it is still full: the shutdown must
 * end by itself, in bounded time, with a non-zero exit and a message, and lose nothing it acked.
 * Needs root to mount: without it the scenario is skipped with a NOTICE in the table.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdirSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, startScript, type ScriptProcess } from './child.js';
import { ChaosEngine } from './engine.js';
import type { ChaosSettings } from './settings.js';
import { auditSession } from './store-audit.js';
import { check, figure, type Figure } from './table.js';
import type { WriterProgress, WriterReport } from './writer-process.js';

const S = 'disk';
/** What the engine says on standard error about storage trouble, for the "alert" check. */
const STORAGE_TROUBLE = /STORE_[A-Z_]+|ENOSPC|No space left|read-only|Read-only|IO Error/;

function latest(writer: ScriptProcess<WriterReport>): WriterProgress | undefined {
  const line = writer.progress.at(-1);
  return line === undefined ? undefined : (JSON.parse(line) as WriterProgress);
}

/** Fills the file system at `folder` to the last byte; returns the bytes written. */
function fill(file: string): number {
  const fd = openSync(file, 'w');
  let written = 0;
  for (const size of [1 << 20, 1 << 12, 1]) {
    const chunk = Buffer.alloc(size, 1);
    try {
      for (;;) written += writeSync(fd, chunk);
    } catch {
      // ENOSPC: try a smaller chunk, down to one byte
    }
  }
  closeSync(fd);
  return written;
}

/** The store gives a broken disk this long at shutdown (src/store/store.ts `unavailableGraceMs`). */
const SHUTDOWN_GRACE_MS = 10_000;

interface BrokenShutdown {
  readonly told: boolean;
  readonly exitCode: number | null;
  readonly seconds: number;
  readonly message: string | undefined;
  readonly report: WriterReport | undefined;
}

/**
 * Starts the engine again on the data it has, streams into it, fills the disk and stops the
 * engine while the disk is still full; the disk is emptied once the engine has exited.
 */
async function shutDownBroken(
  engine: ChaosEngine,
  settings: ChaosSettings,
  filler: string,
  journal: string,
): Promise<BrokenShutdown> {
  await engine.start();
  const logStart = engine.log().length;
  const writer = startScript<WriterReport>(
    'writer-process.ts',
    { url: engine.url, rate: settings.disk.rate, index: 0, signalEvery: 0, journal, drainMs: 1_000 },
    settings.token,
  );
  try {
    await sleep(3000);
    fill(filler);
    let told = false;
    const deadline = performance.now() + 10_000;
    while (!told && performance.now() < deadline) {
      await sleep(100);
      told = (latest(writer)?.errors ?? 0) > 0;
    }
    const stopping = performance.now();
    const exitCode = await engine.stop(SHUTDOWN_GRACE_MS + 20_000);
    const seconds = (performance.now() - stopping) / 1000;
    const message = /enigma: .*STORE_UNAVAILABLE.*/.exec(engine.log().slice(logStart))?.[0];
    writer.say('stop');
    const report = await writer.report.catch(() => undefined);
    return { told, exitCode, seconds, message, report };
  } finally {
    writer.child.kill('SIGKILL');
    rmSync(filler, { force: true });
  }
}

interface Phase {
  readonly ackedDuring: number;
  readonly errorsDuring: number;
  readonly recoveredMs: number;
  readonly alive: boolean;
}

/** Breaks the disk for `holdMs`, repairs it, and measures what the writer saw. */
async function phase(
  engine: ChaosEngine,
  writer: ScriptProcess<WriterReport>,
  breakDisk: () => void,
  repairDisk: () => void,
  holdMs: number,
  recoveryMs: number,
): Promise<Phase> {
  const before = latest(writer);
  breakDisk();
  // Acks already in flight (committed before the break) may still arrive: give them 1 s.
  await sleep(1000);
  const settled = latest(writer);
  await sleep(holdMs);
  const broken = latest(writer);
  repairDisk();
  const repairedAt = performance.now();
  let recoveredMs = Infinity;
  while (performance.now() - repairedAt < recoveryMs) {
    const now = latest(writer);
    if (now && now.acked > (broken?.acked ?? 0) && now.sent - now.acked < 5_000) {
      recoveredMs = performance.now() - repairedAt;
      break;
    }
    await sleep(50);
  }
  return {
    ackedDuring: (broken?.acked ?? 0) - (settled?.acked ?? 0),
    errorsDuring: (broken?.errors ?? 0) - (before?.errors ?? 0),
    recoveredMs,
    alive: engine.running,
  };
}

export async function runDisk(settings: ChaosSettings): Promise<Figure[]> {
  const mountPoint = join(settings.workDir, 'disk');
  mkdirSync(mountPoint, { recursive: true });
  try {
    execFileSync(
      'mount',
      ['-t', 'tmpfs', '-o', `size=${String(settings.disk.tmpfsMb)}m`, 'enigma-chaos', mountPoint],
      {
        stdio: 'pipe',
      },
    );
  } catch (error) {
    const why = String((error as { stderr?: Buffer }).stderr ?? error)
      .trim()
      .split('\n')[0];
    process.stderr.write(
      `NOTICE: chaos disk scenario skipped: cannot mount a tmpfs (${why ?? ''}); it needs root\n`,
    );
    return [figure(S, 'NOTICE: skipped', `cannot mount a tmpfs (needs root): ${why ?? ''}`)];
  }
  const filler = join(mountPoint, 'filler');
  const logDir = join(settings.workDir, 'disk-logs');
  mkdirSync(logDir, { recursive: true });
  const engine = new ChaosEngine({
    token: settings.token,
    dataDir: mountPoint,
    logDir,
    accounts: ['CHAOS0'],
    ...(settings.duckdb && { duckdb: settings.duckdb }),
  });
  let writer: ScriptProcess<WriterReport> | undefined;
  try {
    await engine.start();
    const journal = join(logDir, 'writer.journal');
    writer = startScript<WriterReport>(
      'writer-process.ts',
      { url: engine.url, rate: settings.disk.rate, index: 0, signalEvery: 0, journal, drainMs: 10_000 },
      settings.token,
    );
    await sleep(4000);
    const logBefore = engine.log().length;
    const full = await phase(
      engine,
      writer,
      () => fill(filler),
      () => rmSync(filler, { force: true }),
      settings.disk.holdMs,
      settings.disk.recoveryMs,
    );
    const fullLog = engine.log().slice(logBefore);
    const logMiddle = engine.log().length;
    // Linux refuses to remount read-only while a process holds files open for writing (EBUSY):
    // the engine always does, so this phase usually reports a NOTICE instead.
    let readOnlyNotice: string | undefined;
    let readOnly: Phase | undefined;
    if (engine.running) {
      try {
        readOnly = await phase(
          engine,
          writer,
          () => execFileSync('mount', ['-o', 'remount,ro', mountPoint], { stdio: 'pipe' }),
          () => execFileSync('mount', ['-o', 'remount,rw', mountPoint], { stdio: 'pipe' }),
          settings.disk.holdMs,
          settings.disk.recoveryMs,
        );
      } catch (error) {
        readOnlyNotice = String((error as { stderr?: Buffer }).stderr ?? error)
          .trim()
          .split('\n')[0];
        process.stderr.write(`NOTICE: chaos disk read-only phase skipped: ${readOnlyNotice ?? ''}\n`);
      }
    }
    const readOnlyLog = engine.log().slice(logMiddle);
    await sleep(2000);
    writer.say('stop');
    const report = await writer.report.catch(() => undefined);
    const alive = engine.running && engine.unexpectedExits.length === 0;
    const exitCode = await engine.stop();
    const audit = report?.sessionId
      ? await auditSession(engine.storePath, report.sessionId, report.acked)
      : undefined;
    const broken = await shutDownBroken(engine, settings, filler, join(logDir, 'writer-2.journal'));
    const brokenAudit = broken.report?.sessionId
      ? await auditSession(engine.storePath, broken.report.sessionId, broken.report.acked)
      : undefined;
    const figures: Figure[] = [];
    for (const [name, result, log] of [
      ['disk full', full, fullLog],
      ['read-only', readOnly, readOnlyLog],
    ] as const) {
      if (!result) {
        figures.push(
          readOnlyNotice !== undefined && name === 'read-only'
            ? figure(S, `NOTICE: ${name} skipped`, `the remount was refused: ${readOnlyNotice}`)
            : check(S, `${name}: ran`, 'no (the engine was down)', 'yes', false, { fullOnly: true }),
        );
        continue;
      }
      const alert = STORAGE_TROUBLE.exec(log)?.[0];
      figures.push(
        figure(S, `${name}: acks while broken`, result.ackedDuring),
        check(S, `${name}: engine stayed up`, result.alive ? 'yes' : 'no', 'yes', result.alive, {
          fullOnly: true,
        }),
        check(S, `${name}: client told (error frames)`, result.errorsDuring, '> 0', result.errorsDuring > 0, {
          fullOnly: true,
        }),
        check(
          S,
          `${name}: alert in the engine's log`,
          alert ?? 'none',
          'a storage error',
          alert !== undefined,
          { fullOnly: true },
        ),
        check(
          S,
          `${name}: recovered after repair`,
          Number.isFinite(result.recoveredMs)
            ? `${(result.recoveredMs / 1000).toFixed(1)} s`
            : `no (${String(settings.disk.recoveryMs / 1000)} s)`,
          `< ${String(settings.disk.recoveryMs / 1000)} s`,
          Number.isFinite(result.recoveredMs),
          { fullOnly: true },
        ),
      );
    }
    figures.push(
      figure(
        S,
        'writer: sent, acked, errors',
        report
          ? `${String(report.sent)}, ${String(report.acked)}, ${JSON.stringify(report.errorCodes)}`
          : '-',
      ),
      check(
        S,
        'acked messages lost (not in the store)',
        audit?.ackedMissing ?? 'no audit',
        '= 0',
        audit?.ackedMissing === 0,
        { fullOnly: true },
      ),
      check(S, 'acked messages duplicated', audit?.duplicated ?? 'no audit', '= 0', audit?.duplicated === 0, {
        fullOnly: true,
      }),
      check(
        S,
        'engine alive at the end',
        alive ? 'yes' : `no (${engine.unexpectedExits.join(', ')})`,
        'yes',
        alive,
        { fullOnly: true },
      ),
      check(S, 'engine shut down cleanly (exit code)', String(exitCode), '0', exitCode === 0, {
        fullOnly: true,
      }),
      check(S, 'shutdown on a full disk: client told first', broken.told ? 'yes' : 'no', 'yes', broken.told, {
        fullOnly: true,
      }),
      check(
        S,
        'shutdown on a full disk: ended by itself (s, exit code)',
        `${broken.seconds.toFixed(1)} s, ${String(broken.exitCode)}`,
        `< ${String(SHUTDOWN_GRACE_MS / 1000 + 10)} s, ≠ 0`,
        broken.seconds < SHUTDOWN_GRACE_MS / 1000 + 10 && broken.exitCode !== 0 && broken.exitCode !== null,
        { fullOnly: true },
      ),
      check(
        S,
        'shutdown on a full disk: message',
        broken.message?.slice(0, 160) ?? 'none',
        'names STORE_UNAVAILABLE',
        broken.message !== undefined,
        { fullOnly: true },
      ),
      check(
        S,
        'shutdown on a full disk: acked messages lost, duplicated',
        brokenAudit ? `${String(brokenAudit.ackedMissing)}, ${String(brokenAudit.duplicated)}` : 'no audit',
        '0, 0',
        brokenAudit?.ackedMissing === 0 && brokenAudit.duplicated === 0,
        { fullOnly: true },
      ),
    );
    return figures;
  } finally {
    writer?.child.kill('SIGKILL');
    await engine.stop().catch(() => undefined);
    try {
      execFileSync('umount', ['-l', mountPoint], { stdio: 'pipe' });
    } catch {
      // already unmounted
    }
  }
}
