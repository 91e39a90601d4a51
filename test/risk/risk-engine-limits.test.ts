import { writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { microsFromIso } from '../../src/core/time.js';
import { haltFilePath } from '../../src/risk/halt-store.js';
import { riskEngineRig, topstep, TUESDAY, type RiskEngineRig } from './risk-engine-rig.js';
import { intentAt, orderAt } from './scenario-helpers.js';

const T0 = microsFromIso(TUESDAY);

describe('dropping proposals (halt, mode change, broker loss) touches only the accounts named', () => {
  const two = (): RiskEngineRig => riskEngineRig({ accounts: ['ACCT-A', 'ACCT-B'], mode: 'confirm' });
  const propose = (r: RiskEngineRig) => {
    r.engine.process({ kind: 'intent', intent: intentAt(TUESDAY, { account: 'ACCT-A', id: 'prop-a' }) });
    r.engine.process({ kind: 'intent', intent: intentAt(TUESDAY, { account: 'ACCT-B', id: 'prop-b' }) });
    expect(r.engine.pendingProposals().map((p) => p.id)).toEqual(['prop-a', 'prop-b']);
  };

  it('a kill of one account rejects its proposal (HALTED, by whom) and leaves the other account’s to confirm', () => {
    const r = two();
    propose(r);
    r.engine.execute({ type: 'kill', account: 'ACCT-A', reason: 'news', by: 'ops' });
    expect(r.engine.pendingProposals().map((p) => p.id)).toEqual(['prop-b']);
    expect(r.decisions.filter((d) => d.outcome === 'rejected')).toMatchObject([
      { intentId: 'prop-a', account: 'ACCT-A', code: 'HALTED', by: 'ops', reason: 'account halted: news' },
    ]);
    expect(r.engine.execute({ type: 'confirm', proposalId: 'prop-b', by: 'ops' }).ok).toBe(true);
  });

  it('a mode change of one account rejects only its proposal, with no denial code', () => {
    const r = two();
    propose(r);
    r.engine.execute({ type: 'set-mode', account: 'ACCT-B', mode: 'signals-only', by: 'ops' });
    expect(r.engine.pendingProposals().map((p) => p.id)).toEqual(['prop-a']);
    const rejected = r.decisions.filter((d) => d.outcome === 'rejected');
    expect(rejected).toMatchObject([{ intentId: 'prop-b', by: 'ops', reason: 'mode set to signals-only' }]);
    expect(rejected[0]?.code).toBeUndefined();
  });
});

describe('limits: the room an account has now', () => {
  it('a manual kill leaves no room at all, though the rules alone would allow trading', () => {
    const r = riskEngineRig();
    expect(r.engine.limits('SIM-50K')).toMatchObject({ drawdownRoom: 2500, contractLimit: 5 });
    r.engine.execute({ type: 'kill', account: 'SIM-50K', reason: 'news', by: 'ops' });
    expect(r.engine.compliance('SIM-50K')?.state).toBe('ACTIVE');
    expect(r.engine.limits('SIM-50K')).toMatchObject({
      account: 'SIM-50K',
      equity: 50_000,
      drawdownRoom: 0,
      dailyLossRoom: 0,
      contractLimit: 0,
    });
  });

  it('daily-loss room is the limit less the day’s loss (1000 − 300 = 700), and 0 exactly at the limit', () => {
    const r = riskEngineRig({ profile: topstep });
    expect(r.engine.limits('SIM-50K')?.dailyLossRoom).toBe(1000);
    r.account(49_700);
    expect(r.engine.limits('SIM-50K')?.dailyLossRoom).toBe(700);
    expect(r.limits.at(-1)?.dailyLossRoom).toBe(700);
    r.account(49_001);
    expect(r.engine.limits('SIM-50K')?.dailyLossRoom).toBe(1);
    r.account(49_000);
    expect(r.engine.limits('SIM-50K')?.dailyLossRoom).toBe(0);
  });

  it('for any loss short of the limit, daily-loss room + loss = the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 999 }), (loss) => {
        const r = riskEngineRig({ profile: topstep });
        r.account(50_000 - loss);
        expect(r.engine.limits('SIM-50K')?.dailyLossRoom).toBe(1000 - loss);
      }),
      { numRuns: 25 },
    );
  });
});

