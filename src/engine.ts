import { MessageBus } from './bus/bus.js';
import { LiveClock, ReplayClock, type Clock } from './core/clock.js';
import type { Micros } from './core/time.js';
import { describeError, EngineError, PipelineDefinitionError } from './core/errors.js';
import {
  DEFAULT_TRADING_ACCOUNTS,
  startTrading,
  type TradingAccountConfig,
  type TradingHandle,
  type TradingOptions,
} from './trading.js';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { SILENT_LOGGER, type Logger } from './core/log/logger.js';
import { registerSecret } from './core/log/secrets.js';
import { attachGateway, type AttachedGateway } from './gateway/attach-gateway.js';
import { mountApi, type MountedApi } from './server/api/index.js';
import { createEngineApp } from './server/http-server.js';
import { mountDashboard } from './server/dashboard/index.js';
import { loadFeatureEngine } from './kernels/engine.js';
import { recordAudit, recordTokenChanges } from './server/auth/audit.js';
import { TokenRegistry } from './server/auth/token-registry.js';
import { Store } from './store/store.js';
import type { AlertsConfig } from './alerts/alerts-config.js';
import { Notifier } from './alerts/notifier.js';
import { profileLimits } from './alerts/profile-limits.js';
import type { MetricsReader } from './alerts/metrics-reader.js';
import { TOPICS } from './bus/topics.js';
import type { Authenticate } from './server/auth/roles.js';
import {
  attachStream,
  engineSnapshots,
  type StreamHandle,
  type StreamOptions,
} from './server/stream/index.js';
import { createEngineMetrics, mountMetrics, type EngineMetrics } from './server/metrics/index.js';
import { createRegistry } from './operators/index.js';
import {
  simulatedMarket,
  simulatedSessionClock,
  type SimulatedMarketParams,
} from './operators/simulated-market.js';
import { checkPipeline, type CompiledPipeline } from './pipeline/compile.js';
import type { StepDefinition } from './pipeline/definition.js';
import { loadPipelineFile, loadUserModules, type PipelineSource } from './pipeline/load.js';
import type { FeatureEngine } from './pipeline/operator.js';
import type { OperatorRegistry } from './pipeline/registry.js';
import { instantiatePipeline, type PipelineMetricsSnapshot, type PipelineRun } from './pipeline/runtime.js';
import { PipelineFolders } from './pipeline/pipeline-folders.js';
import { PipelineSet, type PipelineInfo } from './pipeline/pipeline-set.js';

/**
 * The composition root: one bus, one clock and the pipelines that run on them. Engines (store,
 * gateway, risk, execution) attach to the same bus; nothing here calls them directly.
 */

export interface PreparedPipeline {
  readonly compiled: CompiledPipeline;
  readonly registry: OperatorRegistry;
}

/**
 * Loads a pipeline file with its user modules and compiles it. Throws a PipelineDefinitionError
 * listing every problem. `replaceTickSource` swaps the pipeline's tick source (for replays).
 */
export async function preparePipeline(
  path: string,
  options: { replaceTickSource?: Pick<StepDefinition, 'op' | 'params'>; registry?: OperatorRegistry } = {},
): Promise<PreparedPipeline> {
  let source = await loadPipelineFile(path);
  const registry = options.registry?.clone() ?? createRegistry();
  const { modules, issues } = await loadUserModules(source);
  const functions = new Map<string, (message: unknown) => unknown>();
  for (const module of modules) {
    for (const operator of module.operators) {
      if (registry.get(operator.name)) {
        issues.push({
          code: 'PIPELINE_DUPLICATE_OPERATOR',
          file: source.file,
          message: `a module registers '${operator.name}', which already exists`,
        });
      } else {
        registry.register(operator);
      }
    }
    for (const [name, fn] of Object.entries(module.functions)) functions.set(name, fn);
  }
  if (options.replaceTickSource) source = replaceTickSources(source, registry, options.replaceTickSource);
  const checked = checkPipeline(source, { registry, functions });
  const all = [...issues, ...checked.issues];
  if (all.length > 0 || !checked.compiled) throw new PipelineDefinitionError(all);
  return { compiled: checked.compiled, registry };
}

