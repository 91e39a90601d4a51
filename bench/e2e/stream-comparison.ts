import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchPipelineYaml } from './bench-pipeline.js';
import type { LoadReport } from './load-generator.js';
import {
  runGeneratorProcess,
  startEngineProcess,
  startStreamSubscribers,
  type EngineStats,
  type StreamReceived,
} from './processes.js';

export interface StreamComparisonOptions {
  /** Pairs of steps (without, then with subscribers); the medians over them are compared. */
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
  /** What the subscribers received in each `with` step. */
  readonly received: readonly (StreamReceived | undefined)[];
  readonly engineStats: EngineStats | undefined;
}

/**
 * The cost of live-stream subscribers to the engine's hot path, in one engine process (with its
 * store and the stream served): alternating load steps at the same rate without subscribers and
 * with `subscribers` of them (their own process) subscribed to everything, so both halves see the
 * same engine, store size and machine load.
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
  const received: (StreamReceived | undefined)[] = [];
  let engineStats: EngineStats | undefined;
  try {
    const step = (durationMs: number) =>
      runGeneratorProcess(
        {
          url: engine.url,
          connections: 1,
          rate: options.rate,
          durationMs,
          ...(options.settleMs !== undefined && { settleMs: options.settleMs }),
        },
        token,
      );
    await step(options.warmupMs);
    for (let round = 0; round < options.rounds; round++) {
      const alone = await step(options.durationMs);
      without.push(alone);
      options.onStep?.(alone, false);
      const subscribers = await startStreamSubscribers(engine.url, streamToken, options.subscribers, 1);
      try {
        const watched = await step(options.durationMs);
        withSubscribers.push(watched);
        options.onStep?.(watched, true);
      } finally {
        received.push(await subscribers.stop());
      }
    }
  } finally {
    engineStats = await engine.stop();
    rmSync(folder, { recursive: true, force: true });
  }
  return { without, with: withSubscribers, received, engineStats };
}
