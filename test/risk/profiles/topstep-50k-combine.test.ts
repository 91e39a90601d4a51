import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../../src/bus/bus.js';
import { TOPICS } from '../../../src/bus/topics.js';
import { ReplayClock } from '../../../src/core/clock.js';
import type { ExecutionCommand } from '../../../src/core/execution-commands.js';
import { microsFromIso } from '../../../src/core/time.js';
import { AccountCompliance } from '../../../src/risk/account-compliance.js';
import { AccountExposure } from '../../../src/risk/account-exposure.js';
import { HaltStore, haltFilePath } from '../../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../../src/risk/risk-engine.js';
import type { OrderDenied } from '../../../src/risk/risk-events.js';
import { accountAt, intentAt } from '../scenario-helpers.js';
import { profileRig } from './profile-rig.js';

/**
 * The Topstep 50K Trading Combine profile, rule by rule, each walking the example or the
 * behaviour Topstep publishes (the page is cited on each rule in the profile). Times: Tuesday
 * 24 Nov 2026 is CST (UTC−6), so 09:00 Chicago is 15:00 UTC and 17:00 Chicago is 23:00 UTC.
 */
const PROFILE = 'topstep-50k-combine';
const topstep = loadRuleProfile(PROFILE);

describe('Topstep 50K combine: Daily Loss Limit (Prohibited Conduct page)', () => {
  it('at −$1,000 flattens the positions, cancels working orders and blocks every new order until 17:00 Chicago, then trades again', () => {
    const rig = profileRig(PROFILE, 'TS-50K', '2026-11-24T15:00:00Z');
    rig.tick('2026-11-24T15:00:00Z', 6000);
    // Long 2 ES at the ask, 6000.25, and a working buy limit far below.
    expect(rig.decision(rig.order('2026-11-24T15:00:01Z', { quantity: 2 }))).toBe('approved');
    rig.order('2026-11-24T15:00:02Z', { type: 'limit', limitPrice: 5900 });
    expect(rig.position()).toBe(2);
    expect(rig.handle.orders.liveOrders('TS-50K')).toHaveLength(1);

    // Every ES point is $100 on 2 contracts. −$625: still ACTIVE.
    rig.tick('2026-11-24T16:00:00Z', 5994);
    expect(rig.handle.riskState('TS-50K')?.state).toBe('ACTIVE');
    // −$925: within this engine's $150 margin → REDUCING, nothing flattened yet.
    rig.tick('2026-11-24T16:30:00Z', 5991);
    expect(rig.handle.riskState('TS-50K')?.state).toBe('REDUCING');
    expect(rig.commands.filter((c) => c.type === 'flatten')).toHaveLength(0);

    // −$1,000 exactly ("hit or exceed"): auto-liquidated.
    rig.tick('2026-11-24T17:00:00Z', 5990.25);
    const flattens = rig.commands.filter(
      (c): c is Extract<ExecutionCommand, { type: 'flatten' }> => c.type === 'flatten',
    );
    expect(flattens).toHaveLength(1);
    expect(flattens[0]).toMatchObject({
      account: 'TS-50K',
      reason: expect.stringContaining('daily loss limit 1000'),
    });
    expect(rig.position()).toBe(0);
    expect(rig.handle.orders.liveOrders('TS-50K')).toEqual([]);
    expect(rig.handle.paper.workingOrders('TS-50K')).toEqual([]);
    const locked = rig.handle.riskState('TS-50K');
    expect(locked?.state).toBe('HALTED');
    expect(locked?.reasons[0]).toContain('no new orders until 2026-11-24 17:00 America/Chicago');
    expect(rig.handle.risk.limits('TS-50K')).toMatchObject({ dailyLossRoom: 0, contractLimit: 0 });

    // Blocked: an entry, and a sell too ("prevented from placing any new trades").
    const entry = rig.decision(rig.order('2026-11-24T18:00:00Z'));
    const sell = rig.decision(rig.order('2026-11-24T18:00:01Z', { side: 'sell' }));
    expect((entry as OrderDenied).code).toBe('HALTED');
    expect((sell as OrderDenied).code).toBe('HALTED');
    expect((entry as OrderDenied).reason).toContain('17:00 America/Chicago');
    // Still blocked one second before the next trading day.
    rig.tick('2026-11-24T22:59:59Z', 5995);
    expect((rig.decision(rig.order('2026-11-24T22:59:59Z')) as OrderDenied).code).toBe('HALTED');
    expect(rig.handle.riskState('TS-50K')?.state).toBe('HALTED');

    // A soft breach is not a rule violation: nothing failed, nothing persisted as a halt.
    expect(rig.alerts.some((alert) => alert.code === 'RISK_BREACH')).toBe(false);
    expect(rig.persistedHalts()).toEqual([]);

    // 17:00 Chicago: the next trading day starts and the account trades again.
    rig.tick('2026-11-24T23:00:00Z', 5996);
    expect(rig.handle.riskState('TS-50K')?.state).toBe('ACTIVE');
    expect(rig.decision(rig.order('2026-11-24T23:00:01Z'))).toBe('approved');
    expect(rig.position()).toBe(1);
    expect(rig.handle.risk.limits('TS-50K')?.dailyLossRoom).toBe(1000);
  });

  it('lifts the lock at 17:00 Chicago in summer time too (22:00 UTC in July)', () => {
    const rig = profileRig(PROFILE, 'TS-50K', '2026-07-14T14:00:00Z');
    rig.tick('2026-07-14T14:00:00Z', 6000);
    rig.order('2026-07-14T14:00:01Z', { quantity: 2 });
    // 14:00 Chicago (CDT, UTC−5): −$1,025.
    rig.tick('2026-07-14T19:00:00Z', 5990);
    expect(rig.handle.riskState('TS-50K')?.reasons[0]).toContain('until 2026-07-14 17:00 America/Chicago');
    rig.tick('2026-07-14T21:59:59Z', 5995);
    expect((rig.decision(rig.order('2026-07-14T21:59:59Z')) as OrderDenied).code).toBe('HALTED');
    rig.tick('2026-07-14T22:00:00Z', 5995);
    expect(rig.decision(rig.order('2026-07-14T22:00:01Z'))).toBe('approved');
  });

  it('a Friday lock lasts through the weekend until Sunday 17:00 Chicago', () => {
    const compliance = new AccountCompliance('TS-50K', topstep);
    // Friday 27 Nov 2026, 10:00 Chicago: −$1,000 on the day.
    const status = compliance.updateAccount(accountAt('2026-11-27T16:00:00Z', 50_000, 49_000, 'TS-50K'));
    expect(status).toMatchObject({ state: 'HALTED', dailyLock: 'hard', flattenRequired: true });
    expect(status.dailyLockUntil).toBe(microsFromIso('2026-11-29T23:00:00Z'));
    // The session's flatten instant, for a timer: 15:09:30 Chicago.
    expect(
      new AccountCompliance('TS-50K', topstep).updateAccount(
        accountAt('2026-11-27T15:00:00Z', 50_000, 50_000, 'TS-50K'),
      ).flattenAt,
    ).toBe(microsFromIso('2026-11-27T21:09:30Z'));
    // Flattened: the loss is realized.
    compliance.updateAccount(accountAt('2026-11-27T16:00:01Z', 49_000, 49_000, 'TS-50K'));
    const exposure = new AccountExposure();
    // Saturday: the lock has made way for the closed weekend; still no entries.
    expect(
      compliance.checkIntent(intentAt('2026-11-28T16:00:00Z', { account: 'TS-50K' }), exposure)?.code,
    ).toBe('OUTSIDE_TRADING_HOURS');
    expect(
      compliance.checkIntent(intentAt('2026-11-29T23:00:01Z', { account: 'TS-50K' }), exposure),
    ).toBeUndefined();
  });
});

