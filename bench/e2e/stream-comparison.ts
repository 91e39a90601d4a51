import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPipelineYaml } from './bench-pipeline.js';
import type { LoadReport } from './load-generator.js';
import {
  runCostedStep,
  startEngineProcess,
  startStreamSubscribers,
  type EngineStats,
  type StreamReceived,
} from './processes.js';

export interface StreamComparisonOptions {
  /** Pairs of steps, without and with subscribers (ABBA: use an even count); the medians over them are compared. */
  readonly rounds: number;
  readonly rate: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Untimed start of each step (LoadOptions.settleMs); default 500 ms. */
  readonly settleMs?: number;
  /** Live-stream subscribers during the `with` steps, each subscribed to every topic. */
  readonly subscribers: number;
  readonly onStep?: (report: LoadReport, withSubscribers: boolean) => void;
}

export interface StreamComparison {
  readonly without: readonly LoadReport[];
  readonly with: readonly LoadReport[];
  /** The engine's CPU time over each step, ms, in the same order. */
  readonly withoutCpuMillis: readonly number[];
  readonly withCpuMillis: readonly number[];
  /** What the subscribers received in each `with` step. */
  readonly received: readonly (StreamReceived | undefined)[];
  readonly engineStats: EngineStats | undefined;
}

/**
 * The cost of live-stream subscribers to the engine's hot path, in one engine process (with its
 * store and the stream served): alternating load steps at the same rate without subscribers and
 * with `subscribers` of them (their own process) subscribed to everything, so both halves see the
 * same engine, store size and machine load; each round's second step is the first's opposite, and
 * the next round starts with the half this one ended with.
 */
export async function runStreamComparison(options: StreamComparisonOptions): Promise<StreamComparison> {
  const token = randomBytes(18).toString('base64url');
  const streamToken = randomBytes(18).toString('base64url');
  const folder = mkdtempSync(join(tmpdir(), 'enigma-bench-stream-'));
  const pipelineFile = join(folder, 'bench-e2e.yaml');
  writeFileSync(pipelineFile, benchPipelineYaml(1));
  const engine = await startEngineProcess({ token, connections: 1, store: true, pipelineFile, streamToken });
  const without: LoadReport[] = [];
  const withSubscribers: LoadReport[] = [];
  const withoutCpuMillis: number[] = [];
  const withCpuMillis: number[] = [];
  const received: (StreamReceived | undefined)[] = [];
  let engineStats: EngineStats | undefined;
  try {
    // Timer-paced: a spinning generator would take a core, leaving the engine and the
    // subscribers one to share, and the comparison would measure the machine's saturation.
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
    const stepWithout = async (): Promise<void> => {
      const alone = await step(options.durationMs);
      without.push(alone.report);
      withoutCpuMillis.push(alone.engineCpuMillis);
      options.onStep?.(alone.report, false);
    };
    const stepWith = async (): Promise<void> => {
      const subscribers = await startStreamSubscribers(engine.url, streamToken, options.subscribers, 1);
      try {
        const watched = await step(options.durationMs);
        withSubscribers.push(watched.report);
        withCpuMillis.push(watched.engineCpuMillis);
        options.onStep?.(watched.report, true);
      } finally {
        received.push(await subscribers.stop());
      }
    };
    // Rounds alternate which half goes first (ABBA), so a drift over the run (the store growing,
    // the JIT settling) favours neither half.
    for (let round = 0; round < options.rounds; round++) {
      if (round % 2 === 0) {
        await stepWithout();
        await stepWith();
      } else {
        await stepWith();
        await stepWithout();
      }
    }
  } finally {
    engineStats = await engine.stop();
    rmSync(folder, { recursive: true, force: true });
  }
  return { without, with: withSubscribers, withoutCpuMillis, withCpuMillis, received, engineStats };
}
