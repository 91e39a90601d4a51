import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Subscription } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import type { MessageBus } from '../bus/bus.js';
import { TOPICS, type NinjaTraderCommand } from '../bus/topics.js';
import { LiveClock, type Clock } from '../core/clock.js';
import type { ErrorCode } from '../core/error-codes.js';
import { GatewayError } from '../core/errors.js';
import type { ContractSpec } from '../core/instruments.js';
import type { Logger } from '../core/log/logger.js';
import { clientSource } from '../core/market-source.js';
import { MICROS_PER_MILLISECOND } from '../core/time.js';
import { AccountOwnership } from './account-ownership.js';
import { CLOSE_CODES } from './close-codes.js';
import { FillLedger } from './fill-ledger.js';
import { GatewayConnection, type ConnectionContext, type GatewayCounters } from './connection.js';
import { InboundTranslator } from './inbound-translator.js';
import { commandMessage, stateMessage } from './outbound-translator.js';
import { ClientMessageValidator } from './protocol/codec.js';
import type { HelloMessage } from './protocol/schemas.js';
import { GatewaySession, type AckPolicy } from './session.js';
import { GATEWAY_SUBPROTOCOL, refuseUpgrade, tokenWeakness, UpgradeGuard } from './upgrade-guard.js';
import { anyOf, fixedToken } from '../server/auth/combine-authenticators.js';
import { throttleOf } from '../server/auth/failed-auth-throttle.js';
import type { Authenticate } from '../server/auth/roles.js';

export const GATEWAY_PATH = '/v1/stream';

export interface GatewayOptions {
  /** The engine's HTTP server (src/server/); the gateway handles its upgrades to `/v1/stream`. */
  readonly server: Server;
  readonly bus: MessageBus;
  /**
   * A fixed bearer token clients may present, as a token of role `addon`; default
   * `process.env.ENIGMA_TOKEN`. Never logged. Optional when `authenticate` is given.
   */
  readonly token?: string;
  /**
   * Finds the holder of a presented token (the token registry, src/server/auth/): any token of
   * role `addon` may connect, besides `token`. A person's token (viewer, trader, admin) gets 403.
   */
  readonly authenticate?: Authenticate;
  readonly clock?: Clock;
  /** Logs refused connections (address and code, never the token presented). Default: silent. */
  readonly logger?: Logger;
  /** `stored` (a store publishes watermarks on `store.watermarks`) or `accepted`. Default `accepted`. */
  readonly ackOn?: AckPolicy;
  /** Browser origins allowed to connect; requests with any other `Origin` get 403. Default none. */
  readonly allowedOrigins?: readonly string[];
  readonly maxPayload?: number;
  readonly heartbeatMs?: number;
  readonly helloTimeoutMs?: number;
  readonly maxMessagesPerSecond?: number;
  readonly maxRejectsPerSecond?: number;
  /** Unread engine → client bytes before a connection is closed as a slow consumer. */
  readonly maxBufferedBytes?: number;
  /** Accepted-but-unstored messages per session before reading pauses (with `ackOn: 'stored'`). */
  readonly maxUnstored?: number;
  /** Engine → client messages kept per session for resend. */
  readonly outboundWindow?: number;
  readonly maxConnections?: number;
  /** How long a disconnected session is kept for resume. */
  readonly sessionTtlMs?: number;
  /**
   * Disconnected sessions kept for resume at most; past it the oldest with nothing waiting to be
   * resent is forgotten first (a client reconnecting over and over must not make the engine hold a
   * session per connection for the whole time to live).
   */
  readonly maxRetainedSessions?: number;
  readonly instruments?: ReadonlyMap<string, ContractSpec>;
  readonly serverVersion?: string;
  /**
   * True while a queue downstream is full (e.g. `() => !store.writable`): checked after every
   * frame; while it holds, no connection is read, and reading resumes once it clears.
   */
  readonly isBackpressured?: () => boolean;
  /**
   * The store's committed watermark of an edge source (`(source) => store.watermark(source)`): a
   * client resuming a session this engine does not know (it restarted) resumes it from there.
   */
  readonly storedWatermark?: (source: string) => number;
  /**
   * The highest seq of an edge source the store has taken in, committed or not
   * (`(source) => store.acceptedSeq(source)`): a restored session treats seqs up to it as handled
   * (their resend is a duplicate, never stored twice) while its acks still wait for the commit.
   */
  readonly acceptedSeq?: (source: string) => number;
  /**
   * Accounts the engine trades through NinjaTrader (broker `ninjatrader`): a session may report
   * account state, positions, orders and fills, or send `kill`, only for these (and only those it
   * declared in `hello`). Default none.
   */
  readonly ninjaTraderAccounts?: readonly string[];
  /** Where accepted fill ids are kept across restarts (`<data-dir>/ninjatrader-fills.jsonl`). */
  readonly fillLedgerPath?: string;
}