describe('Topstep 50K combine: Daily Loss Limit across a restart', () => {
  it('keeps the lock and its 17:00 Chicago end when the engine restarts from the saved rule state', () => {
    const before = new AccountCompliance('TS-50K', topstep);
    before.updateAccount(accountAt('2026-11-24T15:00:00Z', 50_000, 50_000, 'TS-50K'));
    before.updateAccount(accountAt('2026-11-24T16:00:00Z', 49_000, 49_000, 'TS-50K'));
    const after = new AccountCompliance('TS-50K', topstep);
    expect(after.restore(JSON.parse(JSON.stringify(before.snapshot())))).toBe(true);
    expect(after.status).toMatchObject({
      state: 'HALTED',
      dailyLockUntil: microsFromIso('2026-11-24T23:00:00Z'),
    });
    const exposure = new AccountExposure();
    expect(after.checkIntent(intentAt('2026-11-24T20:00:00Z', { account: 'TS-50K' }), exposure)?.code).toBe(
      'HALTED',
    );
    expect(
      after.checkIntent(intentAt('2026-11-24T23:00:01Z', { account: 'TS-50K' }), exposure),
    ).toBeUndefined();
  });
});

describe('Topstep 50K combine: Maximum Loss Limit (What is the Maximum Loss Limit? page)', () => {
  it('walks the published example: $48,500 after a +$500 day, unchanged after −$500, $50,000 for good after a $52,500 close', () => {
    const { engine, commands, limitsOf, states } = engineRig();
    const day = (iso: string, balance: number): void => {
      engine.process({ kind: 'account', state: accountAt(iso, balance, balance, 'TS-50K') });
    };
    const threshold = (): number => {
      const limits = limitsOf();
      return limits.equity - limits.drawdownRoom;
    };
    day('2026-11-24T15:00:00Z', 50_000);
    expect(threshold()).toBe(48_000);
    // Day one ends at $50,500; the threshold is set between trading days, never while trading.
    day('2026-11-24T21:00:00Z', 50_500);
    expect(threshold()).toBe(48_000);
    day('2026-11-24T23:00:00Z', 50_500);
    expect(threshold()).toBe(48_500);
    // Day two loses $500: back to $50,000, the minimum stays $48,500.
    day('2026-11-25T21:00:00Z', 50_000);
    day('2026-11-25T23:00:00Z', 50_000);
    expect(threshold()).toBe(48_500);
    // Day three makes $2,500: $52,500 → $50,000, and there it stays.
    day('2026-11-26T21:00:00Z', 52_500);
    day('2026-11-26T23:00:00Z', 52_500);
    expect(threshold()).toBe(50_000);
    day('2026-11-27T21:00:00Z', 54_000);
    day('2026-11-29T23:30:00Z', 54_000);
    expect(threshold()).toBe(50_000);
    // Falling to it while trading: liquidated and the rule is broken (HALTED, persisted).
    engine.process({ kind: 'account', state: accountAt('2026-11-30T16:00:00Z', 54_000, 50_000, 'TS-50K') });
    expect(states.at(-1)).toMatchObject({ state: 'HALTED' });
    expect(commands.some((command) => command.type === 'flatten')).toBe(true);
  });
});

