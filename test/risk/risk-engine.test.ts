import { readFileSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { Side } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { ComplianceStore, complianceFilePath } from '../../src/risk/compliance-store.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import type { RiskEngine } from '../../src/risk/risk-engine.js';
import { freshDataDir, riskEngineRig, topstep, TUESDAY } from './risk-engine-rig.js';
import { accountAt, intentAt, orderAt, positionAt } from './scenario-helpers.js';

const intentArbitrary = fc.record({
  side: fc.constantFrom<Side>('buy', 'sell'),
  quantity: fc.integer({ min: 1, max: 12 }),
  type: fc.constantFrom('market' as const, 'limit' as const),
  symbol: fc.constantFrom('ES 12-26', 'MES 12-26', 'NQ 12-26'),
  bracket: fc.boolean(),
});

describe('risk engine', () => {
  it('passes an intent in auto mode and denies one over the limit with the numbers', () => {
    const rig = riskEngineRig();
    rig.engine.process({ kind: 'intent', intent: intentAt(TUESDAY, { quantity: 2 }) });
    rig.engine.process({ kind: 'intent', intent: intentAt(TUESDAY, { quantity: 9 }) });
    expect(rig.approved).toHaveLength(1);
    expect(rig.denied[0]).toMatchObject({
      code: 'CONTRACT_LIMIT',
      numbers: { limitMinis: 5, projectedMinis: 9 },
    });
  });

  it('denies a stale intent (history or a reconnect backlog) with its age, and passes a fresh one', () => {
    const rig = riskEngineRig();
    rig.clock.advanceTo(microsFromIso(TUESDAY) + 6_000_000);
    rig.engine.process({ kind: 'intent', intent: intentAt(TUESDAY, { quantity: 1 }) });
    rig.engine.process({
      kind: 'intent',
      intent: intentAt(microsFromIso(TUESDAY) + 2_000_000, { quantity: 1, id: 'fresh' }),
    });
    expect(rig.denied).toHaveLength(1);
    expect(rig.denied[0]).toMatchObject({
      code: 'STALE_INTENT',
      numbers: { ageMicros: 6_000_000, maxAgeMicros: 5_000_000 },
    });
    expect(rig.approved.map((intent) => intent.id)).toEqual(['fresh']);
  });

  it('holds intents for a person in confirm mode, checks them again on confirm', () => {
    const rig = riskEngineRig({ mode: 'confirm' });
    const intent = intentAt(TUESDAY, { quantity: 2 });
    rig.engine.process({ kind: 'intent', intent });
    expect(rig.approved).toHaveLength(0);
    expect(rig.proposals.map((proposal) => proposal.id)).toEqual([intent.id]);
    expect(rig.engine.execute({ type: 'confirm', proposalId: intent.id, by: 'test' }).ok).toBe(true);
    expect(rig.approved.map((approved) => approved.id)).toEqual([intent.id]);
    expect(rig.engine.execute({ type: 'confirm', proposalId: intent.id, by: 'test' }).message).toContain(
      'RISK_UNKNOWN_PROPOSAL',
    );
  });

  it('refuses a confirm after the proposal expired', () => {
    const rig = riskEngineRig({ mode: 'confirm' });
    const intent = intentAt(TUESDAY);
    rig.engine.process({ kind: 'intent', intent });
    rig.clock.advanceTo(intent.ts + 3 * 60_000_000);
    expect(rig.engine.execute({ type: 'confirm', proposalId: intent.id, by: 'test' }).ok).toBe(false);
    expect(rig.denied.at(-1)?.code).toBe('PROPOSAL_EXPIRED');
  });

  it('sends no orders in signals-only mode', () => {
    const rig = riskEngineRig({ mode: 'signals-only' });
    rig.engine.process({ kind: 'intent', intent: intentAt(TUESDAY) });
    expect(rig.approved).toHaveLength(0);
    expect(rig.denied[0]?.code).toBe('SIGNALS_ONLY');
  });

  it('publishes a state change with the health score', () => {
    const rig = riskEngineRig();
    rig.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 50_000, 47_700) });
    expect(rig.states.at(-1)).toMatchObject({ state: 'REDUCING', health: 8 });
  });

  it('in HALTED passes no order, whatever it is (property)', () => {
    const rig = riskEngineRig();
    rig.engine.execute({ type: 'kill', reason: 'property', by: 'test' });
    fc.assert(
      fc.property(intentArbitrary, (shape) => {
        const intent = intentAt(TUESDAY, {
          side: shape.side,
          quantity: shape.quantity,
          type: shape.type,
          symbol: shape.symbol,
          ...(shape.type === 'limit' && { limitPrice: 6000 }),
          ...(shape.bracket && { stopLoss: 5990, takeProfit: 6010 }),
        });
        const decision = rig.engine.process({ kind: 'intent', intent });
        expect(decision).toMatchObject({ outcome: 'denied', denial: { code: 'HALTED' } });
      }),
    );
    expect(rig.approved).toHaveLength(0);
  });

  it('in REDUCING passes every order that shrinks a position and nothing else (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -6, max: 6 }),
        fc.array(intentArbitrary, { maxLength: 20 }),
        (position, shapes) => {
          const rig = riskEngineRig();
          // Within $250 of the 47,500 threshold → REDUCING.
          rig.engine.process({ kind: 'account', state: accountAt(TUESDAY, 50_000, 47_700) });
          expect(rig.engine.riskState('SIM-50K')?.state).toBe('REDUCING');
          rig.engine.process({ kind: 'position', position: positionAt(0, position) });
          for (const shape of shapes) {
            const decision = rig.engine.process({
              kind: 'intent',
              intent: intentAt(TUESDAY, {
                side: shape.side,
                quantity: shape.quantity,
                symbol: shape.symbol,
                ...(shape.bracket && { stopLoss: 5990 }),
              }),
            });
            // Both sides: every order that shrinks the position passes, every other is REDUCING_ONLY.
            const held = shape.symbol === 'ES 12-26' ? position : 0;
            const after = held + (shape.side === 'buy' ? shape.quantity : -shape.quantity);
            const shrinks = Math.abs(after) < Math.abs(held) && Math.sign(after) !== -Math.sign(held);
            if (shrinks && !shape.bracket) expect(decision).toEqual({ outcome: 'approved' });
            else expect(decision).toMatchObject({ outcome: 'denied', denial: { code: 'REDUCING_ONLY' } });
          }
        },
      ),
    );
  });

  it('halts on a breach, persists it, and sends a flatten', () => {
    const rig = riskEngineRig();
    const commands: string[] = [];
    rig.bus.observe(TOPICS.executionCommands).subscribe((command) => commands.push(command.type));
    rig.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 50_000, 47_500) });
    expect(rig.engine.riskState('SIM-50K')?.state).toBe('HALTED');
    expect(commands).toEqual(['flatten']);
    const file = JSON.parse(readFileSync(haltFilePath(rig.dataDir), 'utf8'));
    expect(file.halts['SIM-50K']).toMatchObject({ kind: 'breach', by: 'rules' });
    // A person resumes: the account restarts its rules from the current balance.
    expect(rig.engine.execute({ type: 'resume', by: 'test' }).accounts).toEqual(['SIM-50K']);
    expect(rig.engine.compliance('SIM-50K')).toMatchObject({ breached: false, threshold: 47_500 });
  });

  it('keeps a halt across a restart until a person resumes', () => {
    const first = riskEngineRig();
    first.engine.execute({ type: 'kill', account: 'SIM-50K', reason: 'stop for the day', by: 'cli' });
    first.engine.close();
    const second = riskEngineRig({ dataDir: first.dataDir });
    expect(second.engine.riskState('SIM-50K')).toMatchObject({
      state: 'HALTED',
      reasons: ['manual: stop for the day'],
    });
    second.engine.process({ kind: 'intent', intent: intentAt(TUESDAY) });
    expect(second.denied[0]?.code).toBe('HALTED');
    second.engine.execute({ type: 'resume', account: 'SIM-50K', by: 'test' });
    const third = riskEngineRig({ dataDir: first.dataDir });
    expect(third.engine.riskState('SIM-50K')?.state).toBe('ACTIVE');
  });

  it('halts every account when the halt file cannot be read', () => {
    const dataDir = freshDataDir();
    writeFileSync(haltFilePath(dataDir), '{ not json');
    const rig = riskEngineRig({ dataDir });
    expect(rig.engine.riskState('SIM-50K')?.state).toBe('HALTED');
  });

  it('applies a halt written to the file by another process (the CLI)', () => {
    const rig = riskEngineRig();
    new HaltStore(haltFilePath(rig.dataDir)).save(
      new Map([['*', { kind: 'manual' as const, reason: 'from the CLI', by: 'cli', ts: 0 }]]),
    );
    rig.engine.syncHaltsFromFile();
    expect(rig.engine.riskState('SIM-50K')?.state).toBe('HALTED');
    new HaltStore(haltFilePath(rig.dataDir)).save(new Map());
    rig.engine.syncHaltsFromFile();
    expect(rig.engine.riskState('SIM-50K')?.state).toBe('ACTIVE');
  });
});

