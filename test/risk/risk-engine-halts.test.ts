import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert, OrderIntent } from '../../src/core/events.js';
import type { ExecutionCommand } from '../../src/core/execution-commands.js';
import { microsFromIso, type Micros } from '../../src/core/time.js';
import { ComplianceStore, complianceFilePath } from '../../src/risk/compliance-store.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import type { OrderDenied, RiskDecision } from '../../src/risk/risk-events.js';
import type { AutomationMode } from '../../src/risk/rule-profile.js';
import { accountAt, intentAt } from './scenario-helpers.js';

const apex = loadRuleProfile('apex-50k-evaluation');
const TUESDAY = '2026-11-24T15:00:00Z';
const T0 = microsFromIso(TUESDAY);
const SECOND = 1_000_000;

interface RigOptions {
  readonly accounts?: readonly string[];
  readonly mode?: AutomationMode;
  readonly dataDir?: string;
  readonly complianceStore?: ComplianceStore;
  readonly complianceSaveIntervalMicros?: Micros;
}

/** An engine with real halt (and optionally rule state) files in a fresh folder, every output recorded. */
function rig(options: RigOptions = {}) {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'enigma-halts-'));
  const bus = new MessageBus();
  const clock = new ReplayClock(T0);
  const accounts = options.accounts ?? ['SIM-50K'];
  const engine = new RiskEngine(bus, clock, {
    accounts: accounts.map((id) => ({ id, profile: apex, mode: options.mode ?? 'auto' })),
    haltStore: new HaltStore(haltFilePath(dataDir)),
    ...(options.complianceStore && { complianceStore: options.complianceStore }),
    ...(options.complianceSaveIntervalMicros !== undefined && {
      complianceSaveIntervalMicros: options.complianceSaveIntervalMicros,
    }),
  }).start();
  const commands: ExecutionCommand[] = [];
  const alerts: Alert[] = [];
  const denied: OrderDenied[] = [];
  const decisions: RiskDecision[] = [];
  bus.observe(TOPICS.executionCommands).subscribe((command) => commands.push(command));
  bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
  bus.observe(TOPICS.orderDenials).subscribe((denial) => denied.push(denial));
  bus.observe(TOPICS.riskDecisions).subscribe((decision) => decisions.push(decision));
  for (const id of accounts)
    engine.process({ kind: 'account', state: accountAt(TUESDAY, 50_000, 50_000, id) });
  const haltFile = () => new HaltStore(haltFilePath(dataDir)).load();
  const notSaved = () => alerts.filter((alert) => alert.code === 'RISK_STATE_NOT_SAVED');
  return { bus, clock, engine, commands, alerts, denied, decisions, dataDir, haltFile, notSaved };
}

/** A directory where the store writes its temporary file: the rename never happens, the file reads fine. */
function blockWrites(path: string): void {
  mkdirSync(`${path}.${process.pid}.tmp`, { recursive: true });
}

function unblockWrites(path: string): void {
  rmSync(`${path}.${process.pid}.tmp`, { recursive: true, force: true });
}

function openPosition(engine: RiskEngine, ts: Micros, account = 'SIM-50K'): void {
  engine.process({
    kind: 'position',
    position: {
      account,
      symbol: 'ES 12-26',
      ts,
      quantity: 1,
      averagePrice: 6000,
      unrealizedPnl: 0,
      realizedPnl: 0,
    },
  });
}

describe('the kill switch', () => {
  it('halts every account, kept as `*` in the halt file, when no account is named', () => {
    const r = rig({ accounts: ['SIM-A', 'SIM-B'] });
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
    const r = rig({ accounts: ['SIM-A', 'SIM-B'] });
    expect(r.engine.execute({ type: 'kill', account: '*', reason: 'news', by: 'cli' }).accounts).toEqual([
      'SIM-A',
      'SIM-B',
    ]);
    const file = r.haltFile();
    expect(file.ok && file.halts.get('*')).toMatchObject({ kind: 'manual', reason: 'news' });
  });

  it('halts only the account named: no `*` in the file, the other account keeps trading', () => {
    const r = rig({ accounts: ['SIM-A', 'SIM-B'] });
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
    const r = rig();
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
    const r = rig();
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
    const r = rig({ mode: 'confirm' });
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
    const r = rig({ accounts: ['SIM-A', 'SIM-B', 'SIM-C'] });
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
    const r = rig();
    expect(r.engine.execute({ type: 'resume', by: 'bob' })).toEqual({
      ok: true,
      message: 'no account was halted',
      accounts: [],
    });
  });

  it('refuses an unknown account', () => {
    const r = rig();
    r.engine.execute({ type: 'kill', reason: 'x', by: 'cli' });
    expect(r.engine.execute({ type: 'resume', account: 'NOPE', by: 'bob' })).toEqual({
      ok: false,
      message: "unknown account 'NOPE' [RISK_UNKNOWN_ACCOUNT]",
      accounts: [],
    });
    expect(r.engine.haltOf('SIM-50K')).toBeDefined();
  });

  it('writes the halt file once for all the accounts it resumes (one alert when it cannot)', () => {
    const r = rig({ accounts: ['SIM-A', 'SIM-B'] });
    r.engine.execute({ type: 'kill', reason: 'x', by: 'cli' });
    blockWrites(haltFilePath(r.dataDir));
    try {
      r.engine.execute({ type: 'resume', by: 'bob' });
      expect(r.notSaved().map((alert) => alert.message)).toEqual([
        expect.stringMatching(/^the halt file cannot be written/),
      ]);
    } finally {
      unblockWrites(haltFilePath(r.dataDir));
    }
  });

  it('does not write back a resume it read from the halt file: the file already says it, no false alarm', () => {
    const r = rig({ accounts: ['SIM-A', 'SIM-B'] });
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
      expect(r.notSaved()).toEqual([]);
    } finally {
      unblockWrites(path);
    }
  });

  it('keeps the drawdown threshold after a manual halt: only a breach restarts the rules', () => {
    const r = rig();
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 51_000) });
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:02:00Z', 50_500) });
    expect(r.engine.compliance('SIM-50K')?.threshold).toBe(48_500);
    r.engine.execute({ type: 'kill', reason: 'lunch', by: 'cli' });
    r.engine.execute({ type: 'resume', by: 'bob' });
    expect(r.engine.compliance('SIM-50K')?.threshold).toBe(48_500);
  });

  it('restarts the rules from the current balance on a breach halt read back after a restart', () => {
    const first = rig();
    first.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 47_500) });
    expect(first.engine.haltOf('SIM-50K')?.kind).toBe('breach');
    first.engine.close();
    // No rule state file: the new engine's rules are not breached, but the breach halt stands.
    const second = rig({ dataDir: first.dataDir });
    second.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:02:00Z', 48_000) });
    expect(second.engine.compliance('SIM-50K')).toMatchObject({ breached: false, threshold: 47_500 });
    expect(second.engine.haltOf('SIM-50K')?.kind).toBe('breach');
    second.engine.execute({ type: 'resume', by: 'bob' });
    expect(second.engine.compliance('SIM-50K')).toMatchObject({ breached: false, threshold: 45_500 });
  });

  it('flattens again at the forced-flat time after a resume (a kill earlier sent none of its own)', () => {
    const r = rig();
    openPosition(r.engine, T0);
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
    const r = rig({ mode: 'confirm' });
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
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-rules-'));
    const path = complianceFilePath(dataDir);
    const r = rig({
      dataDir,
      complianceStore: new ComplianceStore(path),
      ...(intervalMicros !== undefined && { complianceSaveIntervalMicros: intervalMicros }),
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
      expect(r.notSaved()).toEqual([
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