/** Swaps every source step that emits ticks for another source, keeping ids and wiring. */
export function replaceTickSources(
  source: PipelineSource,
  registry: OperatorRegistry,
  replacement: Pick<StepDefinition, 'op' | 'params'>,
): PipelineSource {
  let replaced = 0;
  const steps = (source.definition.steps ?? []).map((step) => {
    const operator = registry.get(step.op);
    if (operator?.kind !== 'source') return step;
    const output = typeof operator.output === 'function' ? undefined : operator.output;
    if (output !== 'tick') return step;
    replaced++;
    return { id: step.id, op: replacement.op, params: replacement.params ?? {} };
  });
  if (replaced === 0) {
    throw new PipelineDefinitionError([
      {
        code: 'PIPELINE_NO_SOURCE',
        file: source.file,
        message: 'the pipeline has no tick source (simulatedMarket, csvReplay) to replay into',
      },
    ]);
  }
  return { ...source, definition: { ...source.definition, steps } };
}

/**
 * The feature engine: fused WebAssembly kernels for groups big enough to gain from them (the
 * TypeScript kernels below that), or the TypeScript reference alone with `--no-wasm`.
 */
export async function createFeatureEngine(wasm: boolean): Promise<FeatureEngine> {
  return loadFeatureEngine({ wasm });
}

/**
 * The engine's clock. Replays: the time of the replayed messages. A live run of a pipeline whose
 * market is simulated: that market's session clock (a weekday session, `speed` times real time,
 * from `start` when given), so the risk engine judges trading hours and an intent's age by market
 * time; but an engine linked to NinjaTrader (`realTime`) keeps the wall clock, as any other live run.
 */
export function createEngineClock(
  mode: 'live' | 'replay',
  pipeline: CompiledPipeline,
  options: { readonly start?: Micros; readonly realTime?: boolean } = {},
): Clock {
  if (mode === 'replay') return new ReplayClock();
  const market = pipeline.steps.find((step) => step.operator === simulatedMarket);
  if (!market || options.realTime === true) return new LiveClock();
  return simulatedSessionClock(market.params as SimulatedMarketParams, {
    ...(options.start !== undefined && { start: options.start }),
    wall: new LiveClock(),
  });
}

/** The gateway's ledger of NinjaTrader fill ids already applied, in the data directory. */
export const NINJATRADER_FILLS_FILE_NAME = 'ninjatrader-fills.jsonl';

export interface EngineOptions {
  readonly mode: 'live' | 'replay';
  /** Default: the wall clock live, the replayed messages' time in replays (see createEngineClock). */
  readonly clock?: Clock;
  readonly dataDir: string;
  readonly wasm: boolean;
  readonly progress?: (done: number, total: number) => void;
  /**
   * The configured accounts (enigma.yaml): what the sizing steps route signals to and, with
   * `trading`, what trades. Default: the embedded one paper account `SIM-50K`.
   */
  readonly accounts?: readonly TradingAccountConfig[];
  /** Start the risk engine, order manager and brokers (paper by default) on the bus. */
  readonly trading?: Omit<TradingOptions, 'dataDir'>;
  /**
   * Serve the NinjaTrader gateway (WebSocket at /v1/stream) on this address, with this bearer
   * token (default: the ENIGMA_TOKEN environment variable).
   */
  readonly listen?: { readonly host: string; readonly port: number; readonly token?: string };
  /** Keep everything on the bus in this DuckDB file; the gateway then acks what is stored. */
  readonly storePath?: string;
  /** Alert rules and channels (enigma.yaml `alerts`): notifications to phones, chats, webhooks. */
  readonly alerts?: AlertsConfig;
  /** The engine's logger (`createEngineLogger`); each part takes a child. Default: silent. */
  readonly logger?: Logger;
  /**
   * Limits of the live stream at /api/v1/stream (served whenever the engine listens), and its
   * snapshots (default: the API's reads).
   */
  readonly stream?: Partial<Omit<StreamOptions, 'server' | 'bus' | 'authenticate'>>;
  /**
   * Where the API may start pipeline files from (relative names are looked up here), with the
   * folders of the pipelines added before the start. Default: `pipelines` in the working directory.
   */
  readonly pipelineFolder?: string;
}

