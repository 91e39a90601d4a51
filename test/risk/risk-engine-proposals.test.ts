import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { Alert } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { ALL_ACCOUNTS } from '../../src/risk/halt-store.js';
import type { CommandResult, RiskDecision } from '../../src/risk/risk-events.js';
import type { AutomationMode } from '../../src/risk/rule-profile.js';
import { apex, riskEngineRig, topstep, TUESDAY, type RiskEngineRig } from './risk-engine-rig.js';
import { positionAt } from './scenario-helpers.js';

const T = microsFromIso(TUESDAY);
const TTL = 120_000_000;

/** An Apex account (SIM-50K) and a Topstep account (SIM-TS), both funded, and ES priced at 6000. */
function twoAccountRig(mode: AutomationMode = 'confirm'): RiskEngineRig {
  const r = riskEngineRig({
    mode,
    accounts: [
      { id: 'SIM-50K', profile: apex },
      { id: 'SIM-TS', profile: topstep },
    ],
  });
  r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T, price: 6000 });
  return r;
}

const codes = (alerts: readonly Alert[]): string[] => alerts.map((alert) => alert.code);

describe('confirming a proposal', () => {
  it('sends the order and records who confirmed it', () => {
    const { engine, decisions, approved, propose } = twoAccountRig();
    const intent = propose();
    const result = engine.execute({ type: 'confirm', proposalId: intent.id, by: 'erin' });
    expect(result).toEqual({ ok: true, message: `order ${intent.id} sent`, accounts: ['SIM-50K'] });
    expect(approved.map((sent) => sent.id)).toEqual([intent.id]);
    expect(decisions.at(-1)).toMatchObject({
      intentId: intent.id,
      outcome: 'confirmed',
      reason: 'confirmed by erin',
      by: 'erin',
    });
    expect(engine.pendingProposals()).toEqual([]);
  });

  it('checks the rules again: a proposal the account outgrew is denied on confirm, with the rule’s reason', () => {
    const { engine, clock, decisions, approved, propose } = twoAccountRig();
    const intent = propose();
    // The account fills 20 contracts elsewhere: one more is beyond any contract limit now.
    clock.advanceTo(T + 1_000_000);
    engine.process({ kind: 'position', position: positionAt(T + 1_000_000, 20) });
    const result = engine.execute({ type: 'confirm', proposalId: intent.id, by: 'erin' });
    const denial = decisions.at(-1) as RiskDecision;
    expect(denial).toMatchObject({ intentId: intent.id, outcome: 'denied' });
    expect(denial.code).toBe('CONTRACT_LIMIT');
    expect(denial.reason).toContain('would hold 21 full-size contracts');
    expect(result).toEqual({
      ok: false,
      message: `denied on confirm: ${denial.reason}`,
      accounts: ['SIM-50K'],
    });
    expect(approved).toEqual([]);
  });

  it('refuses a confirm that arrives once the account is halted, even while the halt is being applied', () => {
    const { bus, engine, decisions, approved, propose } = twoAccountRig();
    const intent = propose();
    // A listener that confirms as soon as it hears the kill alert: the halt is set, the proposal not yet dropped.
    let result: CommandResult | undefined;
    bus.observe(TOPICS.alerts).subscribe((alert) => {
      if (alert.code === 'RISK_KILL_SWITCH' && result === undefined)
        result = engine.execute({ type: 'confirm', proposalId: intent.id, by: 'erin' });
    });
    engine.execute({ type: 'kill', account: 'SIM-50K', reason: 'news', by: 'carol' });
    expect(result).toEqual({ ok: false, message: 'SIM-50K is HALTED', accounts: ['SIM-50K'] });
    expect(approved).toEqual([]);
    expect(decisions.filter((decision) => decision.intentId === intent.id).at(-1)).toMatchObject({
      outcome: 'denied',
      code: 'HALTED',
      reason: 'account is HALTED (news)',
    });
  });

  it('refuses a confirm that arrives once the broker is disconnected, naming the broker’s reason', () => {
    const { bus, engine, decisions, approved, propose } = twoAccountRig();
    const first = propose();
    const second = propose();
    // A listener that confirms the second proposal when it hears the first one dropped.
    let result: CommandResult | undefined;
    bus.observe(TOPICS.riskDecisions).subscribe((decision) => {
      if (decision.intentId === first.id && decision.outcome === 'rejected')
        result = engine.execute({ type: 'confirm', proposalId: second.id, by: 'erin' });
    });
    bus.publisher(TOPICS.brokerStatus)({
      ts: T,
      account: 'SIM-50K',
      broker: 'ninjatrader',
      connected: false,
      reason: 'NinjaTrader closed the connection',
    });
    expect(result).toEqual({
      ok: false,
      message: 'SIM-50K: NinjaTrader closed the connection',
      accounts: ['SIM-50K'],
    });
    expect(approved).toEqual([]);
    expect(decisions.filter((decision) => decision.intentId === second.id).at(-1)).toMatchObject({
      outcome: 'denied',
      code: 'BROKER_DISCONNECTED',
      reason: 'SIM-50K: NinjaTrader closed the connection',
    });
  });

  it('answers a confirm of an unknown proposal with its id and no account', () => {
    const { engine, approved } = twoAccountRig();
    expect(engine.execute({ type: 'confirm', proposalId: 'nope', by: 'erin' })).toEqual({
      ok: false,
      message: "no proposal 'nope' [RISK_UNKNOWN_PROPOSAL]",
      accounts: [],
    });
    expect(approved).toEqual([]);
  });
});

