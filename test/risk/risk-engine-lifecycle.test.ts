import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { microsFromIso, type Micros } from '../../src/core/time.js';
import { HaltStore, haltFilePath, type HaltRecord } from '../../src/risk/halt-store.js';
import {
  apex,
  freshDataDir,
  riskEngineRig,
  topstep,
  TUESDAY,
  type RiskEngineRig,
  type RiskEngineRigOptions,
} from './risk-engine-rig.js';
import { accountAt, intentAt, orderAt, positionAt } from './scenario-helpers.js';

/** Apex flattens 30 s before its 16:59 New York cutoff: 16:58:30 EST is 21:58:30 UTC. */
const FLAT_BY = microsFromIso('2026-11-24T21:58:30Z');

/** These tests are about the engine's start and its clock: its accounts have had no update yet. */
function unfundedRig(options: RiskEngineRigOptions = {}): RiskEngineRig {
  return riskEngineRig({ initialAccountUpdate: false, ...options });
}

/** The halt file as the CLI writes it (`enigma kill` / `enigma resume` on a running engine). */
function writeHalts(dataDir: string, halts: Record<string, HaltRecord>): void {
  new HaltStore(haltFilePath(dataDir)).save(new Map(Object.entries(halts)));
}

function manualHalt(ts: Micros, reason = 'desk says stop'): HaltRecord {
  return { kind: 'manual', reason, by: 'cli', ts };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('start', () => {
  it('publishes every account’s state and limits at start, even when they were already published', () => {
    const r = unfundedRig({ start: false });
    r.engine.process({ kind: 'account', state: accountAt(TUESDAY, 50_000) });
    expect(r.states).toHaveLength(1);
    const limitsBefore = r.limits.length;
    r.engine.start();
    // A dashboard connecting at start sees the state, though nothing changed since the update.
    expect(r.states).toHaveLength(2);
    expect(r.states[1]).toMatchObject({ account: 'SIM-50K', state: 'ACTIVE' });
    expect(r.limits.length).toBeGreaterThan(limitsBefore);
    expect(r.limits.at(-1)).toMatchObject({ account: 'SIM-50K', equity: 50_000 });
  });

  it('warns at start only for an account in auto whose profile forbids full automation', () => {
    const r = unfundedRig({
      accounts: [
        { id: 'APEX-AUTO', profile: apex, mode: 'auto' },
        { id: 'APEX-CONFIRM', profile: apex, mode: 'confirm' },
        { id: 'TOPSTEP-AUTO', profile: topstep, mode: 'auto' },
        { id: 'TOPSTEP-CONFIRM', profile: topstep, mode: 'confirm' },
      ],
    });
    const warnings = r.alerts.filter((alert) => alert.code === 'RISK_AUTOMATION_NOT_ALLOWED');
    expect(warnings).toEqual([
      {
        ts: microsFromIso(TUESDAY),
        severity: 'warning',
        code: 'RISK_AUTOMATION_NOT_ALLOWED',
        message:
          'APEX-AUTO: profile apex-50k-evaluation forbids fully automated trading, but the account is configured for auto',
        account: 'APEX-AUTO',
      },
    ]);
    expect(r.alerts).toHaveLength(1);
    expect(r.states.map((state) => state.account)).toEqual([
      'APEX-AUTO',
      'APEX-CONFIRM',
      'TOPSTEP-AUTO',
      'TOPSTEP-CONFIRM',
    ]);
  });

  it('lists the managed accounts in configuration order', () => {
    const r = unfundedRig({
      accounts: [
        { id: 'B', profile: apex },
        { id: 'A', profile: topstep },
      ],
    });
    expect(r.engine.accountIds()).toEqual(['B', 'A']);
  });

  it('denies an intent of an account whose broker has not connected yet, saying so', () => {
    const r = unfundedRig({ brokerConnected: false });
    r.engine.process({ kind: 'account', state: accountAt(TUESDAY, 50_000) });
    const decision = r.engine.process({ kind: 'intent', intent: intentAt(TUESDAY, { id: 'first' }) });
    expect(decision).toMatchObject({
      outcome: 'denied',
      denial: { code: 'BROKER_DISCONNECTED', reason: 'SIM-50K: its broker has not connected yet' },
    });
    expect(r.alerts.find((alert) => alert.code === 'EXECUTION_BROKER_DISCONNECTED')?.message).toBe(
      'SIM-50K: intent first denied: its broker has not connected yet; nothing is sent until it reconnects',
    );
  });

  it('counts working orders from the bus in the account’s open contracts', () => {
    const r = unfundedRig();
    r.bus.publish(
      TOPICS.orders,
      orderAt(microsFromIso(TUESDAY), {
        clientOrderId: 'working-1',
        quantity: 3,
        limitPrice: 5990,
        status: 'accepted',
      }),
    );
    expect(r.engine.limits('SIM-50K')?.openMinis).toBe(3);
  });
});

describe('the rules’ flatten at the flat-by time', () => {
  it('flattens an open position the first time the rules require it, on a fresh engine', () => {
    const r = unfundedRig({ at: FLAT_BY - 60_000_000 });
    r.engine.process({ kind: 'position', position: positionAt(FLAT_BY - 60_000_000) });
    expect(r.commands).toEqual([]);
    r.clock.advanceTo(FLAT_BY);
    r.engine.handleClockTick();
    expect(r.commands).toEqual([
      { type: 'flatten', account: 'SIM-50K', reason: 'outside trading hours (flat-window)' },
    ]);
  });

  it('a clock tick flattens exactly at the flat-by time and not a microsecond before', () => {
    const r = unfundedRig({ at: FLAT_BY - 60_000_000 });
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T21:57:30Z', 50_000) });
    r.engine.process({ kind: 'position', position: positionAt(FLAT_BY - 60_000_000) });
    r.clock.advanceTo(FLAT_BY - 1);
    r.engine.handleClockTick();
    expect(r.commands).toEqual([]);
    expect(r.engine.riskState('SIM-50K')?.state).toBe('ACTIVE');
    r.clock.advanceTo(FLAT_BY);
    r.engine.handleClockTick();
    expect(r.commands.map((command) => command.type)).toEqual(['flatten']);
    expect(r.states.at(-1)).toMatchObject({
      state: 'REDUCING',
      reasons: ['outside trading hours (flat-window)'],
    });
  });

  it('a fill after the flatten is closed once, not again on every clock tick', () => {
    const r = unfundedRig({ at: FLAT_BY });
    r.engine.handleClockTick();
    // Flat with no orders when the rules require flat: nothing to send.
    expect(r.commands).toEqual([]);
    r.engine.process({ kind: 'position', position: positionAt(FLAT_BY + 1_000_000) });
    expect(r.commands).toEqual([
      { type: 'flatten', account: 'SIM-50K', reason: 'position opened while flat was required' },
    ]);
    for (const seconds of [2, 3, 4]) {
      r.clock.advanceTo(FLAT_BY + seconds * 1_000_000);
      r.engine.handleClockTick();
    }
    expect(r.commands).toHaveLength(1);
  });
});

describe('the wall-clock timer and close', () => {
  function openPositionBeforeFlatBy(clockTimerMs: number | undefined) {
    vi.useFakeTimers();
    const r = unfundedRig({
      at: FLAT_BY - 60_000_000,
      engineOptions: clockTimerMs === undefined ? {} : { clockTimerMs },
    });
    r.engine.process({ kind: 'position', position: positionAt(FLAT_BY - 60_000_000) });
    r.clock.advanceTo(FLAT_BY);
    return r;
  }

  it('with a timer, time rules apply without market data', () => {
    const r = openPositionBeforeFlatBy(1);
    vi.advanceTimersByTime(1);
    expect(r.commands.map((command) => command.type)).toEqual(['flatten']);
    r.engine.close();
  });

  it.each([0, undefined])('with clockTimerMs %s there is no timer: time moves only with the data', (ms) => {
    const r = openPositionBeforeFlatBy(ms);
    expect(vi.getTimerCount()).toBe(0);
    vi.advanceTimersByTime(1000);
    expect(r.commands).toEqual([]);
    r.engine.close();
  });

  it('close stops the timer and the bus subscriptions', () => {
    const r = openPositionBeforeFlatBy(1);
    r.clock.advanceTo(FLAT_BY - 10_000_000);
    r.engine.close();
    expect(vi.getTimerCount()).toBe(0);
    r.clock.advanceTo(FLAT_BY);
    vi.advanceTimersByTime(1000);
    r.bus.publish(TOPICS.orderIntents, intentAt(FLAT_BY - 10_000_000));
    expect(r.commands).toEqual([]);
    expect(r.decisions).toEqual([]);
  });
});

describe('halts read at construction', () => {
  it('halts every account when the halt file is unreadable, saying why', () => {
    const dataDir = freshDataDir();
    writeFileSync(haltFilePath(dataDir), '{ not json');
    const r = unfundedRig({ dataDir });
    const halt = r.engine.haltOf('SIM-50K');
    expect(halt).toMatchObject({ kind: 'manual', by: 'engine', ts: microsFromIso(TUESDAY) });
    expect(halt?.reason).toMatch(/^halt file unreadable \(.*risk-halts\.json: SyntaxError.*\)$/);
    expect(r.states.at(-1)).toMatchObject({ state: 'HALTED', health: 0 });
  });
});

describe('halts synced from the file of a running engine', () => {
  function twoAccounts() {
    return unfundedRig({
      accounts: ['A', 'B'],
      profile: topstep,
    });
  }

  it('an unreadable file halts every account not yet halted, keeps existing halts, and raises a critical alert', () => {
    const r = twoAccounts();
    const kill = microsFromIso(TUESDAY);
    writeHalts(r.dataDir, { A: manualHalt(kill, 'already stopped') });
    r.engine.syncHaltsFromFile();
    expect(r.commands).toHaveLength(1);
    r.clock.advanceTo(kill + 1_000_000);
    writeFileSync(haltFilePath(r.dataDir), '{ not json');
    r.engine.syncHaltsFromFile();
    const critical = r.alerts.filter((alert) => alert.code === 'RISK_HALT_FILE_INVALID');
    expect(critical).toHaveLength(1);
    expect(critical[0]?.severity).toBe('critical');
    expect(critical[0]?.message).toMatch(
      /risk-halts\.json: SyntaxError.*: every account is HALTED until a person resumes$/,
    );
    expect(r.engine.haltOf('A')).toEqual(manualHalt(kill, 'already stopped'));
    expect(r.engine.haltOf('B')).toEqual({
      kind: 'manual',
      reason: 'halt file unreadable',
      by: 'engine',
      ts: kill + 1_000_000,
    });
    expect(r.commands).toEqual([
      { type: 'flatten', account: 'A', reason: 'already stopped' },
      { type: 'flatten', account: 'B', reason: 'halt file unreadable' },
    ]);
  });

  it('a new manual kill of an account already halted flattens again; the same kill or a breach record does not', () => {
    const r = twoAccounts();
    const first = microsFromIso(TUESDAY);
    writeHalts(r.dataDir, { A: manualHalt(first) });
    r.engine.syncHaltsFromFile();
    r.engine.syncHaltsFromFile();
    expect(r.commands).toHaveLength(1);
    writeHalts(r.dataDir, { A: manualHalt(first + 1, 'again') });
    r.engine.syncHaltsFromFile();
    expect(r.commands).toHaveLength(2);
    expect(r.commands[1]).toEqual({ type: 'flatten', account: 'A', reason: 'again' });
    writeHalts(r.dataDir, { A: { kind: 'breach', reason: 'drawdown', by: 'rules', ts: first + 2 } });
    r.engine.syncHaltsFromFile();
    expect(r.commands).toHaveLength(2);
    expect(r.engine.haltOf('A')?.reason).toBe('again');
  });

  it('a halt removed from the file resumes the account, by the halt file', () => {
    const r = twoAccounts();
    writeHalts(r.dataDir, { A: manualHalt(microsFromIso(TUESDAY)) });
    r.engine.syncHaltsFromFile();
    writeHalts(r.dataDir, {});
    r.engine.syncHaltsFromFile();
    expect(r.engine.haltOf('A')).toBeUndefined();
    expect(r.alerts.filter((alert) => alert.code === 'RISK_RESUMED').map((alert) => alert.message)).toEqual([
      'A resumed by halt file',
    ]);
  });
});

describe('halts saved to the file', () => {
  function haltIds(dataDir: string): string[] {
    const file = JSON.parse(readFileSync(haltFilePath(dataDir), 'utf8')) as {
      halts: Record<string, unknown>;
    };
    return Object.keys(file.halts).sort();
  }

  it('keeps the halts of accounts this engine does not manage', () => {
    const r = unfundedRig();
    writeHalts(r.dataDir, { OTHER: manualHalt(microsFromIso(TUESDAY)) });
    r.engine.execute({ type: 'kill', account: 'SIM-50K', reason: 'test', by: 'test' });
    expect(haltIds(r.dataDir)).toEqual(['OTHER', 'SIM-50K']);
  });

  it('resuming one account ends the all-accounts halt in the file, so a restart does not halt it again', () => {
    const r = unfundedRig({
      accounts: ['A', 'B'],
      profile: topstep,
    });
    r.engine.execute({ type: 'kill', reason: 'everything', by: 'test' });
    expect(haltIds(r.dataDir)).toEqual(['*', 'A', 'B']);
    r.engine.execute({ type: 'resume', account: 'A', by: 'test' });
    expect(haltIds(r.dataDir)).toEqual(['B']);
    const restarted = unfundedRig({ dataDir: r.dataDir, accounts: ['A'], profile: topstep });
    expect(restarted.engine.haltOf('A')).toBeUndefined();
  });
});

describe('an intent or a confirm is the first event after the flat-by time', () => {
  function openPositionAtFlatBy(mode: 'auto' | 'confirm') {
    const r = unfundedRig({ at: FLAT_BY - 60_000_000, mode });
    r.engine.process({ kind: 'account', state: accountAt('2026-11-24T21:57:30Z', 50_000) });
    r.engine.process({ kind: 'position', position: positionAt(FLAT_BY - 60_000_000) });
    return r;
  }

  it('an intent arriving exactly at the flat-by time sends the rules’ flatten, then is denied', () => {
    const r = openPositionAtFlatBy('auto');
    r.clock.advanceTo(FLAT_BY);
    const decision = r.engine.process({ kind: 'intent', intent: intentAt(FLAT_BY) });
    expect(decision?.outcome).toBe('denied');
    expect(r.commands).toEqual([
      { type: 'flatten', account: 'SIM-50K', reason: 'outside trading hours (flat-window)' },
    ]);
    // Later clock ticks do not send it again.
    r.clock.advanceTo(FLAT_BY + 1_000_000);
    r.engine.handleClockTick();
    expect(r.commands).toHaveLength(1);
  });

  it('a confirm arriving after the flat-by time sends the rules’ flatten, then is denied', () => {
    const r = openPositionAtFlatBy('confirm');
    const intent = intentAt(FLAT_BY - 10_000_000);
    r.clock.advanceTo(intent.ts);
    expect(r.engine.process({ kind: 'intent', intent })?.outcome).toBe('proposed');
    r.clock.advanceTo(FLAT_BY);
    expect(r.engine.execute({ type: 'confirm', proposalId: intent.id, by: 'test' }).ok).toBe(false);
    expect(r.commands).toEqual([
      { type: 'flatten', account: 'SIM-50K', reason: 'outside trading hours (flat-window)' },
    ]);
  });
});
