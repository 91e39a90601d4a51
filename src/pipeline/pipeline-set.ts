import { describeError, EngineError } from '../core/errors.js';
import type { Micros } from '../core/time.js';
import type { CompiledPipeline } from './compile.js';
import type { PipelineMetricsSnapshot, PipelineRun } from './runtime.js';

export type PipelineState = 'running' | 'stopped';

/** A pipeline of a running engine as people and the API see it. */
export interface PipelineInfo {
  readonly id: string;
  /** The real path it was started from; null for a pipeline built in code. */
  readonly file: string | null;
  /** `running` from when it is added until its sources have ended and its sinks flushed. */
  readonly state: PipelineState;
  /** Engine clock, epoch microseconds; null until the engine starts it. */
  readonly startedTs: Micros | null;
  readonly stoppedTs: Micros | null;
  /** Why it ended, when a source or sink failed. */
  readonly error: { readonly code: string; readonly message: string } | null;
}

interface Entry {
  readonly run: PipelineRun;
  readonly compiled: CompiledPipeline;
  readonly file: string | undefined;
  startedTs: Micros | undefined;
  stoppedTs: Micros | undefined;
  failure: unknown;
  settled: boolean;
  /** Resolves (never rejects) once the run has ended, failed or not. */
  ended: Promise<void>;
}

/**
 * The engine's pipelines, one run per id: the running ones and the stopped ones (their figures
 * stay readable until the id is started again). A run replaced by a new one under the same id is
 * retired: its final figures are kept for the run summary and its histograms freed.
 */
export class PipelineSet {
  private readonly entries = new Map<string, Entry>();
  private readonly retired: PipelineMetricsSnapshot[] = [];

  constructor(
    private readonly options: {
      readonly now: () => Micros;
      /** A run ended with a failure (a source or a sink failed). */
      readonly onFailure: (id: string, error: unknown) => void;
    },
  ) {}

  /** The current run of each id, in the order the ids were first added. */
  get runs(): PipelineRun[] {
    return [...this.entries.values()].map((entry) => entry.run);
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  isRunning(id: string): boolean {
    const entry = this.entries.get(id);
    return entry !== undefined && !entry.settled;
  }

  compiled(id: string): CompiledPipeline | undefined {
    return this.entries.get(id)?.compiled;
  }

  file(id: string): string | undefined {
    return this.entries.get(id)?.file;
  }

  info(id: string): PipelineInfo {
    const entry = this.entries.get(id);
    if (!entry) throw new EngineError('PIPELINE_NOT_FOUND', `no pipeline '${id}'`);
    const failure = entry.failure;
    return {
      id,
      file: entry.file ?? null,
      state: entry.settled ? 'stopped' : 'running',
      startedTs: entry.startedTs ?? null,
      stoppedTs: entry.stoppedTs ?? null,
      error:
        failure === undefined
          ? null
          : {
              // The runtime fails a run with an EngineError; anything else was thrown by a step.
              code: failure instanceof EngineError ? failure.code : 'STEP_FAILED',
              message: describeError(failure),
            },
    };
  }

  list(): PipelineInfo[] {
    return [...this.entries.keys()].map((id) => this.info(id));
  }

  /**
   * Adds a run under its id, in place of a stopped run with that id (which is retired). Throws
   * PIPELINE_ALREADY_RUNNING when a run with that id has not ended.
   */
  add(run: PipelineRun, compiled: CompiledPipeline, file: string | undefined): void {
    const previous = this.entries.get(run.id);
    if (previous && !previous.settled)
      throw new EngineError('PIPELINE_ALREADY_RUNNING', `pipeline '${run.id}' is running already`);
    if (previous) this.retire(previous);
    const entry: Entry = {
      run,
      compiled,
      file,
      startedTs: undefined,
      stoppedTs: undefined,
      failure: undefined,
      settled: false,
      ended: Promise.resolve(),
    };
    // Handled here, so a failing run is never an unhandled rejection whoever awaits it.
    entry.ended = run.done.then(
      () => this.settle(entry, undefined),
      (error: unknown) => {
        this.settle(entry, error);
        this.options.onFailure(run.id, error);
      },
    );
    this.entries.set(run.id, entry);
  }

  /** Starts the run of `id` (once). */
  start(id: string): void {
    const entry = this.entries.get(id);
    if (!entry || entry.startedTs !== undefined) return;
    entry.startedTs = this.options.now();
    entry.run.start();
  }

  startAll(): void {
    for (const id of this.entries.keys()) this.start(id);
  }

  /** Ends the run's sources; resolves once what was in flight has drained and its sinks flushed. */
  async stop(id: string): Promise<void> {
    const entry = this.entries.get(id);
    if (!entry) return;
    entry.run.stop();
    await entry.ended;
  }

  stopAll(): void {
    for (const entry of this.entries.values()) entry.run.stop();
  }

  /** Resolves when every run has ended, the ones added meanwhile too; rejects with the first failure. */
  async allDone(): Promise<void> {
    for (;;) {
      const failed = [...this.entries.values()].find((entry) => entry.failure !== undefined);
      if (failed) throw failed.failure;
      const open = [...this.entries.values()].filter((entry) => !entry.settled);
      if (open.length === 0) return;
      await Promise.all(open.map((entry) => entry.run.done));
    }
  }

  /** Resolves when every run has ended, failed or not. */
  async allEnded(): Promise<void> {
    for (;;) {
      const open = [...this.entries.values()].filter((entry) => !entry.settled);
      if (open.length === 0) return;
      await Promise.all(open.map((entry) => entry.ended));
    }
  }

  /** The current runs' figures: the status line and the API show these. */
  metrics(): PipelineMetricsSnapshot[] {
    return this.runs.map((run) => run.metrics());
  }

  /** Every run's final figures, retired ones first (a reloaded pipeline shows once per version). */
  finalMetrics(): PipelineMetricsSnapshot[] {
    return [...this.retired, ...this.metrics()];
  }

  /** Messages the sources of retired runs emitted (so a total does not drop on a reload). */
  get retiredSourceMessages(): number {
    return this.retired.reduce((sum, snapshot) => sum + snapshot.sourceMessages, 0);
  }

  private settle(entry: Entry, failure: unknown): void {
    entry.settled = true;
    entry.failure = failure;
    entry.stoppedTs = this.options.now();
  }

  private retire(entry: Entry): void {
    this.retired.push(entry.run.metrics());
    entry.run.dispose();
  }
}