describe('rejecting a proposal', () => {
  it('drops it, records who rejected it and tells the desk', () => {
    const { engine, decisions, alerts, approved, propose } = twoAccountRig();
    const intent = propose();
    const result = engine.execute({ type: 'reject', proposalId: intent.id, by: 'erin' });
    expect(result).toEqual({ ok: true, message: `proposal ${intent.id} rejected`, accounts: ['SIM-50K'] });
    expect(decisions.at(-1)).toMatchObject({
      intentId: intent.id,
      outcome: 'rejected',
      reason: 'rejected by erin',
      by: 'erin',
    });
    expect(alerts.at(-1)).toMatchObject({
      severity: 'info',
      code: 'RISK_PROPOSAL_REJECTED',
      message: `${intent.id} rejected by erin`,
      account: 'SIM-50K',
    });
    expect(engine.pendingProposals()).toEqual([]);
    expect(approved).toEqual([]);
  });

  it('answers a reject of an unknown proposal with its id and no account', () => {
    const { engine, decisions } = twoAccountRig();
    expect(engine.execute({ type: 'reject', proposalId: 'nope', by: 'erin' })).toEqual({
      ok: false,
      message: "no proposal 'nope' [RISK_UNKNOWN_PROPOSAL]",
      accounts: [],
    });
    expect(decisions).toEqual([]);
  });
});

describe('broker reconciliation hold and enigma resolve', () => {
  const mismatch = (account: string): Alert => ({
    ts: T,
    severity: 'critical',
    code: 'EXECUTION_RECONCILIATION_MISMATCH',
    message: 'broker holds 2 ES 12-26, the engine 1',
    account,
  });

  it('holds the account in REDUCING with the mismatch in its reasons until a person resolves it', () => {
    const { bus, engine, alerts } = twoAccountRig('auto');
    bus.publisher(TOPICS.alerts)(mismatch('SIM-50K'));
    expect(engine.riskState('SIM-50K')).toMatchObject({
      state: 'REDUCING',
      reasons: ['broker reconciliation mismatch: broker holds 2 ES 12-26, the engine 1'],
    });
    const result = engine.execute({ type: 'resolve', account: 'SIM-50K', by: 'erin' });
    expect(result).toEqual({
      ok: true,
      message: 'SIM-50K: reconciliation hold lifted',
      accounts: ['SIM-50K'],
    });
    expect(alerts.at(-1)).toMatchObject({
      severity: 'info',
      code: 'RISK_RECONCILIATION_RESOLVED',
      message: 'SIM-50K: reconciliation resolved by erin',
      account: 'SIM-50K',
    });
    expect(engine.riskState('SIM-50K')).toMatchObject({ state: 'ACTIVE', reasons: [] });
  });

  it('answers a resolve of an unknown account with its name and no account', () => {
    const { engine, alerts } = twoAccountRig();
    expect(engine.execute({ type: 'resolve', account: 'SIM-X', by: 'erin' })).toEqual({
      ok: false,
      message: "unknown account 'SIM-X' [RISK_UNKNOWN_ACCOUNT]",
      accounts: [],
    });
    expect(codes(alerts)).not.toContain('RISK_RECONCILIATION_RESOLVED');
  });
});