describe('risk engine at exactly its time limits', () => {
  it('trades an intent exactly maxIntentAge (5 s) old, and denies one a microsecond older as STALE_INTENT', () => {
    const rig = riskEngineRig();
    const now = microsFromIso(TUESDAY) + 10_000_000;
    rig.clock.advanceTo(now);
    expect(rig.engine.process({ kind: 'intent', intent: intentAt(now - 5_000_000) })).toEqual({
      outcome: 'approved',
    });
    expect(rig.engine.process({ kind: 'intent', intent: intentAt(now - 5_000_001) })).toMatchObject({
      outcome: 'denied',
      denial: { code: 'STALE_INTENT', numbers: { ageMicros: 5_000_001, maxAgeMicros: 5_000_000 } },
    });
  });

  it('sends a proposal confirmed at exactly its expiry, and refuses one confirmed a microsecond after', () => {
    const rig = riskEngineRig({ mode: 'confirm' });
    const onTime = intentAt(TUESDAY);
    const late = intentAt(TUESDAY);
    rig.engine.process({ kind: 'intent', intent: onTime });
    rig.engine.process({ kind: 'intent', intent: late });
    const expiresAt = rig.proposals[0]?.expiresAt as number;
    expect(expiresAt).toBe(microsFromIso(TUESDAY) + 2 * 60_000_000);
    rig.clock.advanceTo(expiresAt);
    expect(rig.engine.execute({ type: 'confirm', proposalId: onTime.id, by: 'test' }).ok).toBe(true);
    expect(rig.approved.map((intent) => intent.id)).toEqual([onTime.id]);
    rig.clock.advanceTo(expiresAt + 1);
    expect(rig.engine.execute({ type: 'confirm', proposalId: late.id, by: 'test' }).ok).toBe(false);
    expect(rig.denied.at(-1)).toMatchObject({
      intentId: late.id,
      code: 'PROPOSAL_EXPIRED',
      numbers: { expiresAt, decidedAt: expiresAt + 1 },
    });
  });

  it('keeps a proposal through a tick at exactly its expiry and drops it as expired on the next one', () => {
    const rig = riskEngineRig({ mode: 'confirm' });
    const intent = intentAt(TUESDAY);
    rig.engine.process({ kind: 'intent', intent });
    const expiresAt = rig.proposals[0]?.expiresAt as number;
    rig.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: expiresAt, price: 6000 });
    expect(rig.engine.pendingProposals().map((proposal) => proposal.id)).toEqual([intent.id]);
    rig.engine.process({ kind: 'market', symbol: 'ES 12-26', ts: expiresAt + 1, price: 6000 });
    expect(rig.engine.pendingProposals()).toEqual([]);
    expect(rig.decisions.at(-1)).toMatchObject({ intentId: intent.id, outcome: 'expired' });
  });
});

