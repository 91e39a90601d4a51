import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert, OrderIntent, RiskState } from '../../src/core/events.js';
import type { ExecutionCommand } from '../../src/core/execution-commands.js';
import { microsFromIso, type Micros } from '../../src/core/time.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine, type RiskEngineOptions } from '../../src/risk/risk-engine.js';
import type { OrderDenied, OrderProposal, RiskDecision, RiskLimits } from '../../src/risk/risk-events.js';
import type { AutomationMode, RuleProfile } from '../../src/risk/rule-profile.js';
import { accountAt, intentAt } from './scenario-helpers.js';

export const apex = loadRuleProfile('apex-50k-evaluation');
export const topstep = loadRuleProfile('topstep-50k-combine');
/** When every rig's clock starts unless told otherwise: a Tuesday, inside both profiles' trading hours. */
export const TUESDAY = '2026-11-24T15:00:00Z';

/** A new folder for an engine's halt (and rule state) files, shared with no other test. */
export function freshDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'enigma-risk-'));
}

/** One account of the rig; what it leaves out comes from the rig's `profile`, `mode` and `brokerConnected`. */
export interface RigAccount {
  readonly id: string;
  readonly profile?: RuleProfile;
  readonly mode?: AutomationMode;
  readonly brokerConnected?: boolean;
}

export interface RiskEngineRigOptions {
  /** The accounts the engine manages, in order; an id alone takes the defaults below. Default: SIM-50K. */
  readonly accounts?: readonly (string | RigAccount)[];
  /** Default Apex 50K evaluation. */
  readonly profile?: RuleProfile;
  /** Default auto, so that an approved intent is sent at once. */
  readonly mode?: AutomationMode;
  /** Left out: the engine's own default (connected). */
  readonly brokerConnected?: boolean;
  /** The folder of the halt file; another rig's folder restarts an engine on that rig's files. */
  readonly dataDir?: string;
  /** Where the replay clock starts. Default TUESDAY. */
  readonly at?: Micros;
  /** False leaves the engine unstarted, for a test of what start() itself publishes. Default true. */
  readonly start?: boolean;
  /**
   * Send each account a first update at the clock's start (balance and equity 50,000), as a broker
   * does when it connects. False for a test of the engine before it has heard of any account. Default true.
   */
  readonly initialAccountUpdate?: boolean;
  /** Any other engine option: a rule state store, a clock timer, market trust, a proposal lifetime. */
  readonly engineOptions?: Partial<Omit<RiskEngineOptions, 'accounts' | 'haltStore'>>;
}

export type RiskEngineRig = ReturnType<typeof riskEngineRig>;

/**
 * A risk engine on a real bus and replay clock, with its halt file in a folder of its own, and every
 * topic it publishes on recorded in an array. The recording starts before the engine does, so what
 * start() publishes is recorded too.
 */
export function riskEngineRig(options: RiskEngineRigOptions = {}) {
  const { profile = apex, mode = 'auto', brokerConnected, dataDir = freshDataDir() } = options;
  const accounts = (options.accounts ?? ['SIM-50K']).map((account) => ({
    profile,
    mode,
    brokerConnected,
    ...(typeof account === 'string' ? { id: account } : account),
  }));
  const bus = new MessageBus();
  const clock = new ReplayClock(options.at ?? microsFromIso(TUESDAY));

  const approved: OrderIntent[] = [];
  const denied: OrderDenied[] = [];
  const proposals: OrderProposal[] = [];
  const commands: ExecutionCommand[] = [];
  const decisions: RiskDecision[] = [];
  const alerts: Alert[] = [];
  const states: RiskState[] = [];
  const limits: RiskLimits[] = [];
  bus.observe(TOPICS.approvedIntents).subscribe((intent) => approved.push(intent));
  bus.observe(TOPICS.orderDenials).subscribe((denial) => denied.push(denial));
  bus.observe(TOPICS.orderProposals).subscribe((proposal) => proposals.push(proposal));
  bus.observe(TOPICS.executionCommands).subscribe((command) => commands.push(command));
  bus.observe(TOPICS.riskDecisions).subscribe((decision) => decisions.push(decision));
  bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
  bus.observe(TOPICS.riskStates).subscribe((state) => states.push(state));
  bus.observe(TOPICS.riskLimits).subscribe((limit) => limits.push(limit));

  const engine = new RiskEngine(bus, clock, {
    accounts,
    haltStore: new HaltStore(haltFilePath(dataDir)),
    ...options.engineOptions,
  });
  if (options.start ?? true) engine.start();
  if (options.initialAccountUpdate ?? true)
    for (const { id } of accounts)
      engine.process({ kind: 'account', state: accountAt(clock.now(), 50_000, 50_000, id) });

  /** An account update: balance 50,000 and this equity. */
  const account = (equity: number, id = 'SIM-50K', iso = TUESDAY) =>
    engine.process({ kind: 'account', state: accountAt(iso, 50_000, equity, id) });
  /** An intent (a market one-lot buy on SIM-50K unless overridden), returning the engine's decision. */
  const intent = (overrides: Partial<OrderIntent> = {}, ts: Micros = clock.now()) =>
    engine.process({ kind: 'intent', intent: intentAt(ts, overrides) });
  /** Proposes a one-lot on the account (in confirm mode) and returns the intent: its id is the proposal id. */
  const propose = (id = 'SIM-50K', ts: Micros = clock.now()): OrderIntent => {
    const proposed = intentAt(ts, { account: id });
    expect(engine.process({ kind: 'intent', intent: proposed })?.outcome).toBe('proposed');
    return proposed;
  };
  const publishBrokerStatus = bus.publisher(TOPICS.brokerStatus);
  /** SIM-50K's broker connects or disconnects, as the NinjaTrader bridge reports it. */
  const broker = (connected: boolean, reason: string, ts: Micros = clock.now()) =>
    publishBrokerStatus({ ts, account: 'SIM-50K', broker: 'ninjatrader', connected, reason });
  /** The execution side's reconciliation found the broker and the engine disagreeing on the account. */
  const mismatch = (message: string, id = 'SIM-50K') =>
    bus.publish(TOPICS.alerts, {
      ts: clock.now(),
      severity: 'warning',
      code: 'EXECUTION_RECONCILIATION_MISMATCH',
      message,
      account: id,
    });
  /** The halt file as it is on disk now. */
  const haltFile = () => new HaltStore(haltFilePath(dataDir)).load();

  return {
    bus,
    clock,
    engine,
    dataDir,
    approved,
    denied,
    proposals,
    commands,
    decisions,
    alerts,
    states,
    limits,
    account,
    intent,
    propose,
    broker,
    mismatch,
    haltFile,
  };
}
