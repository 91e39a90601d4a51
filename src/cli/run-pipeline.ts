import { resolve } from 'node:path';
import { describeError, EngineError, formatIssue, PipelineDefinitionError } from '../core/errors.js';
import { parseDuration } from '../core/time.js';
import { Engine, preparePipeline } from '../engine.js';
import type { StepDefinition } from '../pipeline/definition.js';
import { lockDataDir } from './data-dir-lock.js';
import { formatSummary } from './format.js';
import { ProgressBar } from './progress-bar.js';
import { StatusLine } from './status-line.js';
import { TradingTally } from './trading-tally.js';

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
  const lock = lockDataDir(resolve(options.dataDir));
  const engine = await Engine.create({
    mode: options.mode,
    dataDir: resolve(options.dataDir),
    wasm: options.wasm,
    ...(options.trading && { trading: {} }),
    ...(options.listen && { listen: options.listen }),
    ...(options.storePath !== undefined && { storePath: resolve(options.storePath) }),
    ...(progress && { progress: (done: number, total: number) => progress.update(done, total) }),
  });
  engine.add(prepared.compiled);
  if (engine.gateway) process.stdout.write(`listening ${engine.gateway.url}\n`);
  const tally = options.trading ? new TradingTally(engine.bus) : undefined;
  const status = options.mode === 'live' && !options.quiet ? new StatusLine(engine, tally) : undefined;
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
    if (tally) process.stderr.write(tally.summary());
    return 0;
  } catch (error) {
    status?.stop();
    process.stderr.write(
      `enigma: ${describeError(error)}${error instanceof EngineError ? ` [${error.code}]` : ''}\n`,
    );
    return 1;
  } finally {
    clearTimeout(timer);
    lock.release();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
