import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { OrderIntent } from '../../src/core/events.js';
import { microsFromIso, type Micros } from '../../src/core/time.js';
import { ComplianceStore, complianceFilePath } from '../../src/risk/compliance-store.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { freshDataDir, riskEngineRig, TUESDAY, type RiskEngineRig } from './risk-engine-rig.js';
import { accountAt, intentAt, positionAt } from './scenario-helpers.js';

const T0 = microsFromIso(TUESDAY);
const SECOND = 1_000_000;

/** The alerts saying a halt or rule state file could not be written. */
function notSaved(r: RiskEngineRig) {
  return r.alerts.filter((alert) => alert.code === 'RISK_STATE_NOT_SAVED');
}

/** A directory where the store writes its temporary file: the rename never happens, the file reads fine. */
function blockWrites(path: string): void {
  mkdirSync(`${path}.${process.pid}.tmp`, { recursive: true });
}

function unblockWrites(path: string): void {
  rmSync(`${path}.${process.pid}.tmp`, { recursive: true, force: true });
}

describe('the kill switch', () => {
  it('halts every account, kept as `*` in the halt file, when no account is named', () => {
    const r = riskEngineRig({ accounts: ['SIM-A', 'SIM-B'] });
    const result = r.engine.execute({ type: 'kill', reason: 'news', by: 'cli' });
    expect(result).toEqual({
      ok: true,
      message: 'halted SIM-A, SIM-B: flatten and cancel sent',
      accounts: ['SIM-A', 'SIM-B'],
    });
    const file = r.haltFile();
    expect(file.ok && file.halts.get('*')).toMatchObject({ kind: 'manual', reason: 'news', by: 'cli' });
  });

  it('halts every account, kept as `*`, when the account named is `*`', () => {
    const r = riskEngineRig({ accounts: ['SIM-A', 'SIM-B'] });
    expect(r.engine.execute({ type: 'kill', account: '*', reason: 'news', by: 'cli' }).accounts).toEqual([
      'SIM-A',
      'SIM-B',
    ]);
    const file = r.haltFile();
    expect(file.ok && file.halts.get('*')).toMatchObject({ kind: 'manual', reason: 'news' });
  });

  it('halts only the account named: no `*` in the file, the other account keeps trading', () => {
    const r = riskEngineRig({ accounts: ['SIM-A', 'SIM-B'] });
    expect(r.engine.execute({ type: 'kill', account: 'SIM-A', reason: 'news', by: 'cli' })).toEqual({
      ok: true,
      message: 'halted SIM-A: flatten and cancel sent',
      accounts: ['SIM-A'],
    });
    const file = r.haltFile();
    expect(file.ok && [...file.halts.keys()]).toEqual(['SIM-A']);
    expect(r.engine.haltOf('SIM-B')).toBeUndefined();
  });

  it('sends a flatten and a critical alert that name the reason and who pulled it', () => {
    const r = riskEngineRig();
    r.engine.execute({ type: 'kill', account: 'SIM-50K', reason: 'news at 10:00', by: 'alice' });
    expect(r.commands).toEqual([
      { type: 'flatten', account: 'SIM-50K', reason: 'kill switch: news at 10:00' },
    ]);
    expect(r.alerts).toContainEqual(
      expect.objectContaining({
        severity: 'critical',
        code: 'RISK_KILL_SWITCH',
        message: 'SIM-50K halted by alice: news at 10:00',
        account: 'SIM-50K',
      }),
    );
  });

  it('refuses an unknown account and halts nothing', () => {
    const r = riskEngineRig();
    expect(r.engine.execute({ type: 'kill', account: 'NOPE', reason: 'x', by: 'cli' })).toEqual({
      ok: false,
      message: "unknown account 'NOPE' [RISK_UNKNOWN_ACCOUNT]",
      accounts: [],
    });
    expect(r.engine.haltOf('SIM-50K')).toBeUndefined();
    expect(r.commands).toEqual([]);
  });
});

describe('a breach halt', () => {
  it('rejects the pending proposals of the account, saying it was halted and why', () => {
    const r = riskEngineRig({ mode: 'confirm' });
    const intent = intentAt(TUESDAY);
    r.engine.process({ kind: 'intent', intent });
    expect(r.engine.pendingProposals().map((proposal) => proposal.id)).toEqual([intent.id]);
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 50_000, 47_500) });
    const halt = r.engine.haltOf('SIM-50K');
    expect(halt?.kind).toBe('breach');
    expect(r.engine.pendingProposals()).toEqual([]);
    expect(r.decisions.at(-1)).toMatchObject({
      intentId: intent.id,
      outcome: 'rejected',
      code: 'HALTED',
      by: 'rules',
      reason: `account halted: ${halt?.reason ?? '?'}`,
    });
    expect(halt?.reason).toMatch(/\S/);
  });
});

