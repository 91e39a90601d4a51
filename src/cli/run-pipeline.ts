import { resolve } from 'node:path';
import { describeError, EngineError, formatIssue, PipelineDefinitionError } from '../core/errors.js';
import { SessionClock } from '../core/clock.js';
import { microsFromIso, parseDuration, type Micros } from '../core/time.js';
import { createEngineClock, Engine, preparePipeline } from '../engine.js';
import { describeSessionStart } from '../sources/market-session.js';
import type { StepDefinition } from '../pipeline/definition.js';
import { exposureWarning } from '../server/http-server.js';
import { formatSummary } from './format.js';
import { ProgressBar } from './progress-bar.js';
import { StatusLine } from './status-line.js';
import { formatRunSummary } from './run-summary.js';
import { TradingTally, tallySeedOf } from './trading-tally.js';

export interface PipelineCommandOptions {
  readonly pipeline: string;
  readonly mode: 'live' | 'replay';
  readonly dataDir: string;
  readonly wasm: boolean;
  /** Stop after this long (wall-clock milliseconds). */
  readonly durationMs?: number;
  readonly quiet: boolean;
  /** Run the risk engine, order manager and paper broker (default account SIM-50K). */
  readonly trading: boolean;
  /** Keep the history in this DuckDB file (`--store`, default `<data-dir>/enigma.duckdb` for `run`). */
  readonly storePath?: string;
  /** Serve the NinjaTrader gateway here (`--listen 127.0.0.1:8686`). */
  readonly listen?: { readonly host: string; readonly port: number };
  readonly replaceTickSource?: Pick<StepDefinition, 'op' | 'params'>;
  readonly progressLabel?: string;
  /** `--start`: when the simulated market's session starts (ISO 8601), instead of now. */
  readonly start?: string;
}

/** `--duration 10` (seconds) or `--duration 90s` / `5m`, as milliseconds. */
export function parseDurationFlag(text: string): number {
  if (/^[0-9]+(\.[0-9]+)?$/.test(text)) return Number(text) * 1000;
  try {
    return parseDuration(text) / 1000;
  } catch {
    throw new EngineError(
      'CLI_USAGE',
      `--duration takes seconds (10) or a duration (90s, 5m), got '${text}'`,
    );
  }
}

/** `--start 2026-12-08T15:00:00Z` as microseconds. */
export function parseStartFlag(text: string): Micros {
  try {
    return microsFromIso(text);
  } catch {
    throw new EngineError(
      'CLI_USAGE',
      `--start takes an ISO 8601 time (2026-12-08T15:00:00Z), got '${text}'`,
    );
  }
}

/** `--listen 127.0.0.1:8686` (or `:8686`, or `[::1]:8686`) as host and port. */
export function parseListenFlag(text: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (!match || port > 65_535)
    throw new EngineError('CLI_USAGE', `--listen takes host:port (127.0.0.1:8686), got '${text}'`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port };
}

/** Prints a pipeline's problems, one per line, on standard error. */
export function printIssues(error: PipelineDefinitionError): void {
  for (const issue of error.issues) process.stderr.write(`${formatIssue(issue)}\n`);
  process.stderr.write(`${error.issues.length} problem(s) found\n`);
}

/**
 * Runs one pipeline to its end (finite sources, `--duration`, or Ctrl-C), printing a live status
 * line and a summary. Ctrl-C drains and flushes; a second Ctrl-C exits at once.
 */
export async function runPipelineCommand(options: PipelineCommandOptions): Promise<number> {
  let prepared;
  try {
    prepared = await preparePipeline(
      options.pipeline,
      options.replaceTickSource ? { replaceTickSource: options.replaceTickSource } : {},
    );
  } catch (error) {
    if (error instanceof PipelineDefinitionError) {
      printIssues(error);
      return 1;
    }
    throw error;
  }
  const progress = options.progressLabel ? new ProgressBar(options.progressLabel) : undefined;
  const start = options.start !== undefined ? parseStartFlag(options.start) : undefined;
  const clock = createEngineClock(options.mode, prepared.compiled, {
    ...(start !== undefined && { start }),
    realTime: options.listen !== undefined,
  });
  if (start !== undefined && !(clock instanceof SessionClock)) {
    throw new EngineError(
      'CLI_USAGE',
      '--start sets the session of a simulated market: the pipeline has no simulatedMarket step, or --listen keeps real time',
    );
  }
  if (clock instanceof SessionClock && !options.quiet) {
    const session = describeSessionStart(clock.start);
    process.stderr.write(
      `simulated market: session of ${session} at ${String(clock.speed)}× real time; the backfill before it only warms the indicators\n`,
    );
    void clock.started.then(() =>
      process.stdout.write(`--- ${session}: the session opens; signals above are backfill, not traded ---\n`),
    );
  }
  const engine = await Engine.create({
    clock,
    mode: options.mode,
    dataDir: resolve(options.dataDir),
    wasm: options.wasm,
    ...(options.trading && { trading: {} }),
    ...(options.listen && { listen: options.listen }),
    ...(options.storePath !== undefined && { storePath: resolve(options.storePath) }),
    ...(progress && { progress: (done: number, total: number) => progress.update(done, total) }),
  });
  engine.add(prepared.compiled);
  if (engine.gateway) {
    const warning = exposureWarning(engine.gateway.http.host);
    if (warning !== undefined) process.stderr.write(`${warning}\n`);
    process.stdout.write(`listening ${engine.gateway.url}\n`);
  }
  const tally = options.trading ? new TradingTally(engine.bus) : undefined;
  const status = options.mode === 'live' && !options.quiet ? new StatusLine(engine, tally) : undefined;
  if (tally && engine.trading) tally.seed(tallySeedOf(engine.trading, () => engine.clock.now()));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void engine.stop();
  };
  const onSignal = (): void => {
    if (stopping) process.exit(130);
    process.stderr.write('\nstopping: draining and flushing (Ctrl-C again to exit at once)\n');
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer = options.durationMs !== undefined ? setTimeout(stop, options.durationMs) : undefined;
  const started = performance.now();
  status?.start();
  engine.start();
  try {
    const metrics = await engine.finished();
    status?.stop();
    process.stderr.write(formatSummary(metrics, (performance.now() - started) / 1000));
    if (tally) process.stderr.write(formatRunSummary(tally.snapshot()));
    return 0;
  } catch (error) {
    status?.stop();
    process.stderr.write(
      `enigma: ${describeError(error)}${error instanceof EngineError ? ` [${error.code}]` : ''}\n`,
    );
    return 1;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
