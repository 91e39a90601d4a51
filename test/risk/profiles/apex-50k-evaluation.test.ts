import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../../src/bus/bus.js';
import { TOPICS } from '../../../src/bus/topics.js';
import { ReplayClock } from '../../../src/core/clock.js';
import type { Alert, OrderIntent } from '../../../src/core/events.js';
import { microsFromIso } from '../../../src/core/time.js';
import { AccountCompliance } from '../../../src/risk/account-compliance.js';
import { HaltStore, haltFilePath } from '../../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../../src/risk/risk-engine.js';
import type { OrderDenied, OrderProposal } from '../../../src/risk/risk-events.js';
import { accountAt, intentAt } from '../scenario-helpers.js';
import { profileRig } from './profile-rig.js';

/**
 * The Apex 50K evaluation profile, rule by rule, each walking the example its cited page gives.
 * Tuesday 24 Nov 2026 is EST (UTC−5): 10:00 New York is 15:00 UTC, 16:59 is 21:59 UTC.
 */
const PROFILE = 'apex-50k-evaluation';
const apex = loadRuleProfile(PROFILE);

describe('Apex 50K: trailing threshold on peak equity, open profit included', () => {
  it('follows the published examples tick by tick: $50,875 peak → $48,375, $52,000 → $49,500, locks at $50,100, fails there', () => {
    const rig = profileRig(PROFILE, 'APEX-50K', '2026-11-24T15:00:00Z');
    const threshold = (): number => {
      const limits = rig.handle.risk.limits('APEX-50K');
      if (!limits) throw new Error('no limits');
      return limits.equity - limits.drawdownRoom;
    };
    rig.tick('2026-11-24T15:00:00Z', 6000);
    expect(threshold()).toBe(47_500);
    // Long 1 ES at 6000.25: $50 a point.
    rig.order('2026-11-24T15:00:01Z');
    // Open profit takes equity to $50,875 (+17.5 points): the threshold follows at once.
    rig.tick('2026-11-24T15:05:00Z', 6017.75);
    expect(threshold()).toBe(48_375);
    // The trade gives most of it back (equity $50,200): the threshold stays.
    rig.tick('2026-11-24T15:10:00Z', 6004.25);
    expect(threshold()).toBe(48_375);
    expect(rig.handle.risk.limits('APEX-50K')?.contractLimit).toBe(5);
    // Peak $52,000 → $49,500.
    rig.tick('2026-11-24T15:20:00Z', 6040.25);
    expect(threshold()).toBe(49_500);
    // Peak $52,600 → $50,100 = start + $100: it stops trailing, and the full 10 contracts open up.
    rig.tick('2026-11-24T15:30:00Z', 6052.25);
    expect(threshold()).toBe(50_100);
    expect(rig.handle.risk.limits('APEX-50K')?.contractLimit).toBe(10);
    rig.tick('2026-11-24T15:40:00Z', 6070.25);
    expect(threshold()).toBe(50_100);
    expect(rig.handle.riskState('APEX-50K')?.state).toBe('ACTIVE');
    // Back to $50,100 equity: the account fails. Flatten, HALTED, persisted until a person resumes.
    rig.tick('2026-11-24T15:50:00Z', 6002.25);
    expect(rig.commands.at(-1)).toMatchObject({ type: 'flatten', account: 'APEX-50K' });
    expect(rig.position()).toBe(0);
    expect(rig.handle.riskState('APEX-50K')?.state).toBe('HALTED');
    expect(rig.alerts.some((alert) => alert.code === 'RISK_BREACH')).toBe(true);
    expect(rig.persistedHalts()).toEqual(['APEX-50K']);
    expect((rig.decision(rig.order('2026-11-24T15:51:00Z')) as OrderDenied).code).toBe('HALTED');
  });
});

describe('Apex 50K: contract limit with the Scaling Program', () => {
  it('allows half the 10 contracts (5 ES, or 50 MES at 10:1) until the threshold stops trailing', () => {
    const rig = profileRig(PROFILE, 'APEX-50K', '2026-11-24T15:00:00Z');
    rig.tick('2026-11-24T15:00:00Z', 6000);
    const six = rig.decision(rig.order('2026-11-24T15:00:01Z', { quantity: 6 }));
    expect(six).toMatchObject({ code: 'CONTRACT_LIMIT', numbers: { limitMinis: 5, projectedMinis: 6 } });
    expect(
      rig.decision(rig.order('2026-11-24T15:00:02Z', { symbol: 'MES 12-26', quantity: 51 })),
    ).toMatchObject({
      code: 'CONTRACT_LIMIT',
    });
    expect(rig.decision(rig.order('2026-11-24T15:00:03Z', { quantity: 5 }))).toBe('approved');
    expect(rig.position()).toBe(5);
  });
});