/** A running engine: the bus, the clock and its pipelines. */
export class Engine {
  readonly bus = new MessageBus();
  readonly clock: Clock;
  /** Risk, orders and brokers, when the engine trades. */
  readonly trading: TradingHandle | undefined;
  /** The accounts the pipelines' sizing steps route to (and that trade, with trading on). */
  readonly accounts: readonly TradingAccountConfig[];
  /** The HTTP server and NinjaTrader gateway, when the engine listens. */
  gateway: AttachedGateway | undefined;
  /** The DuckDB history, when the engine keeps one. */
  readonly store: Store | undefined;
  /** Alerts to people, when the configuration has an `alerts` section. */
  readonly notifier: Notifier | undefined;
  /** The REST API's routes and reads, when the engine listens. */
  api: MountedApi | undefined;
  /** The API's and gateway's tokens (`<data-dir>/tokens.json`), when the engine listens. */
  tokens: TokenRegistry | undefined;
  /** The live stream at /api/v1/stream, when the engine listens. */
  stream: StreamHandle | undefined;
  /** The root logger; parts take `logger.child({ component })`. */
  readonly logger: Logger;
  /** The Prometheus metrics served at `/metrics` (viewer tokens), when the engine listens. */
  prometheus: EngineMetrics | undefined;
  private readonly runs: PipelineSet;
  private readonly folders: PipelineFolders;
  private started = false;
  private stopping = false;
  private askStop: () => void = () => undefined;
  private readonly stopAsked = new Promise<void>((resolve) => (this.askStop = resolve));
  private finishing: Promise<PipelineMetricsSnapshot[]> | undefined;
  /** Pipeline starts, stops and reloads, one at a time. */
  private control: Promise<unknown> = Promise.resolve();
  /** Each run's source steps, and whether each emits market data (for `engine-silent` rules). */
  private readonly sourcesOf = new WeakMap<PipelineRun, ReadonlyMap<string, boolean>>();
  private stopMetricsReader: (() => void) | undefined;
  private stoppedLogged = false;
  private tokenWatch: NodeJS.Timeout | undefined;

  private constructor(
    readonly options: EngineOptions,
    private readonly featureEngine: FeatureEngine,
    clock: Clock,
    store: Store | undefined,
    notifier: Notifier | undefined,
  ) {
    this.clock = clock;
    this.logger = options.logger ?? SILENT_LOGGER;
    this.folders = new PipelineFolders(options.pipelineFolder ?? 'pipelines');
    this.runs = new PipelineSet({
      now: () => this.clock.now(),
      onFailure: (id, error) => {
        const message = `pipeline ${id} failed: ${describeError(error)}`;
        this.logger.child({ component: 'engine' }).error({ pipeline: id, err: error }, message);
        // A listening engine stays up without it: the trader must hear of it (alert rules, phone).
        this.bus.publish(TOPICS.alerts, {
          ts: this.clock.now(),
          severity: 'critical',
          code: error instanceof EngineError ? error.code : 'STEP_FAILED',
          message,
        });
      },
    });
    // The store listens before trading starts, so the accounts' first states are kept too.
    this.store = store;
    store?.attach(this.bus);
    this.accounts = options.trading?.accounts ?? options.accounts ?? DEFAULT_TRADING_ACCOUNTS;
    // So do the alert rules: a state change is judged against the first state.
    this.notifier = notifier;
    notifier?.attach(this.bus);
    this.trading = options.trading
      ? startTrading(this.bus, this.clock, {
          ...options.trading,
          accounts: this.accounts,
          dataDir: options.dataDir,
        })
      : undefined;
  }