describe('Topstep 50K combine: Maximum Position Size (What does Maximum Position Size mean? page)', () => {
  it('allows long 2 E-mini S&P and short 3 Crude Oil (5 lots) and counts a micro as a full lot', () => {
    const { engine, denied, approved } = engineRig();
    engine.process({ kind: 'account', state: accountAt('2026-11-24T15:00:00Z', 50_000, 50_000, 'TS-50K') });
    const position = (symbol: string, quantity: number): void => {
      engine.process({
        kind: 'position',
        position: {
          account: 'TS-50K',
          symbol,
          ts: microsFromIso('2026-11-24T15:00:00Z'),
          quantity,
          averagePrice: 100,
          unrealizedPnl: 0,
          realizedPnl: 0,
        },
      });
    };
    position('ES 12-26', 2);
    position('CL 01-27', -3);
    const at = '2026-11-24T15:00:01Z';
    engine.process({ kind: 'intent', intent: intentAt(at, { account: 'TS-50K', symbol: 'MES 12-26' }) });
    expect(denied.at(-1)).toMatchObject({
      code: 'CONTRACT_LIMIT',
      numbers: { limitMinis: 5, currentMinis: 5, projectedMinis: 6 },
    });
    // Closing one lot is always allowed.
    engine.process({ kind: 'intent', intent: intentAt(at, { account: 'TS-50K', side: 'sell' }) });
    expect(approved).toHaveLength(1);
  });
});