export interface GatewayStats extends GatewayCounters {
  readonly connections: number;
  readonly sessions: number;
  /** Refused messages whose raw text was not kept (past a session's per-second budget). */
  readonly rejectsNotKept: number;
}

/** One AddOn connection that has said hello, as the status route shows it. */
export interface ConnectedSession {
  readonly sessionId: string;
  readonly accounts: readonly string[];
  /** Clock time of its last heartbeat (WebSocket pong or application ping); undefined before the first. */
  readonly lastHeartbeatTs: number | undefined;
}

/** A running gateway. Commands reach it on the `ninjatrader.commands` topic (or `send`). */
export interface Gateway {
  readonly path: string;
  /** How often each connection is pinged; a peer that has not answered by the next beat is terminated. */
  readonly heartbeatMs: number;
  stats(): GatewayStats;
  /** The sessions connected now, with their last heartbeat (read on demand, off the message path). */
  connectedSessions(): ConnectedSession[];
  /** Routes a command to the session trading its account; false when none does (dead-lettered). */
  send(command: NinjaTraderCommand): boolean;
  /** The pipelines' queue is full: stop reading every connection until `resumeReading`. */
  pauseReading(): void;
  resumeReading(): void;
  /** Closes every connection with 1001 (clients resume elsewhere) and detaches from the server. */
  close(): Promise<void>;
}

export const GATEWAY_DEFAULTS = {
  ackOn: 'accepted',
  maxPayload: 262_144,
  heartbeatMs: 5_000,
  helloTimeoutMs: 5_000,
  maxMessagesPerSecond: 500_000,
  maxRejectsPerSecond: 100,
  maxBufferedBytes: 8 * 1024 * 1024,
  maxUnstored: 100_000,
  outboundWindow: 10_000,
  maxConnections: 16,
  sessionTtlMs: 15 * 60 * 1000,
  maxRetainedSessions: 256,
} as const;

/**
 * Who may connect: the registry's `addon` tokens and the configured token (ENIGMA_TOKEN), which
 * must be strong when set. Throws GATEWAY_NO_TOKEN when there is neither, GATEWAY_WEAK_TOKEN for
 * a weak configured token.
 */
function gatewayAuthenticate(token: string | undefined, registry: Authenticate | undefined): Authenticate {
  if (token === undefined || token === '') {
    if (registry) return registry;
    throw new GatewayError(
      'GATEWAY_NO_TOKEN',
      'set ENIGMA_TOKEN to the bearer token the NinjaTrader AddOn will present',
    );
  }
  const weakness = tokenWeakness(token);
  if (weakness !== undefined) throw new GatewayError('GATEWAY_WEAK_TOKEN', `ENIGMA_TOKEN: ${weakness}`);
  return registry ? anyOf(registry, fixedToken(token)) : fixedToken(token);
}

/** Remembers sent client order ids so an order is never sent twice; bounded, oldest forgotten first. */
class SentOrderIds {
  private readonly ids = new Set<string>();
  constructor(private readonly capacity: number) {}

  /** True the first time an id is seen. */
  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.capacity) this.ids.delete(this.ids.values().next().value as string);
    return true;
  }
}

/**
 * Starts the NinjaTrader gateway on the engine's HTTP server: WebSocket protocol v1 at
 * `/v1/stream` (docs/protocol.md). Inbound messages become domain events and `edge.received`
 * envelopes on the bus; `ninjatrader.commands` and `risk.states` go out to the AddOn.
 */