describe('resume', () => {
  it('says which accounts it resumed: only those that were halted', () => {
    const r = riskEngineRig({ accounts: ['SIM-A', 'SIM-B', 'SIM-C'] });
    r.engine.execute({ type: 'kill', account: 'SIM-A', reason: 'x', by: 'cli' });
    r.engine.execute({ type: 'kill', account: 'SIM-C', reason: 'y', by: 'cli' });
    expect(r.engine.execute({ type: 'resume', by: 'bob' })).toEqual({
      ok: true,
      message: 'resumed SIM-A, SIM-C',
      accounts: ['SIM-A', 'SIM-C'],
    });
    expect(r.alerts.filter((alert) => alert.code === 'RISK_RESUMED')).toEqual([
      expect.objectContaining({ severity: 'warning', message: 'SIM-A resumed by bob', account: 'SIM-A' }),
      expect.objectContaining({ severity: 'warning', message: 'SIM-C resumed by bob', account: 'SIM-C' }),
    ]);
  });

  it('says so when no account was halted', () => {
    const r = riskEngineRig();
    expect(r.engine.execute({ type: 'resume', by: 'bob' })).toEqual({
      ok: true,
      message: 'no account was halted',
      accounts: [],
    });
  });

  it('refuses an unknown account', () => {
    const r = riskEngineRig();
    r.engine.execute({ type: 'kill', reason: 'x', by: 'cli' });
    expect(r.engine.execute({ type: 'resume', account: 'NOPE', by: 'bob' })).toEqual({
      ok: false,
      message: "unknown account 'NOPE' [RISK_UNKNOWN_ACCOUNT]",
      accounts: [],
    });
    expect(r.engine.haltOf('SIM-50K')).toBeDefined();
  });

  it('writes the halt file once for all the accounts it resumes (one alert when it cannot)', () => {
    const r = riskEngineRig({ accounts: ['SIM-A', 'SIM-B'] });
    r.engine.execute({ type: 'kill', reason: 'x', by: 'cli' });
    blockWrites(haltFilePath(r.dataDir));
    try {
      r.engine.execute({ type: 'resume', by: 'bob' });
      expect(notSaved(r).map((alert) => alert.message)).toEqual([
        expect.stringMatching(/^the halt file cannot be written/),
      ]);
    } finally {
      unblockWrites(haltFilePath(r.dataDir));
    }
  });

  it('does not write back a resume it read from the halt file: the file already says it, no false alarm', () => {
    const r = riskEngineRig({ accounts: ['SIM-A', 'SIM-B'] });
    r.engine.execute({ type: 'kill', account: 'SIM-A', reason: 'x', by: 'cli' });
    const path = haltFilePath(r.dataDir);
    // Another process (the CLI) resumes SIM-A; the engine's own writes are blocked from now on.
    new HaltStore(path).save(new Map());
    blockWrites(path);
    try {
      r.engine.syncHaltsFromFile();
      expect(r.engine.haltOf('SIM-A')).toBeUndefined();
      expect(r.alerts).toContainEqual(
        expect.objectContaining({ code: 'RISK_RESUMED', message: 'SIM-A resumed by halt file' }),
      );
      expect(notSaved(r)).toEqual([]);
    } finally {
      unblockWrites(path);
    }
  });

  it('keeps the drawdown threshold after a manual halt: only a breach restarts the rules', () => {
    const r = riskEngineRig();
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 51_000) });
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:02:00Z', 50_500) });
    expect(r.engine.compliance('SIM-50K')?.threshold).toBe(48_500);
    r.engine.execute({ type: 'kill', reason: 'lunch', by: 'cli' });
    r.engine.execute({ type: 'resume', by: 'bob' });
    expect(r.engine.compliance('SIM-50K')?.threshold).toBe(48_500);
  });

  it('restarts the rules from the current balance on a breach halt read back after a restart', () => {
    const first = riskEngineRig();
    first.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 47_500) });
    expect(first.engine.haltOf('SIM-50K')?.kind).toBe('breach');
    first.engine.close();
    // No rule state file: the new engine's rules are not breached, but the breach halt stands.
    const second = riskEngineRig({ dataDir: first.dataDir });
    second.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:02:00Z', 48_000) });
    expect(second.engine.compliance('SIM-50K')).toMatchObject({ breached: false, threshold: 47_500 });
    expect(second.engine.haltOf('SIM-50K')?.kind).toBe('breach');
    second.engine.execute({ type: 'resume', by: 'bob' });
    expect(second.engine.compliance('SIM-50K')).toMatchObject({ breached: false, threshold: 45_500 });
  });

  it('flattens again at the forced-flat time after a resume (a kill earlier sent none of its own)', () => {
    const r = riskEngineRig();
    r.engine.process({ kind: 'position', position: positionAt(T0) });
    r.engine.execute({ type: 'kill', reason: 'x', by: 'cli' });
    r.engine.execute({ type: 'resume', by: 'bob' });
    r.commands.length = 0;
    const late = microsFromIso('2026-11-24T21:58:45Z');
    r.clock.advanceTo(late);
    r.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: late, price: 6000 });
    expect(r.commands).toEqual([expect.objectContaining({ type: 'flatten', account: 'SIM-50K' })]);
  });
});