describe('Apex 50K: flat before 4:59 PM ET (What Are the Rules for Evaluations? page)', () => {
  it('closes the position and cancels the pending orders at 16:58:30 New York, and refuses entries until 18:00', () => {
    const rig = profileRig(PROFILE, 'APEX-50K', '2026-11-24T21:58:00Z');
    rig.tick('2026-11-24T21:58:00Z', 6000);
    rig.order('2026-11-24T21:58:01Z', { quantity: 2 });
    rig.order('2026-11-24T21:58:02Z', { type: 'limit', limitPrice: 5950 });
    expect(rig.position()).toBe(2);
    expect(rig.handle.paper.workingOrders('APEX-50K')).toHaveLength(1);
    rig.tick('2026-11-24T21:58:29Z', 6001);
    expect(rig.position()).toBe(2);
    // 30 s before the cutoff (flattenLeadSeconds), so the account is flat before 4:59 PM.
    rig.tick('2026-11-24T21:58:30Z', 6001);
    expect(rig.commands.at(-1)).toMatchObject({ type: 'flatten', account: 'APEX-50K' });
    expect(rig.position()).toBe(0);
    expect(rig.handle.paper.workingOrders('APEX-50K')).toEqual([]);
    expect((rig.decision(rig.order('2026-11-24T22:30:00Z')) as OrderDenied).code).toBe(
      'OUTSIDE_TRADING_HOURS',
    );
    rig.tick('2026-11-24T23:00:00Z', 6002);
    expect(rig.decision(rig.order('2026-11-24T23:00:01Z'))).toBe('approved');
  });
});

describe('Apex 50K: 30 % consistency at a payout request (PA rule)', () => {
  it('with a $1,500 best day needs $5,000 of total profit, and passes at exactly 30 %', () => {
    const compliance = new AccountCompliance('APEX-50K', apex);
    let balance = 50_000;
    compliance.updateAccount(accountAt('2026-11-23T15:00:00Z', balance, balance, 'APEX-50K'));
    const close = (day: string, pnl: number): void => {
      balance += pnl;
      compliance.updateAccount(accountAt(`${day}T20:00:00Z`, balance, balance, 'APEX-50K'));
    };
    close('2026-11-23', 1_500);
    close('2026-11-24', 1_000);
    close('2026-11-25', 1_000);
    close('2026-11-26', 500);
    expect(compliance.consistency()).toMatchObject({
      totalProfit: 4000,
      bestDay: 1500,
      passes: false,
      profitNeeded: 5000,
    });
    close('2026-11-27', 1_000);
    expect(compliance.consistency()).toMatchObject({ totalProfit: 5000, bestDayShare: 0.3, passes: true });
  });
});

describe('Apex 50K: no automated trading, and the instrument list', () => {
  it('starts in confirm mode, warns when set to auto, and refuses gold', () => {
    const bus = new MessageBus();
    const clock = new ReplayClock(microsFromIso('2026-11-24T15:00:00Z'));
    const engine = new RiskEngine(bus, clock, {
      accounts: [{ id: 'APEX-50K', profile: apex }],
      haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-apex-')))),
    }).start();
    const proposals: OrderProposal[] = [];
    const approved: OrderIntent[] = [];
    const denied: OrderDenied[] = [];
    const alerts: Alert[] = [];
    bus.observe(TOPICS.orderProposals).subscribe((proposal) => proposals.push(proposal));
    bus.observe(TOPICS.approvedIntents).subscribe((intent) => approved.push(intent));
    bus.observe(TOPICS.orderDenials).subscribe((denial) => denied.push(denial));
    bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
    engine.process({ kind: 'account', state: accountAt('2026-11-24T15:00:00Z', 50_000, 50_000, 'APEX-50K') });
    bus.publish(TOPICS.orderIntents, intentAt('2026-11-24T15:00:00Z', { account: 'APEX-50K' }));
    expect(proposals).toHaveLength(1);
    expect(approved).toHaveLength(0);
    engine.execute({ type: 'set-mode', account: 'APEX-50K', mode: 'auto', by: 'test' });
    expect(alerts.map((alert) => alert.code)).toContain('RISK_AUTOMATION_NOT_ALLOWED');
    bus.publish(
      TOPICS.orderIntents,
      intentAt('2026-11-24T15:00:00Z', { account: 'APEX-50K', symbol: 'GC 02-27' }),
    );
    expect(denied.at(-1)).toMatchObject({ code: 'INSTRUMENT_NOT_ALLOWED' });
  });
});