describe('setting the automation mode', () => {
  it('warns, naming the profile and who did it, when auto is set on a profile that forbids automation', () => {
    const { engine, alerts } = twoAccountRig();
    const result = engine.execute({ type: 'set-mode', account: 'SIM-50K', mode: 'auto', by: 'dave' });
    expect(result).toEqual({ ok: true, message: 'SIM-50K is now in auto mode', accounts: ['SIM-50K'] });
    expect(alerts.at(-1)).toMatchObject({
      severity: 'warning',
      code: 'RISK_AUTOMATION_NOT_ALLOWED',
      message: 'SIM-50K: profile apex-50k-evaluation forbids fully automated trading; set to auto by dave',
      account: 'SIM-50K',
    });
  });

  it('does not warn for auto on a profile that allows it, nor for confirm on one that forbids it', () => {
    const { engine, alerts } = twoAccountRig('signals-only');
    expect(engine.execute({ type: 'set-mode', account: 'SIM-TS', mode: 'auto', by: 'dave' })).toEqual({
      ok: true,
      message: 'SIM-TS is now in auto mode',
      accounts: ['SIM-TS'],
    });
    expect(engine.execute({ type: 'set-mode', account: 'SIM-50K', mode: 'confirm', by: 'dave' })).toEqual({
      ok: true,
      message: 'SIM-50K is now in confirm mode',
      accounts: ['SIM-50K'],
    });
    expect(codes(alerts)).not.toContain('RISK_AUTOMATION_NOT_ALLOWED');
  });

  it('keeps the pending proposals when confirm mode is set again, drops them when it is left', () => {
    const { engine, decisions, propose } = twoAccountRig();
    const intent = propose();
    engine.execute({ type: 'set-mode', account: 'SIM-50K', mode: 'confirm', by: 'dave' });
    expect(engine.pendingProposals().map((proposal) => proposal.id)).toEqual([intent.id]);
    expect(decisions.map((decision) => decision.outcome)).toEqual(['proposed']);
    engine.execute({ type: 'set-mode', account: 'SIM-50K', mode: 'auto', by: 'dave' });
    expect(engine.pendingProposals()).toEqual([]);
    expect(decisions.at(-1)).toMatchObject({
      intentId: intent.id,
      outcome: 'rejected',
      reason: 'mode set to auto',
    });
  });

  it('answers a set-mode of an unknown account with its name and no account', () => {
    const { engine } = twoAccountRig();
    expect(engine.execute({ type: 'set-mode', account: 'SIM-X', mode: 'auto', by: 'dave' })).toEqual({
      ok: false,
      message: "unknown account 'SIM-X' [RISK_UNKNOWN_ACCOUNT]",
      accounts: [],
    });
  });
});

describe('the targets of a command', () => {
  it('a kill of every account (`*`) halts each managed account', () => {
    const { engine } = twoAccountRig();
    const result = engine.execute({ type: 'kill', account: ALL_ACCOUNTS, reason: 'news', by: 'carol' });
    expect(result).toMatchObject({ ok: true, accounts: ['SIM-50K', 'SIM-TS'] });
    expect(engine.haltOf('SIM-50K')).toMatchObject({ reason: 'news', by: 'carol' });
    expect(engine.haltOf('SIM-TS')).toMatchObject({ reason: 'news', by: 'carol' });
  });
});

describe('expired proposals', () => {
  it('when 256 proposals are pending, a new intent sweeps those past their expiry as `expired` decisions', () => {
    const { engine, clock, decisions, propose } = twoAccountRig();
    // One proposal every 1.1 s (under the profile's 60 orders a minute): the early ones expire meanwhile.
    const STEP = 1_100_000;
    const pending = Array.from({ length: 256 }, (_, i) => {
      clock.advanceTo(T + i * STEP);
      return propose();
    });
    const now = T + 256 * STEP;
    clock.advanceTo(now);
    expect(decisions.filter((decision) => decision.outcome === 'expired')).toEqual([]);
    const fresh = propose();
    const expiredCount = pending.filter((_, i) => T + i * STEP + TTL < now).length;
    expect(expiredCount).toBeGreaterThan(0);
    expect(expiredCount).toBeLessThan(256);
    const expired = decisions.filter((decision) => decision.outcome === 'expired');
    expect(expired.map((decision) => decision.intentId)).toEqual(
      pending.slice(0, expiredCount).map((intent) => intent.id),
    );
    expired.forEach((decision, i) => {
      expect(decision).toMatchObject({
        code: 'PROPOSAL_EXPIRED',
        reason: 'the proposal expired before anyone confirmed it',
        numbers: { expiresAt: T + i * STEP + TTL, decidedAt: now },
      });
    });
    expect(engine.pendingProposals().map((proposal) => proposal.id)).toEqual(
      [...pending.slice(expiredCount), fresh].map((intent) => intent.id),
    );
  });
});