describe('risk state is published when it changes, not on every update', () => {
  it('an account update that changes nothing publishes no new state', () => {
    const r = riskEngineRig();
    const before = r.states.length;
    r.account(50_000);
    r.account(50_000);
    expect(r.states).toHaveLength(before);
  });

  it('while REDUCING with a reason, the same update again publishes no new state', () => {
    const r = riskEngineRig();
    r.mismatch('ES 12-26 position 0 here, 2 at paper');
    expect(r.states.at(-1)).toMatchObject({ state: 'REDUCING', health: 50 });
    const before = r.states.length;
    r.account(50_000);
    r.mismatch('ES 12-26 position 0 here, 2 at paper');
    expect(r.states).toHaveLength(before);
  });

  it('a health move of 4 points is not published; one of exactly 5 is', () => {
    const r = riskEngineRig();
    expect(r.states.at(-1)).toMatchObject({ state: 'ACTIVE', health: 100 });
    // 100 of the 2500 drawdown room gone: 96.
    r.account(49_900);
    expect(r.engine.riskState('SIM-50K')?.health).toBe(96);
    expect(r.states.at(-1)?.health).toBe(100);
    // One rejected order: 5 points off the published 100.
    const before = r.states.length;
    r.engine.process({
      kind: 'order',
      order: orderAt(T0, {
        clientOrderId: 'rejected-1',
        status: 'rejected',
        type: 'market',
        limitPrice: undefined,
      }),
    });
    r.account(50_000);
    expect(r.states).toHaveLength(before + 1);
    expect(r.states.at(-1)).toMatchObject({ state: 'ACTIVE', health: 95, reasons: [] });
  });

  it('a change of state is published even when health barely moves (4 → 0 on a kill)', () => {
    const r = riskEngineRig();
    // 100 of room left: REDUCING, health 4.
    r.account(47_600);
    expect(r.states.at(-1)).toMatchObject({ state: 'REDUCING', health: 4 });
    r.engine.execute({ type: 'kill', account: 'SIM-50K', reason: 'news', by: 'ops' });
    expect(r.states.at(-1)).toMatchObject({ state: 'HALTED', health: 0, reasons: ['manual: news'] });
  });

  it('updates while halted publish nothing more (and do not fail)', () => {
    const r = riskEngineRig();
    r.engine.execute({ type: 'kill', account: 'SIM-50K', reason: 'news', by: 'ops' });
    const before = r.states.length;
    expect(() => r.account(49_990)).not.toThrow();
    r.mismatch('ES 12-26 position 0 here, 2 at paper');
    expect(r.states).toHaveLength(before);
    expect(r.engine.riskState('SIM-50K')?.state).toBe('HALTED');
  });

  it('start() announces every account’s state, also when started again after close()', () => {
    const r = riskEngineRig();
    r.engine.close();
    const before = r.states.length;
    r.engine.start();
    expect(r.states).toHaveLength(before + 1);
    expect(r.states.at(-1)).toMatchObject({ account: 'SIM-50K', state: 'ACTIVE', health: 100 });
  });
});

describe('reasons are compared without their numbers', () => {
  it('a reason whose figures alone change (any digits, sign or separators) publishes no new state', () => {
    const r = riskEngineRig();
    r.mismatch('ES 12-26 broker 12, engine -3, room 1,250.5');
    const before = r.states.length;
    r.mismatch('ES 03-27 broker 3, engine -12, room 980');
    expect(r.states).toHaveLength(before);
    expect(r.engine.riskState('SIM-50K')?.reasons).toEqual([
      'broker reconciliation mismatch: ES 03-27 broker 3, engine -12, room 980',
    ]);
  });

  it('a reason with other words (same length) publishes the new reason', () => {
    const r = riskEngineRig();
    r.mismatch('ES 12-26 position 0 here, 2 at paper');
    r.mismatch('NQ 12-26 position 0 here, 2 at paper');
    expect(r.states.at(-1)).toMatchObject({
      state: 'REDUCING',
      reasons: ['broker reconciliation mismatch: NQ 12-26 position 0 here, 2 at paper'],
    });
  });

  it('a figure is replaced, not deleted: a name that loses a digit (ESZ6 → ESZ) is a new reason', () => {
    const r = riskEngineRig();
    r.mismatch('ESZ6 position 0 here, 2 at paper');
    r.mismatch('ESZ position 0 here, 2 at paper');
    expect(r.states.at(-1)?.reasons).toEqual([
      'broker reconciliation mismatch: ESZ position 0 here, 2 at paper',
    ]);
  });

  it('a second reason in the same state and health publishes both', () => {
    const r = riskEngineRig({ profile: topstep });
    // 900 of the 1000 daily loss: REDUCING, health 10.
    r.account(49_100);
    expect(r.states.at(-1)).toMatchObject({ state: 'REDUCING', health: 10 });
    r.mismatch('ES 12-26 position 0 here, 2 at paper');
    expect(r.states.at(-1)).toMatchObject({
      state: 'REDUCING',
      health: 10,
      reasons: [
        'within 150 of the daily loss limit (day -900)',
        'broker reconciliation mismatch: ES 12-26 position 0 here, 2 at paper',
      ],
    });
  });
});

describe('alerts name their account, and only when there is one', () => {
  it('a kill alert names the account; an unreadable halt file alerts for all, naming none', () => {
    const r = riskEngineRig();
    r.engine.execute({ type: 'kill', account: 'SIM-50K', reason: 'news', by: 'ops' });
    expect(r.alerts.find((a) => a.code === 'RISK_KILL_SWITCH')).toMatchObject({
      account: 'SIM-50K',
      message: 'SIM-50K halted by ops: news',
    });
    writeFileSync(haltFilePath(r.dataDir), '{ not json');
    r.engine.syncHaltsFromFile();
    const invalid = r.alerts.find((a) => a.code === 'RISK_HALT_FILE_INVALID');
    expect(invalid).toBeDefined();
    expect(Object.keys(invalid ?? {})).not.toContain('account');
  });
});
