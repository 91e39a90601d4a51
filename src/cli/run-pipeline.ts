import type { AlertsConfig } from '../alerts/alerts-config.js';
import { join, resolve } from 'node:path';
import { describeError, EngineError, formatIssue, PipelineDefinitionError } from '../core/errors.js';
import { SessionClock } from '../core/clock.js';
import { microsFromIso, parseDuration, type Micros } from '../core/time.js';
import {
  ConfigError,
  formatConfigIssue,
  loadEngineConfigOrDefault,
  parseListenAddress,
  type EngineConfig,
} from '../config/index.js';
import { createEngineClock, Engine, preparePipeline } from '../engine.js';
import type { CompiledPipeline } from '../pipeline/compile.js';
import { describeSessionStart } from '../sources/market-session.js';
import type { TradingAccountConfig } from '../trading.js';
import type { StepDefinition } from '../pipeline/definition.js';
import { recordAudit } from '../server/auth/audit.js';
import { createFirstAdminToken, firstAdminTokenNotice } from '../server/auth/first-run.js';
import type { TokenRegistry } from '../server/auth/token-registry.js';
import { exposureWarning } from '../server/http-server.js';
import {
  createEngineLogger,
  isLogLevel,
  LOG_LEVELS,
  type LogLevel,
  type Logger,
} from '../core/log/logger.js';
import { engineFilePath, writeEngineFile } from './engine-file.js';
import { lockDataDir } from './data-dir-lock.js';
import { EngineEventLog } from './engine-event-log.js';
import { formatSummary } from './format.js';
import { ProgressBar } from './progress-bar.js';
import { StatusLine } from './status-line.js';
import { formatRunSummary } from './run-summary.js';
import { TradingTally, tallySeedOf } from './trading-tally.js';

export interface PipelineCommandOptions {
  /** Pipeline files, run together on one engine (their ids must differ). */
  readonly pipelines: readonly string[];
  readonly mode: 'live' | 'replay';
  readonly dataDir: string;
  readonly wasm: boolean;
  /** Stop after this long (wall-clock milliseconds). */
  readonly durationMs?: number;
  readonly quiet: boolean;
  /** Run the risk engine, order manager and brokers of the accounts. */
  readonly trading: boolean;
  /** The configured accounts (enigma.yaml); default the embedded paper account SIM-50K. */
  readonly accounts?: readonly TradingAccountConfig[];
  /** Keep the history in this DuckDB file (`--store`, default `<data-dir>/enigma.duckdb` for `run`). */
  readonly storePath?: string;
  /** Serve the NinjaTrader gateway here (`--listen 127.0.0.1:8686`), with this bearer token. */
  readonly listen?: { readonly host: string; readonly port: number; readonly token?: string };
  readonly replaceTickSource?: Pick<StepDefinition, 'op' | 'params'>;
  readonly progressLabel?: string;
  /** `--start`: when the simulated market's session starts (ISO 8601), instead of now. */
  readonly start?: string;
  /** Alert rules and channels (enigma.yaml `alerts`). */
  readonly alerts?: AlertsConfig;
  /** The engine's log (`<data-dir>/logs/engine.log`): levels and size cap; defaults in createEngineLogger. */
  readonly log?: LogSettings;
}

/** Where the engine's JSON log lines go, in the data directory. */
export const LOG_FILE = join('logs', 'engine.log');

