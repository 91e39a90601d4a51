import { monitorEventLoopDelay, performance, type IntervalHistogram } from 'node:perf_hooks';
import type { Subscription } from 'rxjs';
import { periodOf, type PeriodKind } from '../../analytics/index.js';
import { TOPICS } from '../../bus/topics.js';
import { EngineError } from '../../core/errors.js';
import type { Order, OrderIntent, Position } from '../../core/events.js';
import { MICROS_PER_MILLISECOND } from '../../core/time.js';
import type { Engine } from '../../engine.js';
import type { OrderProposal } from '../../risk/risk-events.js';
import { RecentBars } from './recent-bars.js';
import type { AccountView, RecentQuery, Status } from './schemas.js';
import { reportDocument } from './report-document.js';
import {
  periodReport,
  recentAlerts,
  recentDeadLetters,
  recentDecisions,
  recentFills,
  recentSignals,
} from './store-reads.js';

/** What the reads need of the engine (the API, the live stream's snapshots and tests share it). */
export type ReadableEngine = Pick<
  Engine,
  'bus' | 'clock' | 'trading' | 'store' | 'gateway' | 'accounts' | 'metrics' | 'options'
>;

export type EngineReads = ReturnType<typeof createEngineReads>;

/** JSON has no Infinity: a limit that does not exist is null. */
const finite = (value: number | undefined): number | null =>
  value !== undefined && Number.isFinite(value) ? value : null;

/** Sampled every 20 ms; Node unrefs its timer, so it never keeps the process alive. */
let loopDelay: IntervalHistogram | undefined;
function eventLoopDelay(): IntervalHistogram {
  if (!loopDelay) {
    loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
  }
  return loopDelay;
}

interface SessionSeen {
  readonly accounts: readonly string[];
  readonly connectedTs: number;
  lastEventTs: number;
}

/**
 * The one place that reads the engine's state for people: the REST API answers with these, and
 * the live stream sends them as snapshots. Engine state (status, accounts, positions, orders,
 * proposals) is read synchronously from the engines; history (fills, signals, decisions, alerts,
 * report figures) from the store, asynchronously. Nothing here is on the hot path.
 */