describe('Topstep 50K combine: trading hours (When and what products can I trade? page)', () => {
  it('flattens at 15:10 Chicago, refuses entries until 17:00, and resumes on Sunday at 17:00 after a weekend', () => {
    const rig = profileRig(PROFILE, 'TS-50K', '2026-11-27T21:00:00Z');
    // Friday 27 Nov, 15:00 Chicago: long 1.
    rig.tick('2026-11-27T21:00:00Z', 6000);
    rig.order('2026-11-27T21:00:01Z');
    rig.order('2026-11-27T21:00:02Z', { type: 'limit', limitPrice: 5950 });
    expect(rig.position()).toBe(1);
    // Flat before 15:10:00, not at it: the flatten goes out 30 s ahead (flattenLeadSeconds).
    rig.tick('2026-11-27T21:09:29Z', 6001);
    expect(rig.commands.filter((c) => c.type === 'flatten')).toHaveLength(0);
    expect(rig.position()).toBe(1);
    rig.tick('2026-11-27T21:09:30Z', 6001);
    expect(rig.commands.at(-1)).toMatchObject({ type: 'flatten', account: 'TS-50K' });
    expect(rig.position()).toBe(0);
    expect(rig.handle.orders.liveOrders('TS-50K')).toEqual([]);
    expect((rig.decision(rig.order('2026-11-27T21:30:00Z')) as OrderDenied).code).toBe(
      'OUTSIDE_TRADING_HOURS',
    );
    // No session on Saturday, nor on Sunday before 17:00.
    expect((rig.decision(rig.order('2026-11-28T18:00:00Z')) as OrderDenied).code).toBe(
      'OUTSIDE_TRADING_HOURS',
    );
    expect((rig.decision(rig.order('2026-11-29T22:59:00Z')) as OrderDenied).code).toBe(
      'OUTSIDE_TRADING_HOURS',
    );
    rig.tick('2026-11-29T23:00:00Z', 6005);
    expect(rig.decision(rig.order('2026-11-29T23:00:01Z'))).toBe('approved');
  });
});

describe('Topstep 50K combine: Consistency Target', () => {
  it('passes the published $900 best day of $2,800 (32 %) and fails a best day over half the profit', () => {
    const consistent = new AccountCompliance('TS-50K', topstep);
    let balance = 50_000;
    const close = (compliance: AccountCompliance, day: string, pnl: number): void => {
      balance += pnl;
      compliance.updateAccount(accountAt(`${day}T20:00:00Z`, balance, balance, 'TS-50K'));
    };
    consistent.updateAccount(accountAt('2026-11-23T15:00:00Z', 50_000, 50_000, 'TS-50K'));
    close(consistent, '2026-11-23', 900);
    close(consistent, '2026-11-24', 700);
    close(consistent, '2026-11-25', 600);
    close(consistent, '2026-11-26', 600);
    const passed = consistent.consistency();
    expect(passed).toMatchObject({ totalProfit: 2800, bestDay: 900, passes: true });
    expect(passed?.bestDayShare).toBeCloseTo(0.3214, 4);

    balance = 50_000;
    const lopsided = new AccountCompliance('TS-50K', topstep);
    lopsided.updateAccount(accountAt('2026-11-23T15:00:00Z', 50_000, 50_000, 'TS-50K'));
    close(lopsided, '2026-11-23', 1_600);
    close(lopsided, '2026-11-24', 1_400);
    expect(lopsided.status.profitTargetReached).toBe(true);
    expect(lopsided.consistency()).toMatchObject({
      totalProfit: 3000,
      bestDay: 1600,
      passes: false,
      profitNeeded: 3200,
    });
    // Exactly half is not "below" half: $1,500 of $3,000 still does not pass.
    balance = 50_000;
    const half = new AccountCompliance('TS-50K', topstep);
    half.updateAccount(accountAt('2026-11-23T15:00:00Z', 50_000, 50_000, 'TS-50K'));
    close(half, '2026-11-23', 1_500);
    close(half, '2026-11-24', 1_500);
    expect(half.consistency()).toMatchObject({ totalProfit: 3000, bestDayShare: 0.5, passes: false });
  });
});

/** The real risk engine alone on the Topstep profile, fed account updates and positions directly. */
function engineRig() {
  const bus = new MessageBus();
  const clock = new ReplayClock(microsFromIso('2026-11-24T15:00:00Z'));
  const engine = new RiskEngine(bus, clock, {
    accounts: [{ id: 'TS-50K', profile: topstep, mode: 'auto' }],
    haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-topstep-')))),
  }).start();
  const commands: ExecutionCommand[] = [];
  const denied: OrderDenied[] = [];
  const approved: unknown[] = [];
  const states: { state: string }[] = [];
  bus.observe(TOPICS.executionCommands).subscribe((command) => commands.push(command));
  bus.observe(TOPICS.orderDenials).subscribe((denial) => denied.push(denial));
  bus.observe(TOPICS.approvedIntents).subscribe((intent) => approved.push(intent));
  bus.observe(TOPICS.riskStates).subscribe((state) => states.push(state));
  const limitsOf = () => {
    const limits = engine.limits('TS-50K');
    if (!limits) throw new Error('no limits');
    return limits;
  };
  return { engine, clock, commands, denied, approved, states, limitsOf };
}
