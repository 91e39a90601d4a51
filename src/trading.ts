import { mkdirSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import type { Subscription } from 'rxjs';
import type { MessageBus } from './bus/bus.js';
import { TOPICS } from './bus/topics.js';
import { DEFAULT_ACCOUNTS } from './config/engine-config.js';
import { ReplayClock, type Clock } from './core/clock.js';
import { describeError } from './core/errors.js';
import type { RiskState } from './core/events.js';
import { clientSource, isClientSource } from './core/market-source.js';
import { MarketTrust } from './core/market-trust.js';
import { ComplianceStore, complianceFilePath } from './risk/compliance-store.js';
import { FlatStatusFile, flatStatusPath } from './risk/flat-status.js';
import { ResolutionFiles } from './risk/resolution-files.js';
import { HaltStore, haltFilePath } from './risk/halt-store.js';
import { ProposalFiles } from './risk/proposal-files.js';
import { loadRuleProfile } from './risk/load-rule-profile.js';
import type { AutomationMode, RuleProfile } from './risk/rule-profile.js';
import { RiskEngine } from './risk/risk-engine.js';
import type { CommandResult, RiskCommand } from './risk/risk-events.js';
import type { ExecutionCommand, ExecutionResult } from './core/execution-commands.js';
import { NinjaTraderBroker } from './execution/ninjatrader-broker.js';
import { OrderJournal, orderJournalPath } from './execution/order-journal.js';
import { OrderManager } from './execution/order-manager.js';
import { PaperBroker, type PaperBrokerOptions } from './execution/paper-broker.js';
import type { AccountSizing } from './pipeline/operator.js';

export interface TradingAccountConfig {
  readonly id: string;
  /** A bundled profile id (`apex-50k-evaluation`), a path to a YAML profile, or a parsed profile. */
  readonly profile: string | RuleProfile;
  /** Defaults to the profile's default mode. */
  readonly mode?: AutomationMode;
  readonly startingBalance?: number;
  /** `paper` (default): the embedded paper broker; `ninjatrader`: the AddOn, through the gateway. */
  readonly broker?: 'paper' | 'ninjatrader';
  /** Sizing defaults for the kelly steps that do not set their own fraction or risk budget. */
  readonly sizing?: AccountSizing;
  /** Ids of the pipelines whose signals it trades (the kelly steps route by it); default all. */
  readonly pipelines?: readonly string[];
  /** Allow-list of roots (`ES`) or full symbols (`ES 12-26`); the risk engine denies the rest. */
  readonly instruments?: readonly string[];
}

export interface TradingOptions {
  /** Folder for the halt file (`--data-dir`). */
  readonly dataDir: string;
  /** Default: one paper account `SIM-50K` on the Apex-style 50K profile, mode `auto`. */
  readonly accounts?: readonly TradingAccountConfig[];
  /** Latency, slippage, partial fills and commissions of the paper broker. */
  readonly paper?: Omit<PaperBrokerOptions, 'accounts'>;
  /**
   * Watch the halt file and the proposal decisions in the data directory, so `enigma kill`,
   * `enigma resume`, `enigma confirm` and `enigma reject` reach this running engine (default true).
   */
  readonly watchHaltFile?: boolean;
  readonly proposalTtlMicros?: number;
  /**
   * Keep each account's rule state (trailing threshold, peak, day results) in
   * `<dataDir>/risk-accounts.json` across restarts. Off by default: the paper broker starts every
   * run from the starting balance, so its rules must too; turn it on for accounts whose broker
   * keeps the balance (NinjaTrader).
   */
  readonly persistRuleState?: boolean;
}

/** The embedded default of `enigma.yaml`: one paper account `SIM-50K`, Apex-style 50K, auto. */
export const DEFAULT_TRADING_ACCOUNTS: readonly TradingAccountConfig[] = DEFAULT_ACCOUNTS;

/** A risk or an execution command, as the API and CLI send them. */
export type TradingCommand = RiskCommand | ExecutionCommand;

export interface TradingHandle {
  readonly risk: RiskEngine;
  readonly orders: OrderManager;
  readonly paper: PaperBroker;
  /** Present when an account trades through NinjaTrader (its AddOn session, through the gateway). */
  readonly ninjaTrader: NinjaTraderBroker | undefined;
  /** Accounts traded through NinjaTrader: the gateway accepts their reports only from their sessions. */
  ninjaTraderAccounts(): readonly string[];
  /** Risk commands (kill, resume, confirm, reject, set-mode) and execution commands (cancel, replace…). */
  execute(command: TradingCommand): CommandResult | ExecutionResult;
  riskState(account: string): RiskState | undefined;
  accounts(): readonly string[];
  close(): Promise<void>;
}

const RISK_COMMANDS: ReadonlySet<string> = new Set([
  'kill',
  'resume',
  'confirm',
  'reject',
  'set-mode',
  'resolve',
]);

/**
 * Starts trading on a bus: the risk engine, the order manager and the paper broker for the
 * configured accounts, wired only through the bus.
 *
 *   orders.intents → risk engine → orders.approved → order manager → paper broker
 *   market.ticks / market.bars → paper broker (fills), order manager (stops), risk engine (time);
 *     a client's prints (`gateway:` source) only for the NinjaTrader accounts its session declared
 *   execution.commands (flatten, cancel) → order manager
 *   orders.updates, orders.fills, accounts.positions, accounts.state ← order manager
 *   risk.states, orders.denied, orders.proposals, alerts ← risk engine
 */
export function startTrading(bus: MessageBus, clock: Clock, options: TradingOptions): TradingHandle {
  const configs = options.accounts ?? DEFAULT_TRADING_ACCOUNTS;
  const accounts = configs.map((config) => {
    const profile = typeof config.profile === 'string' ? loadRuleProfile(config.profile) : config.profile;
    return {
      id: config.id,
      profile,
      ...(config.mode !== undefined && { mode: config.mode }),
      startingBalance: config.startingBalance ?? profile.account.startingBalance,
      broker: config.broker ?? 'paper',
      ...(config.instruments !== undefined && { instruments: config.instruments }),
      // A NinjaTrader account trades once its AddOn has connected and its snapshot is reconciled.
      brokerConnected: config.broker !== 'ninjatrader',
    };
  });
  const paper = new PaperBroker({
    ...options.paper,
    accounts: accounts
      .filter((account) => account.broker === 'paper')
      .map((account) => ({ id: account.id, startingBalance: account.startingBalance })),
  });
  const orders = new OrderManager(bus, clock);
  orders.addBroker(paper);
  const ninjaTraderAccounts = accounts
    .filter((account) => account.broker === 'ninjatrader')
    .map((account) => account.id);
  const ninjaTrader =
    ninjaTraderAccounts.length > 0
      ? new NinjaTraderBroker(bus, ninjaTraderAccounts, {
          journal: new OrderJournal(orderJournalPath(options.dataDir)),
          clock,
        })
      : undefined;
  if (ninjaTrader) orders.addBroker(ninjaTrader);
  // A client's market data prices only the NinjaTrader accounts its session declared.
  const trust = new MarketTrust(new Set(ninjaTraderAccounts));
  const haltStore = new HaltStore(haltFilePath(options.dataDir));
  const risk = new RiskEngine(bus, clock, {
    accounts,
    haltStore,
    ...(options.persistRuleState === true && {
      complianceStore: new ComplianceStore(complianceFilePath(options.dataDir)),
    }),
    marketTrust: trust,
    ...(options.proposalTtlMicros !== undefined && { proposalTtlMicros: options.proposalTtlMicros }),
    // Live (any clock a replay does not move): the flat-by time fires on the clock, not only
    // when a tick arrives.
    ...(!(clock instanceof ReplayClock) && { clockTimerMs: 1000 }),
  });
  const publishNinjaTrader = bus.publisher(TOPICS.ninjatraderCommands);
  const subscriptions: Subscription[] = [
    // Paper accounts trade on the engine's own market: no client's prices fill or mark them.
    bus.observe(TOPICS.ticks).subscribe((tick) => {
      if (!isClientSource(tick.source)) paper.onTick(tick);
      orders.process(tick, trust);
    }),
    bus.observe(TOPICS.bars).subscribe((bar) => {
      if (!isClientSource(bar.source)) paper.onBar(bar);
      orders.process(bar, trust);
    }),
    bus.observe(TOPICS.ninjatraderSessions).subscribe((event) => {
      const source = clientSource(event.sessionId);
      if (event.kind === 'connected') trust.grant(source, event.accounts);
      else if (event.kind === 'disconnected') trust.revoke(source);
    }),
    bus.observe(TOPICS.approvedIntents).subscribe((intent) => orders.execute({ type: 'submit', intent })),
    bus.observe(TOPICS.executionCommands).subscribe((command) => orders.execute(command)),
    // The AddOn's kill button and its answers to proposals (the gateway checked the session owns them).
    bus.observe(TOPICS.riskCommands).subscribe((command) => risk.execute(command)),
    // Confirm mode through NinjaTrader: a proposal for a NinjaTrader account is shown in its AddOn.
    bus.observe(TOPICS.orderProposals).subscribe((proposal) => {
      if (!ninjaTraderAccounts.includes(proposal.intent.account)) return;
      publishNinjaTrader({
        kind: 'proposal',
        proposalId: proposal.id,
        intent: proposal.intent,
        expiresTs: proposal.expiresAt,
        reason: proposal.intent.reason,
      });
    }),
  ];
  risk.start();
  const publishAccount = bus.publisher(TOPICS.accounts);
  for (const account of accounts) {
    if (account.broker === 'paper') publishAccount(paper.accountState(account.id, clock.now()));
  }

  /**
   * Runs a file exchange with the CLI (flat status, proposals, decisions, resolutions); a disk
   * that refuses it raises a critical alert instead of a throw, which in a bus subscriber or a
   * file watcher would end the engine.
   */
  const onDisk = (what: string, exchange: () => void, account?: string): void => {
    try {
      exchange();
    } catch (error) {
      bus.publish(TOPICS.alerts, {
        ts: clock.now(),
        severity: 'critical',
        code: 'RISK_STATE_NOT_SAVED',
        message: `${what} (${describeError(error)}); the engine goes on, the CLI does not see it`,
        ...(account !== undefined && { account }),
      });
    }
  };

  const watchers: FSWatcher[] = [];
  const watchFiles = options.watchHaltFile ?? true;
  // `enigma kill` waits on this file for the broker's confirmation that an account is flat.
  if (watchFiles) {
    const flatStatus = new FlatStatusFile(
      flatStatusPath(options.dataDir),
      process.pid,
      Object.fromEntries(accounts.map((account) => [account.id, account.broker])),
    );
    subscriptions.push(
      bus.observe(TOPICS.alerts).subscribe((alert) => {
        if (alert.code !== 'EXECUTION_FLAT_CONFIRMED' || alert.account === undefined) return;
        const { account } = alert;
        const halt = risk.haltOf(account);
        // A full or read-only disk: the flat stands, only `enigma kill` cannot read it.
        onDisk(
          `the flat status file cannot be written: ${account} is flat, but \`enigma kill\` will not see the confirmation`,
          () =>
            flatStatus.confirmed(account, {
              message: alert.message,
              ts: alert.ts,
              ...(halt && { haltTs: halt.ts }),
            }),
          account,
        );
      }),
    );
  }
  if (watchFiles) {
    try {
      mkdirSync(dirname(haltStore.path), { recursive: true });
      const watcher = watch(dirname(haltStore.path), (_event, file) => {
        if (file === null || file === basename(haltStore.path)) risk.syncHaltsFromFile();
      });
      watcher.unref();
      watchers.push(watcher);
    } catch {
      // No file watching on this system: the halt file is still read at start.
    }
  }

  // Proposals and decisions as files, for `enigma proposals / confirm / reject` without a server.
  const proposalFiles = watchFiles ? new ProposalFiles(options.dataDir) : undefined;
  const writeProposals = (): void =>
    onDisk('the pending proposals cannot be written', () =>
      proposalFiles?.writeProposals(risk.pendingProposals()),
    );
  const applyDecisions = (): void =>
    onDisk('the proposal decisions cannot be read', () => {
      if (!proposalFiles) return;
      const decisions = proposalFiles.takeDecisions();
      for (const decision of decisions) {
        risk.execute({ type: decision.decision, proposalId: decision.proposalId, by: decision.by });
      }
      if (decisions.length > 0) writeProposals();
    });
  if (proposalFiles) {
    writeProposals();
    subscriptions.push(bus.observe(TOPICS.orderProposals).subscribe(() => writeProposals()));
    try {
      const watcher = watch(proposalFiles.decisionsDir, () => applyDecisions());
      watcher.unref();
      watchers.push(watcher);
    } catch {
      // No file watching: decisions are applied only through `execute`.
    }
  }

  // `enigma resolve`: a person checked a reconciliation mismatch.
  if (watchFiles) {
    const resolutions = new ResolutionFiles(options.dataDir);
    const applyResolutions = (): void =>
      onDisk('the resolution requests cannot be read', () => {
        for (const request of resolutions.take())
          risk.execute({ type: 'resolve', account: request.account, by: request.by });
      });
    try {
      mkdirSync(resolutions.dir, { recursive: true });
      applyResolutions();
      const watcher = watch(resolutions.dir, () => applyResolutions());
      watcher.unref();
      watchers.push(watcher);
    } catch {
      // No file watching: resolve through `execute`.
    }
  }

  return {
    risk,
    orders,
    paper,
    ninjaTrader,
    ninjaTraderAccounts: () => ninjaTraderAccounts,
    execute(command: TradingCommand): CommandResult | ExecutionResult {
      if (RISK_COMMANDS.has(command.type)) return risk.execute(command as RiskCommand);
      return orders.execute(command as ExecutionCommand);
    },
    riskState: (account) => risk.riskState(account),
    accounts: () => accounts.map((account) => account.id),
    async close(): Promise<void> {
      for (const watcher of watchers) watcher.close();
      for (const subscription of subscriptions.splice(0)) subscription.unsubscribe();
      risk.close();
      orders.close();
      await paper.close();
      await ninjaTrader?.close();
    },
  };
}