  static async create(options: EngineOptions): Promise<Engine> {
    const clock = options.clock ?? (options.mode === 'live' ? new LiveClock() : new ReplayClock());
    const featureEngine = await createFeatureEngine(options.wasm);
    // Before the store opens: a missing channel secret stops the start with nothing to undo.
    const notifier =
      options.alerts === undefined
        ? undefined
        : new Notifier(options.alerts, {
            limitOf: profileLimits(options.trading?.accounts ?? options.accounts ?? DEFAULT_TRADING_ACCOUNTS),
          });
    const store =
      options.storePath === undefined ? undefined : await Store.open(options.storePath, { clock });
    const engine = new Engine(options, featureEngine, clock, store, notifier);
    if (options.listen) {
      const store = engine.store;
      mkdirSync(options.dataDir, { recursive: true });
      const tokens = TokenRegistry.open(options.dataDir);
      engine.tokens = tokens;
      // `enigma token` cannot write to the history this engine holds: the engine records its changes.
      tokens.onExternalChange((changes) => recordTokenChanges(engine.bus, engine.clock.now(), changes));
      engine.tokenWatch = setInterval(() => tokens.refresh(), 1_000).unref();
      // Every API call is logged with its request id, before any route answers it.
      const app = createEngineApp({ logger: engine.logger.child({ component: 'api' }) });
      engine.api = mountApi(app, {
        engine,
        authenticate: tokens.authenticate,
        audit: (entry) => recordAudit(engine.bus, entry),
      });
      mountDashboard(app, { logger: engine.logger.child({ component: 'dashboard' }) });
      // The gateway's token is a secret wherever it would show up in a log line.
      registerSecret(options.listen.token ?? process.env['ENIGMA_TOKEN']);
      engine.gateway = await attachGateway(engine.bus, {
        ...options.listen,
        app,
        // The registry's `addon` tokens connect, and the configured token (ENIGMA_TOKEN) too.
        authenticate: tokens.authenticate,
        clock: engine.clock,
        logger: engine.logger.child({ component: 'gateway' }),
        // Only the AddOn session that declared a NinjaTrader account may report on it (or kill it).
        ninjaTraderAccounts: engine.trading?.ninjaTraderAccounts() ?? [],
        fillLedgerPath: join(options.dataDir, NINJATRADER_FILLS_FILE_NAME),
        ...(store && {
          ackOn: 'stored' as const,
          storedWatermark: (source: string) => store.watermark(source),
          acceptedSeq: (source: string) => store.acceptedSeq(source),
          isBackpressured: () => !store.writable,
        }),
      });
      engine.servePrometheus(engine.gateway, tokens.authenticate);
      engine.stream = attachStream({
        snapshots: engineSnapshots(engine.api.reads),
        ...options.stream,
        server: engine.gateway.http.server,
        bus: engine.bus,
        authenticate: tokens.authenticate,
      });
    }
    return engine;
  }

  /**
   * Mounts `/metrics` on the engine's app. Called in the turn the server started listening, before
   * any request can be read: Hono builds its router on the first request.
   */
  private servePrometheus(attached: AttachedGateway, authenticate: Authenticate): void {
    const trading = this.trading;
    this.prometheus = createEngineMetrics({
      bus: this.bus,
      pipelines: () => this.runs.runs,
      ...(this.store && { store: this.store }),
      gateway: attached.gateway,
      ...(trading && {
        accounts: {
          ids: () => trading.accounts(),
          riskState: (account: string) => trading.riskState(account),
          limits: (account: string) => trading.risk.limits(account),
        },
      }),
    });
    mountMetrics(attached.http.app, { authenticate, registry: this.prometheus.registry });
  }

  /**
   * Wires a compiled pipeline onto the engine's bus; it starts with `start()` (at once when the
   * engine runs already). The API may then start pipeline files from its folder too.
   */
  add(pipeline: CompiledPipeline): PipelineRun {
    const file = resolve(pipeline.file);
    const fromFile = existsSync(file) && dirname(file) === resolve(pipeline.baseDir);
    if (fromFile) this.folders.allow(pipeline.baseDir);
    return this.instantiate(pipeline, fromFile ? file : undefined);
  }

  /** The current run of each pipeline, running or stopped (a reload replaces the run). */
  get pipelines(): readonly PipelineRun[] {
    return this.runs.runs;
  }

  /** Every pipeline, running or stopped: id, file, state, when it started and stopped. */
  listPipelines(): PipelineInfo[] {
    return this.runs.list();
  }

  /** The folders pipeline files may be started from (`startPipeline`, `reloadPipeline`). */
  get pipelineFolders(): readonly string[] {
    return this.folders.list;
  }

  /**
   * Compiles a pipeline file from the engine's pipeline folders and starts it. Throws a
   * PipelineDefinitionError with every problem (nothing runs then), PIPELINE_ALREADY_RUNNING.
   */
  async startPipeline(file: string): Promise<PipelineInfo> {
    return this.serialized(async () => {
      const path = this.folders.resolve(file);
      const { compiled } = await preparePipeline(path);
      this.instantiate(compiled, path);
      this.engineLog.info({ pipeline: compiled.id, file: path }, `pipeline ${compiled.id} started`);
      return this.runs.info(compiled.id);
    });
  }

  /**
   * Stops one pipeline: its sources end, what is in flight drains and its sinks flush; the engine
   * and the other pipelines go on. Resolves once it has. PIPELINE_NOT_FOUND, PIPELINE_ALREADY_STOPPED.
   */
  async stopPipeline(id: string): Promise<PipelineInfo> {
    return this.serialized(async () => {
      this.running(id);
      await this.runs.stop(id);
      this.engineLog.info({ pipeline: id }, `pipeline ${id} stopped: drained and flushed`);
      return this.runs.info(id);
    });
  }