export function createEngineReads(engine: ReadableEngine) {
  const started = performance.now();
  const histogram = eventLoopDelay();
  // Rates are per second since the previous status read (or the start).
  let previous = { at: started, counts: new Map<string, number>() };
  const sessions = new Map<string, SessionSeen>();
  const recentBars = new RecentBars();
  const subscriptions: Subscription[] = [
    engine.bus.observe(TOPICS.bars).subscribe((bar) => recentBars.add(bar)),
    engine.bus.observe(TOPICS.ninjatraderSessions).subscribe((event) => {
      if (event.kind === 'disconnected') sessions.delete(event.sessionId);
      else if (event.kind === 'connected')
        sessions.set(event.sessionId, {
          accounts: event.accounts,
          connectedTs: event.ts,
          lastEventTs: event.ts,
        });
      else {
        const seen = sessions.get(event.sessionId);
        if (seen) seen.lastEventTs = event.ts;
      }
    }),
  ];

  function status(): Status {
    const now = performance.now();
    const seconds = Math.max((now - previous.at) / 1000, 1e-9);
    const counts = new Map<string, number>();
    const rate = (key: string, count: number): number => {
      counts.set(key, count);
      // A reloaded pipeline's counters start again from zero.
      const before = previous.counts.get(key) ?? 0;
      return (count >= before ? count - before : count) / seconds;
    };
    const pipelines = engine.metrics().map((pipeline) => ({
      pipeline: pipeline.pipeline,
      sourceMessages: pipeline.sourceMessages,
      sourcePerSecond: rate(pipeline.pipeline, pipeline.sourceMessages),
      p50Nanos: pipeline.latencyP50Nanos,
      p99Nanos: pipeline.latencyP99Nanos,
      errors: pipeline.errors,
      deadLetters: pipeline.deadLetters,
      steps: pipeline.steps.map((step) => ({
        step: step.step,
        in: step.in,
        out: step.out,
        errors: step.errors,
        deadLettered: step.deadLettered,
        inPerSecond: rate(`${pipeline.pipeline}.${step.step}`, step.in),
        p50Nanos: step.p50Nanos,
        p99Nanos: step.p99Nanos,
        maxNanos: step.maxNanos,
      })),
    }));
    previous = { at: now, counts };
    const memory = process.memoryUsage();
    const store = engine.store?.stats;
    const gateway = engine.gateway?.gateway.stats();
    const heartbeats = new Map(
      (engine.gateway?.gateway.connectedSessions() ?? []).map((session) => [
        session.sessionId,
        session.lastHeartbeatTs,
      ]),
    );
    const ms = (nanos: number): number => (Number.isFinite(nanos) ? nanos / 1e6 : 0);
    return {
      ts: engine.clock.now(),
      uptimeSeconds: (now - started) / 1000,
      mode: engine.options.mode,
      trading: engine.trading !== undefined,
      pipelines,
      memory: {
        rssBytes: memory.rss,
        heapUsedBytes: memory.heapUsed,
        heapTotalBytes: memory.heapTotal,
        externalBytes: memory.external,
      },
      eventLoopDelayMillis: {
        p50: ms(histogram.percentile(50)),
        p99: ms(histogram.percentile(99)),
        max: ms(histogram.max),
      },
      store: store
        ? {
            queueDepth: store.queueDepth,
            highWaterMark: store.highWaterMark,
            backpressured: store.backpressured,
            rowsCommitted: store.rowsCommitted,
            rejects: store.rejects,
            commitErrors: store.commitErrors,
          }
        : null,
      gateway: gateway
        ? {
            connections: gateway.connections,
            heartbeatMs: engine.gateway?.gateway.heartbeatMs ?? 0,
            sessions: [...sessions].map(([sessionId, seen]) => ({
              sessionId,
              accounts: [...seen.accounts],
              connectedTs: seen.connectedTs,
              lastEventTs: seen.lastEventTs,
              lastHeartbeatTs: heartbeats.get(sessionId) ?? null,
            })),
          }
        : null,
    };
  }

  function account(id: string): AccountView | undefined {
    const risk = engine.trading?.risk;
    const state = risk?.riskState(id);
    const compliance = risk?.compliance(id);
    const limits = risk?.limits(id);
    const evaluator = risk?.evaluator(id);
    if (!risk || !state || !compliance || !limits || !evaluator) return undefined;
    const consistency = evaluator.consistency();
    const halt = risk.haltOf(id);
    const config = engine.accounts.find((candidate) => candidate.id === id);
    return {
      id,
      broker: config?.broker ?? 'paper',
      profile: evaluator.profile.id,
      mode: risk.mode(id) ?? evaluator.profile.automation.defaultMode,
      state: state.state,
      reasons: [...state.reasons],
      health: state.health,
      balance: compliance.balance,
      equity: compliance.equity,
      threshold: finite(compliance.threshold),
      drawdownRoom: finite(limits.drawdownRoom),
      drawdownLimit: finite(evaluator.profile.rules.trailingDrawdown?.amount),
      dailyPnl: compliance.dailyPnl,
      dailyLossRoom: finite(limits.dailyLossRoom),
      dailyLossLimit: finite(evaluator.profile.rules.dailyLoss?.amount),
      contractLimit: finite(limits.contractLimit),
      openMinis: limits.openMinis,
      consistency: consistency
        ? {
            totalProfit: consistency.totalProfit,
            bestDay: consistency.bestDay,
            bestDayShare: finite(consistency.bestDayShare),
            maxBestDayShare: consistency.maxBestDayShare,
            passes: consistency.passes,
          }
        : null,
      halt: halt ? { kind: halt.kind, reason: halt.reason, by: halt.by, ts: halt.ts } : null,
    };
  }

  function accounts(): AccountView[] {
    return (engine.trading?.accounts() ?? []).flatMap((id) => account(id) ?? []);
  }

  function positions(): Position[] {
    const trading = engine.trading;
    if (!trading) return [];
    return trading.accounts().flatMap((id) => {
      const broker = trading.paper.accounts().includes(id) ? trading.paper : trading.ninjaTrader;
      return (broker?.positions(id) ?? []).filter((position) => position.quantity !== 0);
    });
  }

  /** Orders that can still fill. */
  function orders(): Order[] {
    return engine.trading?.orders.liveOrders() ?? [];
  }

  function proposals(): { id: string; ts: number; expiresAt: number; intent: OrderIntent }[] {
    return (engine.trading?.risk.pendingProposals() ?? []).map((proposal: OrderProposal) => ({
      id: proposal.id,
      ts: proposal.ts,
      expiresAt: proposal.expiresAt,
      intent: proposal.intent,
    }));
  }

  /** The store, or undefined when the engine keeps no history. */
  const history = () => engine.store;

  function report(kind: PeriodKind, date?: string) {
    const store = engine.store;
    if (!store) return undefined;
    const day = date ?? new Date(engine.clock.now() / MICROS_PER_MILLISECOND).toISOString().slice(0, 10);
    const capital = engine.accounts.reduce((total, config) => {
      const profile = engine.trading?.risk.evaluator(config.id)?.profile;
      return total + (config.startingBalance ?? profile?.account.startingBalance ?? 0);
    }, 0);
    return periodReport(store, periodOf(kind, day), capital > 0 ? capital : 100_000, engine.clock.now());
  }

  /** The report being rendered: one at a time, as each runs the whole analytics on the store's threads. */
  let rendering: Promise<string> | undefined;

  /**
   * The HTML report of the period (as `enigma report` renders it), or undefined without a store.
   * Throws API_BUSY while another is being rendered.
   */
  function reportHtml(kind: PeriodKind, date?: string): Promise<string> | undefined {
    const store = engine.store;
    if (!store) return undefined;
    if (rendering)
      throw new EngineError(
        'API_BUSY',
        'a report is being rendered already: one at a time, so that reports never hold up the store; ask again when it is done',
      );
    const now = engine.clock.now() / MICROS_PER_MILLISECOND;
    const period = periodOf(kind, date ?? new Date(now).toISOString().slice(0, 10));
    const profiles = new Map(
      engine.accounts.flatMap((config) => {
        const profile = engine.trading?.risk.evaluator(config.id)?.profile;
        return profile ? [[config.id, profile] as const] : [];
      }),
    );
    const pending = reportDocument(store, period, { profiles }, new Date(now).toISOString()).finally(() => {
      rendering = undefined;
    });
    rendering = pending;
    return pending;
  }

  return {
    status,
    account,
    accounts,
    positions,
    orders,
    proposals,
    fills: (query: RecentQuery) => withStore(history(), (store) => recentFills(store, query)),
    signals: (query: RecentQuery) => withStore(history(), (store) => recentSignals(store, query)),
    decisions: (query: RecentQuery) => withStore(history(), (store) => recentDecisions(store, query)),
    alerts: (query: RecentQuery) => withStore(history(), (store) => recentAlerts(store, query)),
    deadLetters: (query: RecentQuery) => withStore(history(), (store) => recentDeadLetters(store, query)),
    report,
    reportHtml,
    /** The newest bars of an instrument seen on the bus since the engine started, newest first. */
    bars: (symbol: string, limit?: number) => recentBars.latest(symbol, limit),
    /** Stops following the gateway's sessions and the bars. */
    close(): void {
      for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
    },
  };
}

/** Undefined (no history kept) or the read's result. */
function withStore<S, T>(store: S | undefined, read: (store: S) => Promise<T>): Promise<T> | undefined {
  return store === undefined ? undefined : read(store);
}
