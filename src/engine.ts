import { MessageBus } from './bus/bus.js';
import { LiveClock, ReplayClock, type Clock } from './core/clock.js';
import type { Micros } from './core/time.js';
import { PipelineDefinitionError } from './core/errors.js';
import {
  DEFAULT_TRADING_ACCOUNTS,
  startTrading,
  type TradingAccountConfig,
  type TradingHandle,
  type TradingOptions,
} from './trading.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
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
  private readonly runs: PipelineRun[] = [];
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
      pipelines: () => this.runs,
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

  /** Wires a compiled pipeline onto the engine's bus; it starts with `start()`. */
  add(pipeline: CompiledPipeline): PipelineRun {
    const run = instantiatePipeline(pipeline, {
      clock: this.clock,
      bus: this.bus,
      mode: this.options.mode,
      dataDir: this.options.dataDir,
      featureEngine: this.featureEngine,
      accounts: this.accounts,
      ...(this.store && { store: this.store }),
      ...(this.options.progress && { progress: this.options.progress }),
    });
    this.runs.push(run);
    return run;
  }

  get pipelines(): readonly PipelineRun[] {
    return this.runs;
  }

  start(): void {
    this.logger.child({ component: 'engine' }).info(
      {
        mode: this.options.mode,
        pipelines: this.runs.map((run) => run.id),
        accounts: this.trading ? this.accounts.map((account) => account.id) : [],
        ...(this.gateway && { url: this.gateway.url }),
      },
      `engine started: ${this.options.mode}, ${String(this.runs.length)} pipeline(s)`,
    );
    for (const run of this.runs) run.start();
  }

  /** Ends the sources; data in flight drains and sinks flush. Resolves with the final metrics. */
  async stop(): Promise<PipelineMetricsSnapshot[]> {
    for (const run of this.runs) run.stop();
    return this.finished();
  }

  /** Resolves when every pipeline has ended by itself (finite sources) or been stopped. */
  async finished(): Promise<PipelineMetricsSnapshot[]> {
    try {
      return await Promise.all(this.runs.map((run) => run.done));
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
      await this.store?.close();
      this.bus.close();
      if (!this.stoppedLogged) {
        this.stoppedLogged = true;
        this.logger.child({ component: 'engine' }).info('engine stopped: drained and flushed');
      }
    }
  }

  metrics(): PipelineMetricsSnapshot[] {
    return this.runs.map((run) => run.metrics());
  }
}