export interface LogSettings {
  /** What the file keeps (`--log-level`, `log.level`). */
  readonly level?: LogLevel;
  /** What the terminal also shows (`log.terminalLevel`). */
  readonly terminalLevel?: LogLevel;
  readonly maxBytes?: number;
  readonly files?: number;
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

/** `--log-level debug` as a level. */
export function parseLogLevelFlag(text: string): LogLevel {
  if (isLogLevel(text)) return text;
  throw new EngineError('CLI_USAGE', `--log-level takes one of ${LOG_LEVELS.join(', ')}, got '${text}'`);
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
  const address = parseListenAddress(text);
  if (!address)
    throw new EngineError('CLI_USAGE', `--listen takes host:port (127.0.0.1:8686), got '${text}'`);
  return address;
}

/** Prints an engine configuration's problems, one per line, on standard error. */
export function printConfigIssues(error: ConfigError): void {
  for (const issue of error.issues) process.stderr.write(`${formatConfigIssue(issue)}\n`);
  process.stderr.write(`${error.issues.length} problem(s) found [${error.code}]\n`);
}

/**
 * The engine configuration (`--config`, else `./enigma.yaml`, else the embedded defaults), or
 * undefined after printing its problems: the command then exits 1.
 */
export function loadConfigOrPrintIssues(file: string | undefined): EngineConfig | undefined {
  try {
    return loadEngineConfigOrDefault(file);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    printConfigIssues(error);
    return undefined;
  }
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
  const prepared = await prepareAll(options);
  if (!prepared) return 1;
  const progress = options.progressLabel ? new ProgressBar(options.progressLabel) : undefined;
  const start = options.start !== undefined ? parseStartFlag(options.start) : undefined;
  // The session clock of the first pipeline whose market is simulated, else the first one's clock.
  const timed = prepared.find((pipeline) =>
    pipeline.steps.some((step) => step.operator.name === 'simulatedMarket'),
  );
  const clock = createEngineClock(options.mode, timed ?? (prepared[0] as CompiledPipeline), {
    ...(start !== undefined && { start }),
    realTime: options.listen !== undefined,
  });
  if (start !== undefined && !(clock instanceof SessionClock)) {
    throw new EngineError(
      'CLI_USAGE',
      '--start sets the session of a simulated market: the pipeline has no simulatedMarket step, or --listen keeps real time',
    );
  }
  const dataDir = resolve(options.dataDir);
  const lock = lockDataDir(dataDir);
  // Opened once the data directory is ours: one writer per log file.
  const log = createEngineLogger({
    file: join(dataDir, LOG_FILE),
    ...(options.log?.level !== undefined && { level: options.log.level }),
    ...(options.log?.terminalLevel !== undefined && { terminalLevel: options.log.terminalLevel }),
    rotation: {
      ...(options.log?.maxBytes !== undefined && { maxBytes: options.log.maxBytes }),
      ...(options.log?.files !== undefined && { files: options.log.files }),
    },
  });
  const engineLog = log.logger.child({ component: 'engine' });
  const recorded = log.fileOnly.child({ component: 'engine' });
  if (options.trading) noteUnroutedAccounts(options.accounts, prepared, engineLog);
  if (clock instanceof SessionClock) {
    const session = describeSessionStart(clock.start);
    recorded.info({ session, speed: clock.speed }, `simulated market: session of ${session}`);
    if (!options.quiet) {
      process.stderr.write(
        `simulated market: session of ${session} at ${String(clock.speed)}× real time; the backfill before it only warms the indicators\n`,
      );
      void clock.started.then(() =>
        process.stdout.write(
          `--- ${session}: the session opens; signals above are backfill, not traded ---\n`,
        ),
      );
    }
  }
  let engine: Engine;
  try {
    engine = await Engine.create({
      clock,
      mode: options.mode,
      dataDir,
      wasm: options.wasm,
      logger: log.logger,
      ...(options.accounts && { accounts: options.accounts }),
      ...(options.trading && { trading: {} }),
      ...(options.listen && { listen: options.listen }),
      ...(options.storePath !== undefined && { storePath: resolve(options.storePath) }),
      ...(options.alerts && { alerts: options.alerts }),
      ...(progress && { progress: (done: number, total: number) => progress.update(done, total) }),
    });
  } catch (error) {
    // The command prints it for its user; the file keeps it too.
    recorded.error({ err: error, ...codeOf(error) }, `the engine did not start: ${describeError(error)}`);
    lock.release();
    log.close();
    throw error;
  }
  for (const pipeline of prepared) engine.add(pipeline);
  if (options.mode === 'live') new EngineEventLog(engine.bus, log.logger);
  const tally = options.trading ? new TradingTally(engine.bus) : undefined;
  const status = options.mode === 'live' && !options.quiet ? new StatusLine(engine, tally) : undefined;
  if (tally && engine.trading) tally.seed(tallySeedOf(engine.trading, () => engine.clock.now()));
  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void engine.stop();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    if (stopping) process.exit(130);
    recorded.info({ signal }, `stopping on ${signal}: draining and flushing`);
    process.stderr.write('\nstopping: draining and flushing (Ctrl-C again to exit at once)\n');
    stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Only once Ctrl-C drains and flushes: a client that reads `listening` may stop the engine at once.
  let engineFile: { remove(): void } | undefined;
  if (engine.gateway) {
    const warning = exposureWarning(engine.gateway.http.host);
    if (warning !== undefined) engineLog.warn({ host: engine.gateway.http.host }, warning);
    if (engine.tokens) announceTokens(engine, engine.tokens, engine.gateway.url, options.listen?.token);
    engineFile = announceEngine(dataDir, engine.gateway.url, engineLog);
    process.stdout.write(`listening ${engine.gateway.url}\n`);
  }
  const timer = options.durationMs !== undefined ? setTimeout(stop, options.durationMs) : undefined;
  const started = performance.now();
  status?.start();
  engine.start();
  try {
    const metrics = await engine.finished();
    status?.stop();
    process.stderr.write(formatSummary(metrics, (performance.now() - started) / 1000));
    if (tally && engine.trading)
      tally.refreshPositions(tallySeedOf(engine.trading, () => engine.clock.now()));
    if (tally) process.stderr.write(formatRunSummary(tally.snapshot()));
    return 0;
  } catch (error) {
    status?.stop();
    recorded.error({ err: error, ...codeOf(error) }, `the engine failed: ${describeError(error)}`);
    process.stderr.write(
      `enigma: ${describeError(error)}${error instanceof EngineError ? ` [${error.code}]` : ''}\n`,
    );
    return 1;
  } finally {
    clearTimeout(timer);
    engineFile?.remove();
    lock.release();
    log.close();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

const codeOf = (error: unknown): { code?: string } =>
  error instanceof EngineError ? { code: error.code } : {};

/**
 * The first run's admin token, printed once on standard output (never logged, never shown
 * again; the audit log records that it was made), and a note when no AddOn could connect.
 */
function announceTokens(
  engine: Engine,
  tokens: TokenRegistry,
  url: string,
  configured: string | undefined,
): void {
  const created = createFirstAdminToken(tokens);
  if (created) {
    process.stdout.write(firstAdminTokenNotice(created.name, created.token, url));
    recordAudit(engine.bus, {
      ts: engine.clock.now(),
      principal: 'engine',
      role: 'local',
      action: 'token.create',
      target: created.name,
      outcome: 'ok',
      detail: 'role admin, first run',
    });
  }
  if (configured === undefined && process.env['ENIGMA_TOKEN'] === undefined && !tokens.hasRole('addon'))
    process.stderr.write(
      'note: the NinjaTrader AddOn cannot connect yet: no addon token (enigma token create --role addon --name ninjatrader, or set ENIGMA_TOKEN)\n',
    );
}

/**
 * `<data-dir>/engine.json` for `enigma kill`, `resume`, `confirm`, `reject` and `proposals`, which
 * then go through the API. An engine that cannot write it still runs; those commands then use
 * the files, as without an API.
 */
function announceEngine(dataDir: string, url: string, logger: Logger): { remove(): void } | undefined {
  try {
    return writeEngineFile(dataDir, url);
  } catch (error) {
    logger.warn(
      { err: error },
      `${engineFilePath(dataDir)} cannot be written: enigma kill and confirm will use the data directory's files, not the API`,
    );
    return undefined;
  }
}

/** Every pipeline compiled, or undefined after printing every problem of every file. */
async function prepareAll(options: PipelineCommandOptions): Promise<CompiledPipeline[] | undefined> {
  const compiled: CompiledPipeline[] = [];
  let failed = false;
  for (const pipeline of options.pipelines) {
    try {
      const prepared = await preparePipeline(
        pipeline,
        options.replaceTickSource ? { replaceTickSource: options.replaceTickSource } : {},
      );
      compiled.push(prepared.compiled);
    } catch (error) {
      if (!(error instanceof PipelineDefinitionError)) throw error;
      printIssues(error);
      failed = true;
    }
  }
  const ids = compiled.map((pipeline) => pipeline.id);
  const twice = ids.filter((id, index) => ids.indexOf(id) !== index);
  if (twice.length > 0) {
    process.stderr.write(
      `two pipelines have the id '${twice[0]}': each pipeline run together needs its own id\n`,
    );
    failed = true;
  }
  return failed ? undefined : compiled;
}

/** Says so when an account's `pipelines` names none of the pipelines running: it will not trade. */
function noteUnroutedAccounts(
  accounts: readonly TradingAccountConfig[] | undefined,
  pipelines: readonly CompiledPipeline[],
  logger: Logger,
): void {
  const running = new Set(pipelines.map((pipeline) => pipeline.id));
  for (const account of accounts ?? []) {
    if (account.pipelines && !account.pipelines.some((id) => running.has(id))) {
      logger.warn(
        { account: account.id, pipelines: account.pipelines },
        `account ${account.id} trades pipelines ${account.pipelines.join(', ')}, none of which is running`,
      );
    }
  }
}