describe('the flatten the rules require (not a halt)', () => {
  it('flattens again when a position opens after the daily loss lock (a fill already on its way), though nothing is halted', () => {
    const rig = riskEngineRig({ profile: topstep });
    // −1,000 on the day: the liquidate lock requires flat; the account holds nothing yet.
    rig.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 50_000, 49_000) });
    expect(rig.engine.compliance('SIM-50K')).toMatchObject({ flattenRequired: true, dailyLock: 'hard' });
    expect(rig.engine.haltOf('SIM-50K')).toBeUndefined();
    expect(rig.commands).toEqual([]);
    // A fill of an order sent before the lock opens a position.
    rig.engine.process({ kind: 'position', position: positionAt(microsFromIso('2026-11-24T15:01:01Z')) });
    expect(rig.commands).toEqual([
      { type: 'flatten', account: 'SIM-50K', reason: 'position opened while flat was required' },
    ]);
  });

  it('sends the required flatten when the account has only working orders and no position', () => {
    const rig = riskEngineRig({ profile: topstep });
    rig.engine.process({
      kind: 'order',
      order: orderAt(microsFromIso(TUESDAY), { clientOrderId: 'resting-1' }),
    });
    rig.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 50_000, 49_000) });
    expect(rig.engine.haltOf('SIM-50K')).toBeUndefined();
    expect(rig.commands).toMatchObject([{ type: 'flatten', account: 'SIM-50K' }]);
  });

  it('sends no flatten when the rules require flat and the account holds nothing', () => {
    const rig = riskEngineRig({ profile: topstep });
    rig.engine.process({ kind: 'account', state: accountAt('2026-11-24T15:01:00Z', 50_000, 49_000) });
    expect(rig.engine.compliance('SIM-50K')?.flattenRequired).toBe(true);
    expect(rig.commands).toEqual([]);
  });
});

