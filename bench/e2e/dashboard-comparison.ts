import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TokenRegistry } from '../../src/server/auth/index.js';
import { openDashboardBrowsers } from './dashboard-browsers.js';
import type { LoadReport } from './load-generator.js';
import { runCostedStep, startEngineProcess, type EngineStats } from './processes.js';

export interface DashboardComparisonOptions {
  /** Pairs of steps, without and with the browsers (ABBA: use an even count); the medians over them are compared. */
  readonly rounds: number;
  readonly rate: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Untimed start of each step (LoadOptions.settleMs); default 500 ms. */
  readonly settleMs?: number;
  readonly onStep?: (report: LoadReport, withBrowsers: boolean) => void;
}

export interface DashboardRound {
  readonly without: LoadReport;
  readonly with: LoadReport;
  /** The engine's CPU time over each step, ms. */
  readonly withoutCpuMillis: number;
  readonly withCpuMillis: number;
  /** First contentful paint of each signed-in view, opened before the `with` step. */
  readonly firstPaintsMs: readonly (number | null)[];
  /** Script errors the pages reported during the round. */
  readonly pageErrors: readonly string[];
}

export interface DashboardComparison {
  readonly rounds: readonly DashboardRound[];
  readonly engineStats: EngineStats | undefined;
}

/**
 * The dashboard's cost to the engine's hot path, in one engine process built as `enigma run
 * --listen` builds it: alternating load steps at the same rate without browsers and with two
 * headless Chromium browsers signed in (Overview, Trading), opened before and closed after each
 * `with` step, so both halves see the same engine, store size and machine load; each round's
 * second step is the first's opposite, and the next round starts with the half this one ended with.
 */
export async function runDashboardComparison(
  options: DashboardComparisonOptions,
): Promise<DashboardComparison> {
  const token = randomBytes(18).toString('base64url');
  const folder = mkdtempSync(join(tmpdir(), 'enigma-bench-dashboard-'));
  // A trader's token from the engine's own registry, made before the engine opens it.
  const desk = TokenRegistry.open(folder).create('bench-desk', 'trader').token;
  const engine = await startEngineProcess({ token, connections: 1, store: true, dashboardDataDir: folder });
  const rounds: DashboardRound[] = [];
  let engineStats: EngineStats | undefined;
  try {
    // Timer-paced: a spinning generator would take a core, leaving the engine and the
    // browsers one to share, and the comparison would measure the machine's saturation.
    const step = (durationMs: number) =>
      runCostedStep(
        engine,
        {
          url: engine.url,
          connections: 1,
          rate: options.rate,
          durationMs,
          pacing: 'timer',
          ...(options.settleMs !== undefined && { settleMs: options.settleMs }),
        },
        token,
      );
    await step(options.warmupMs);
    const stepWith = async () => {
      const browsers = await openDashboardBrowsers(engine.url, desk);
      let watched: Awaited<ReturnType<typeof step>>;
      let pageErrors: string[];
      try {
        watched = await step(options.durationMs);
      } finally {
        pageErrors = await browsers.close();
      }
      options.onStep?.(watched.report, true);
      return { ...watched, firstPaintsMs: browsers.firstPaintsMs, pageErrors };
    };
    const stepWithout = async () => {
      const alone = await step(options.durationMs);
      options.onStep?.(alone.report, false);
      return alone;
    };
    // Rounds alternate which half goes first (ABBA), so a drift over the run (the store growing,
    // the JIT settling) favours neither half.
    for (let round = 0; round < options.rounds; round++) {
      let alone: Awaited<ReturnType<typeof step>>;
      let watched: Awaited<ReturnType<typeof stepWith>>;
      if (round % 2 === 0) {
        alone = await stepWithout();
        watched = await stepWith();
      } else {
        watched = await stepWith();
        alone = await stepWithout();
      }
      rounds.push({
        without: alone.report,
        with: watched.report,
        withoutCpuMillis: alone.engineCpuMillis,
        withCpuMillis: watched.engineCpuMillis,
        firstPaintsMs: watched.firstPaintsMs,
        pageErrors: watched.pageErrors,
      });
    }
  } finally {
    engineStats = await engine.stop();
    rmSync(folder, { recursive: true, force: true });
  }
  return { rounds, engineStats };
}