  /**
   * Compiles the pipeline's file again (or `file`) and, only when it has no problem, stops the
   * running one and starts the new one under the same id. Any problem: a PipelineDefinitionError
   * with all of them, and the running pipeline untouched.
   */
  async reloadPipeline(id: string, file?: string): Promise<PipelineInfo> {
    return this.serialized(async () => {
      this.running(id);
      const named = file ?? this.runs.file(id);
      if (named === undefined) {
        throw new PipelineDefinitionError([
          {
            code: 'PIPELINE_FILE_UNREADABLE',
            file: id,
            message: `pipeline '${id}' was built in code, not read from a file: name the file to reload it from`,
          },
        ]);
      }
      const path = this.folders.resolve(named);
      const { compiled } = await preparePipeline(path);
      if (compiled.id !== id) {
        throw new PipelineDefinitionError([
          {
            code: 'PIPELINE_ID_MISMATCH',
            file: named,
            message: `the file defines pipeline '${compiled.id}', not '${id}': a reload keeps the id`,
          },
        ]);
      }
      const previous = { compiled: this.runs.compiled(id), file: this.runs.file(id) };
      await this.runs.stop(id);
      try {
        this.instantiate(compiled, path);
      } catch (error) {
        // The new graph could not be built: the previous definition runs again.
        if (!previous.compiled || this.stopping) throw error;
        this.instantiate(previous.compiled, previous.file);
        this.engineLog.warn(
          { pipeline: id, err: error },
          `pipeline ${id} not reloaded: ${describeError(error)}`,
        );
        throw new EngineError(
          'PIPELINE_START_FAILED',
          `${describeError(error)}; the previous definition of '${id}' runs again`,
          { cause: error },
        );
      }
      this.engineLog.info({ pipeline: id, file: path }, `pipeline ${id} reloaded`);
      return this.runs.info(id);
    });
  }

  start(): void {
    this.started = true;
    this.engineLog.info(
      {
        mode: this.options.mode,
        pipelines: this.runs.runs.map((run) => run.id),
        accounts: this.trading ? this.accounts.map((account) => account.id) : [],
        ...(this.gateway && { url: this.gateway.url }),
      },
      `engine started: ${this.options.mode}, ${String(this.runs.runs.length)} pipeline(s)`,
    );
    this.runs.startAll();
    // Rules on the engine's figures judge a live engine; a replay's pace is not the market's.
    if (this.notifier && this.options.mode === 'live')
      this.notifier.watchMetrics(() => this.metricsReader(), {
        warn: (message) => this.logger.child({ component: 'alerts' }).warn(message),
      });
  }

  /**
   * What `slo` and `engine-silent` alert rules read, once a second: the runs' own counters and
   * latency buckets, the store's stats, a count of dead letters and an event-loop delay monitor.
   */
  private metricsReader(): MetricsReader {
    let deadLetters = 0;
    const subscription = this.bus.observe(TOPICS.deadLetters).subscribe(() => deadLetters++);
    const loop = monitorEventLoopDelay({ resolution: 10 });
    loop.enable();
    this.stopMetricsReader = () => {
      subscription.unsubscribe();
      loop.disable();
    };
    const prefixed = (pipeline: string, step: string): string =>
      step.startsWith(`${pipeline}.`) ? step.slice(pipeline.length + 1) : step;
    return {
      now: () => this.clock.now(),
      pipelines: () =>
        this.runs.runs.map((run) => {
          const live = run.liveMetrics();
          const sources = this.sourcesOf.get(run);
          return {
            id: run.id,
            latency: live.latency.buckets().counts,
            steps: live.steps.map((step) => {
              const id = prefixed(run.id, step.step);
              return {
                id,
                latency: step.latency.buckets().counts,
                out: step.out,
                source: sources?.has(id) ?? false,
                marketSource: sources?.get(id) ?? false,
              };
            }),
          };
        }),
      store: () => {
        const stats = this.store?.stats;
        return stats && { backlogRows: stats.queueDepth, commitP99Millis: stats.commitMillis.p99 };
      },
      deadLetters: () => deadLetters,
      eventLoopP99Nanos: () => {
        const p99 = loop.count > 0 ? loop.percentile(99) : 0;
        loop.reset();
        return p99;
      },
    };
  }