describe('rule state across restarts', () => {
  it('saves a moving threshold at most once per interval, and again at exactly the interval', () => {
    const dataDir = freshDataDir();
    const store = new ComplianceStore(complianceFilePath(dataDir));
    const { engine } = riskEngineRig({
      dataDir,
      initialAccountUpdate: false,
      engineOptions: { complianceStore: store, complianceSaveIntervalMicros: 1_000_000 },
    });
    const t0 = microsFromIso(TUESDAY);
    const peak = (ts: number, equity: number): number | null | undefined => {
      engine.process({ kind: 'account', state: { ...accountAt(TUESDAY, 50_000, equity), ts } });
      return store.load().get('SIM-50K')?.threshold;
    };
    expect(peak(t0, 50_100)).toBe(47_600);
    // Open profit lifts the peak (Apex trails it): within the interval the file keeps the old level.
    expect(peak(t0 + 999_999, 50_200)).toBe(47_600);
    expect(peak(t0 + 1_000_000, 50_300)).toBe(47_800);
  });

  it('continues the trailing threshold and the day results from the compliance file', () => {
    const dataDir = freshDataDir();
    const start = (): RiskEngine =>
      riskEngineRig({
        dataDir,
        initialAccountUpdate: false,
        engineOptions: { complianceStore: new ComplianceStore(complianceFilePath(dataDir)) },
      }).engine;
    const first = start();
    first.process({ kind: 'account', state: accountAt(TUESDAY, 50_000) });
    first.process({ kind: 'account', state: accountAt('2026-11-24T15:10:00Z', 50_000, 51_200) });
    first.process({ kind: 'account', state: accountAt('2026-11-25T15:00:00Z', 51_000) });
    expect(first.compliance('SIM-50K')?.threshold).toBe(48_700);
    first.close();

    const second = start();
    expect(second.compliance('SIM-50K')).toMatchObject({ threshold: 48_700, peak: 51_200 });
    // The trade that peaked on Tuesday closed on Wednesday: Wednesday's result is +1,000.
    expect([...(second.evaluator('SIM-50K')?.consistency()?.days ?? [])]).toEqual([
      [Date.parse('2026-11-25') / 86_400_000, 1_000],
    ]);
  });
});