export function startGateway(options: GatewayOptions): Gateway {
  const authenticate = gatewayAuthenticate(
    options.token ?? process.env['ENIGMA_TOKEN'],
    options.authenticate,
  );
  const settings = { ...GATEWAY_DEFAULTS, ...definedOnly(options) };
  const { bus, server } = options;
  const clock = options.clock ?? new LiveClock();
  const publishAlert = bus.publisher(TOPICS.alerts);
  const guard = new UpgradeGuard(
    authenticate,
    new Set(settings.allowedOrigins ?? []),
    (address) =>
      publishAlert({
        ts: clock.now(),
        severity: 'warning',
        code: 'GATEWAY_AUTH_THROTTLED',
        message: `too many failed authentications from ${address}: its upgrades are refused with 429 for a while`,
      }),
    // The registry's throttle: the API's middleware over the same registry counts in the same buckets.
    throttleOf(options.authenticate ?? authenticate),
  );
  const publishDeadLetter = bus.publisher(TOPICS.deadLetters);
  const publishReceived = bus.publisher(TOPICS.received);
  const publishSession = bus.publisher(TOPICS.ninjatraderSessions);
  const sessions = new Map<string, GatewaySession>();
  const sessionsBySource = new Map<string, GatewaySession>();
  const sessionsByAccount = new Map<string, GatewaySession>();
  const connections = new Set<GatewayConnection>();
  /** Sessions without a connection, in the order they lost it. */
  const disconnected = new Set<GatewaySession>();
  const sentOrderIds = new SentOrderIds(100_000);
  const fillLedger = new FillLedger(options.fillLedgerPath);
  const ownership = new AccountOwnership(new Set(options.ninjaTraderAccounts ?? []), fillLedger);
  let pipelineFull = false;
  /** Why the store cannot write, while it cannot (from `store.health`). */
  let storeTrouble: string | undefined;
  /** Refused raw texts not kept by sessions already forgotten. */
  let forgottenNotKept = 0;
  let closed = false;
  let closing: Promise<void> | undefined;
  const counters: GatewayCounters = {
    accepted: 0,
    rejected: 0,
    duplicates: 0,
    gaps: 0,
    throttled: 0,
    backpressurePauses: 0,
    heartbeatTimeouts: 0,
    slowConsumers: 0,
    floods: 0,
    storeRefused: 0,
  };

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: settings.maxPayload,
    perMessageDeflate: false,
    clientTracking: false,
    // The guard has refused any offer without it; answer with it when it was offered.
    handleProtocols: (offered) => (offered.has(GATEWAY_SUBPROTOCOL) ? GATEWAY_SUBPROTOCOL : false),
  });

  const context: ConnectionContext = {
    clock,
    validator: new ClientMessageValidator(),
    translator: new InboundTranslator(bus, options.instruments),
    counters,
    publishDeadLetter,
    publishSession,
    ownership,
    publishRiskCommand: bus.publisher(TOPICS.riskCommands),
    heartbeatMs: settings.heartbeatMs,
    maxPayload: settings.maxPayload,
    maxMessagesPerSecond: settings.maxMessagesPerSecond,
    maxRejectsPerSecond: settings.maxRejectsPerSecond,
    maxBufferedBytes: settings.maxBufferedBytes,
    serverVersion: settings.serverVersion ?? '0.1.0',
    pipelineFull: () => pipelineFull,
    afterFrame: options.isBackpressured === undefined ? undefined : () => checkBackpressure(),
    storeTrouble: () => storeTrouble,
    recordFailed: (reason) =>
      publishAlert({ ts: clock.now(), severity: 'critical', code: 'STORE_UNAVAILABLE', message: reason }),
    openSession(hello: HelloMessage) {
      const wanted = hello.session_id;
      let session = wanted === undefined ? undefined : sessions.get(wanted);
      const resumed = session !== undefined;
      let restored = false;
      if (session === undefined) {
        // After an engine restart the store still knows how far a session got: continue it there.
        const source = wanted === undefined ? undefined : clientSource(wanted);
        const stored = source === undefined ? 0 : (options.storedWatermark?.(source) ?? 0);
        const taken = source === undefined ? 0 : Math.max(stored, options.acceptedSeq?.(source) ?? 0);
        restored = wanted !== undefined && taken > 0;
        session = new GatewaySession(
          restored && wanted !== undefined ? wanted : randomUUID(),
          settings.ackOn,
          settings.maxUnstored,
          settings.outboundWindow,
          clock,
          publishReceived,
          restored ? { handledSeq: taken, ackableSeq: stored, outboundSeq: hello.last_seq } : undefined,
        );
        sessions.set(session.id, session);
        sessionsBySource.set(session.source, session);
      }
      disconnected.delete(session);
      const previous = session.connection;
      if (previous instanceof GatewayConnection) {
        previous.session = undefined;
        previous.fail('GATEWAY_SESSION_REPLACED', 'another connection resumed this session', undefined);
      }
      session.accounts = [...hello.accounts];
      for (const account of hello.accounts) sessionsByAccount.set(account, session);
      return { session, resumed: resumed || restored, restored };
    },
    connectionClosed(connection: GatewayConnection) {
      connections.delete(connection);
      const session = connection.session;
      if (session && session.connection === connection) {
        session.connection = undefined;
        session.disconnectedAt = clock.now();
        disconnected.add(session);
        if (disconnected.size > settings.maxRetainedSessions) forgetOldestDisconnected();
        publishSession({
          kind: 'disconnected',
          sessionId: session.id,
          accounts: session.accounts,
          ts: clock.now(),
        });
      }
    },
  };

  function handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== GATEWAY_PATH) {
      if (server.listenerCount('upgrade') === 1)
        refuseUpgrade(socket, { status: 404, code: 'GATEWAY_NOT_FOUND' });
      return;
    }
    const refusal = guard.check(request);
    if (refusal) {
      const address = request.socket.remoteAddress ?? 'unknown';
      options.logger?.warn(
        { address, status: refusal.status, code: refusal.code },
        `refused a connection from ${address}: ${refusal.code}`,
      );
      refuseUpgrade(socket, refusal);
      return;
    }
    if (closed || connections.size >= settings.maxConnections) {
      refuseUpgrade(socket, { status: 503, code: 'GATEWAY_UNAVAILABLE' });
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws: WebSocket) => {
      const connection = new GatewayConnection(ws, context, settings.helloTimeoutMs);
      connections.add(connection);
      if (pipelineFull) connection.checkPipeline();
    });
  }
  server.on('upgrade', handleUpgrade);

  const heartbeat = setInterval(() => {
    for (const connection of connections) connection.heartbeat();
    const expiredBefore = clock.now() - settings.sessionTtlMs * MICROS_PER_MILLISECOND;
    for (const session of sessions.values()) {
      if (session.disconnectedAt !== undefined && session.disconnectedAt < expiredBefore) forget(session);
    }
  }, settings.heartbeatMs);
  heartbeat.unref();

  // Polls the downstream queue while it is full; reading resumes when it drains.
  let backpressureTimer: NodeJS.Timeout | undefined;
  function checkBackpressure(): void {
    const isBackpressured = options.isBackpressured;
    if (backpressureTimer !== undefined || isBackpressured === undefined || !isBackpressured()) return;
    setPipelineFull(true);
    backpressureTimer = setInterval(() => {
      if (isBackpressured()) return;
      clearInterval(backpressureTimer);
      backpressureTimer = undefined;
      setPipelineFull(false);
    }, 5);
  }

  function setPipelineFull(full: boolean): void {
    pipelineFull = full;
    for (const connection of connections) connection.checkPipeline();
  }

  function forgetOldestDisconnected(): void {
    let oldest: GatewaySession | undefined;
    for (const session of disconnected) {
      oldest ??= session;
      if (session.window.size === 0) {
        forget(session);
        return;
      }
    }
    if (oldest) forget(oldest);
  }

  function forget(session: GatewaySession): void {
    disconnected.delete(session);
    forgottenNotKept += session.rejects.notKept;
    sessions.delete(session.id);
    sessionsBySource.delete(session.source);
    for (const account of session.accounts) {
      if (sessionsByAccount.get(account) === session) sessionsByAccount.delete(account);
    }
  }

  function deadLetter(code: ErrorCode, reason: string, message: unknown): void {
    publishDeadLetter({ ts: clock.now(), origin: 'gateway', code, reason, message });
  }

  function accountOf(command: NinjaTraderCommand): string | undefined {
    switch (command.kind) {
      case 'order':
      case 'proposal':
        return command.intent.account;
      case 'subscribe':
      case 'unsubscribe':
        return command.account;
      default:
        return command.account;
    }
  }

  function send(command: NinjaTraderCommand): boolean {
    const account = accountOf(command);
    if (account === undefined) {
      for (const session of sessions.values()) session.send(commandMessage(command));
      return sessions.size > 0;
    }
    const session = sessionsByAccount.get(account);
    if (!session) {
      deadLetter('GATEWAY_NO_SESSION', `no NinjaTrader session trades account '${account}'`, command);
      return false;
    }
    if (command.kind === 'snapshot_request') {
      session.requestSnapshot(command.reason);
      return true;
    }
    if (command.kind === 'proposal') ownership.proposalSent(command.proposalId, command.intent.account);
    if (command.kind === 'order' && !sentOrderIds.add(command.intent.id)) {
      deadLetter(
        'GATEWAY_DUPLICATE_ORDER',
        `order ${command.intent.id} was already sent; not sending it again`,
        command,
      );
      return false;
    }
    session.send(commandMessage(command));
    return true;
  }

  const subscriptions: Subscription[] = [
    bus.observe(TOPICS.ninjatraderCommands).subscribe((command) => send(command)),
    bus
      .observe(TOPICS.riskStates)
      .subscribe((state) => sessionsByAccount.get(state.account)?.send(stateMessage(state))),
    bus
      .observe(TOPICS.stored)
      .subscribe((watermark) => sessionsBySource.get(watermark.source)?.stored(watermark.seq)),
    bus
      .observe(TOPICS.storeRefusals)
      .subscribe((refusal) => sessionsBySource.get(refusal.source)?.connection?.refusedByStore(refusal)),
  ];
  // While the store cannot write, every session is told once and not read (connection.checkStore).
  subscriptions.push(
    bus.observe(TOPICS.storeHealth).subscribe((health) => {
      storeTrouble = health.ok ? undefined : (health.reason ?? 'the store cannot write');
      for (const connection of connections) connection.checkStore();
    }),
  );

  async function shutDown(): Promise<void> {
    closed = true;
    clearInterval(heartbeat);
    clearInterval(backpressureTimer);
    server.off('upgrade', handleUpgrade);
    for (const subscription of subscriptions) subscription.unsubscribe();
    const ended = [...connections].map(
      (connection) =>
        new Promise<void>((resolve) => {
          connection.socket.once('close', () => resolve());
          connection.close(CLOSE_CODES.GATEWAY_SHUTTING_DOWN, 'GATEWAY_SHUTTING_DOWN');
          setTimeout(() => {
            connection.socket.terminate();
            resolve();
          }, 1000).unref();
        }),
    );
    await Promise.all(ended);
    await new Promise<void>((resolve) => wss.close(() => resolve()));
    fillLedger.close();
  }

  return {
    path: GATEWAY_PATH,
    heartbeatMs: settings.heartbeatMs,
    connectedSessions: () =>
      [...connections].flatMap((connection) => {
        const session = connection.session;
        return session
          ? [
              {
                sessionId: session.id,
                accounts: session.accounts,
                lastHeartbeatTs: connection.lastHeartbeatTs,
              },
            ]
          : [];
      }),
    stats: () => ({
      ...counters,
      connections: connections.size,
      sessions: sessions.size,
      rejectsNotKept:
        forgottenNotKept + [...sessions.values()].reduce((sum, session) => sum + session.rejects.notKept, 0),
    }),
    send,
    pauseReading: () => setPipelineFull(true),
    resumeReading: () => setPipelineFull(false),
    close() {
      closing ??= shutDown();
      return closing;
    },
  };
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