describe('confirming a proposal', () => {
  function proposed() {
    const r = riskEngineRig({ mode: 'confirm' });
    const intent: OrderIntent = intentAt(TUESDAY);
    r.engine.process({ kind: 'intent', intent });
    return { r, intent };
  }

  it('refuses an id that names no proposal', () => {
    const { r } = proposed();
    expect(r.engine.execute({ type: 'confirm', proposalId: 'nope', by: 'bob' })).toEqual({
      ok: false,
      message: "no proposal 'nope' [RISK_UNKNOWN_PROPOSAL]",
      accounts: [],
    });
  });

  it('refuses a proposal one microsecond past its expiry, and says it expired', () => {
    const { r, intent } = proposed();
    const proposal = r.engine.pendingProposals()[0];
    if (!proposal) throw new Error('no proposal');
    r.clock.advanceTo(proposal.expiresAt + 1);
    expect(r.engine.execute({ type: 'confirm', proposalId: intent.id, by: 'bob' })).toEqual({
      ok: false,
      message: `proposal '${intent.id}' expired [RISK_UNKNOWN_PROPOSAL]`,
      accounts: ['SIM-50K'],
    });
    expect(r.denied.at(-1)).toMatchObject({
      code: 'PROPOSAL_EXPIRED',
      reason: 'the proposal expired before it was confirmed',
      numbers: { expiresAt: proposal.expiresAt, decidedAt: proposal.expiresAt + 1 },
    });
  });

  it('confirms a proposal exactly at its expiry', () => {
    const { r, intent } = proposed();
    const proposal = r.engine.pendingProposals()[0];
    if (!proposal) throw new Error('no proposal');
    r.clock.advanceTo(proposal.expiresAt);
    expect(r.engine.execute({ type: 'confirm', proposalId: intent.id, by: 'bob' }).ok).toBe(true);
  });
});

describe('the rule state file', () => {
  function withStore(intervalMicros?: Micros) {
    const dataDir = freshDataDir();
    const path = complianceFilePath(dataDir);
    const r = riskEngineRig({
      dataDir,
      engineOptions: {
        complianceStore: new ComplianceStore(path),
        ...(intervalMicros !== undefined && { complianceSaveIntervalMicros: intervalMicros }),
      },
    });
    return { r, path, store: new ComplianceStore(path) };
  }

  it('is not written again when no rule figure changed, however long after', () => {
    const { r, path } = withStore();
    expect(existsSync(path)).toBe(true);
    rmSync(path);
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:10:00Z', 50_000, 49_900) });
    expect(existsSync(path)).toBe(false);
  });

  it('is written at once when the trailing threshold stops, within the throttle interval', () => {
    const { r, store } = withStore(60 * 60 * SECOND);
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:00:01Z', 52_600) });
    expect(r.engine.compliance('SIM-50K')?.trailingStopped).toBe(true);
    expect(store.load().get('SIM-50K')).toMatchObject({ trailingStopped: true });
  });

  it('says with a critical alert that the rule state cannot be written', () => {
    const { r, path } = withStore();
    blockWrites(path);
    try {
      r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:00:01Z', 52_600) });
      expect(notSaved(r)).toEqual([
        expect.objectContaining({
          severity: 'critical',
          message: expect.stringMatching(/^the account rule state cannot be written/) as string,
        }),
      ]);
    } finally {
      unblockWrites(path);
    }
  });
});