  /** Ends the sources; data in flight drains and sinks flush. Resolves with the final metrics. */
  async stop(): Promise<PipelineMetricsSnapshot[]> {
    this.stopping = true;
    this.askStop();
    this.runs.stopAll();
    return this.finished();
  }

  /**
   * Resolves when the engine has ended, with every run's final metrics (a reloaded pipeline once
   * per version). A live engine that listens is driven through its API: it ends on `stop()`
   * (Ctrl-C, SIGTERM), not when its last pipeline stops, and a pipeline that fails is logged and
   * listed as stopped with its error. A replay, or an engine that does not listen, ends when every
   * pipeline has ended by itself (finite sources) or been stopped, and fails with the first failure.
   */
  async finished(): Promise<PipelineMetricsSnapshot[]> {
    this.finishing ??= this.finish();
    return this.finishing;
  }

  private async finish(): Promise<PipelineMetricsSnapshot[]> {
    try {
      if (this.staysUp) {
        await this.stopAsked;
        await this.runs.allEnded();
      } else {
        await this.runs.allDone();
      }
      return this.runs.finalMetrics();
    } finally {
      // The stream's clients first: they read the API's reads and the gateway's server.
      await this.stream?.close();
      this.api?.reads.close();
      clearInterval(this.tokenWatch);
      this.tokens?.refresh();
      await this.gateway?.close();
      await this.trading?.close();
      // Before the store closes, so the last delivery attempts are kept.
      await this.notifier?.close();
      this.stopMetricsReader?.();
      await this.store?.close();
      this.bus.close();
      if (!this.stoppedLogged) {
        this.stoppedLogged = true;
        this.engineLog.info('engine stopped: drained and flushed');
      }
    }
  }

  /** Messages the sources of runs replaced by a reload emitted (totals do not drop on a reload). */
  get retiredSourceMessages(): number {
    return this.runs.retiredSourceMessages;
  }

  metrics(): PipelineMetricsSnapshot[] {
    return this.runs.metrics();
  }

  /** A live engine that listens stays up when its last pipeline stops (see `finished`). */
  private get staysUp(): boolean {
    return this.options.mode === 'live' && this.gateway !== undefined;
  }

  private get engineLog(): Logger {
    return this.logger.child({ component: 'engine' });
  }

  /** Builds a run onto the bus and starts it when the engine runs; refused while the engine stops. */
  private instantiate(pipeline: CompiledPipeline, file: string | undefined): PipelineRun {
    if (this.stopping)
      throw new EngineError(
        'PIPELINE_ALREADY_STOPPED',
        `the engine is stopping: pipeline '${pipeline.id}' not started`,
      );
    if (this.runs.isRunning(pipeline.id))
      throw new EngineError('PIPELINE_ALREADY_RUNNING', `pipeline '${pipeline.id}' is running already`);
    let run: PipelineRun;
    try {
      run = instantiatePipeline(pipeline, {
        clock: this.clock,
        bus: this.bus,
        mode: this.options.mode,
        dataDir: this.options.dataDir,
        featureEngine: this.featureEngine,
        accounts: this.accounts,
        ...(this.store && { store: this.store }),
        ...(this.options.progress && { progress: this.options.progress }),
      });
    } catch (error) {
      // A step failed as it was created (a sink's file cannot be opened): the definition was fine.
      throw new EngineError(
        'PIPELINE_START_FAILED',
        `pipeline '${pipeline.id}' could not be built: ${describeError(error)}`,
        { cause: error },
      );
    }
    this.runs.add(run, pipeline, file);
    this.sourcesOf.set(
      run,
      new Map(
        pipeline.steps
          .filter((step) => step.operator.kind === 'source')
          .map((step) => [step.id, step.outputType === 'tick' || step.outputType === 'bar']),
      ),
    );
    if (this.started) this.runs.start(run.id);
    return run;
  }

  /** Throws unless `id` is a running pipeline. */
  private running(id: string): void {
    if (!this.runs.has(id)) throw new EngineError('PIPELINE_NOT_FOUND', `no pipeline '${id}'`);
    if (!this.runs.isRunning(id))
      throw new EngineError('PIPELINE_ALREADY_STOPPED', `pipeline '${id}' is stopped already`);
  }

  /** Runs pipeline changes one after another, so two reloads of one pipeline cannot interleave. */
  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const result = this.control.then(task);
    this.control = result.catch(() => undefined);
    return result;
  }
}
