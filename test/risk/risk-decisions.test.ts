import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Side } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import { decisionFigures, type RiskDecision } from '../../src/risk/risk-events.js';
import type { AutomationMode } from '../../src/risk/rule-profile.js';
import { accountAt, intentAt } from './scenario-helpers.js';

const apex = loadRuleProfile('apex-50k-evaluation');
const TUESDAY = '2026-11-24T15:00:00Z';
const T = microsFromIso(TUESDAY);

function rig(mode: AutomationMode) {
  const bus = new MessageBus();
  const clock = new ReplayClock(T);
  const engine = new RiskEngine(bus, clock, {
    accounts: [{ id: 'SIM-50K', profile: apex, mode }],
    haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-decisions-')))),
  }).start();
  const decisions: RiskDecision[] = [];
  bus.observe(TOPICS.riskDecisions).subscribe((decision) => decisions.push(decision));
  engine.process({ kind: 'account', state: accountAt(TUESDAY, 50_000) });
  engine.process({ kind: 'market', symbol: 'ES 12-26', ts: T, price: 6000 });
  return { engine, clock, decisions };
}

describe('risk decisions', () => {
  it('decides every intent exactly once as approved, denied or proposed, whatever it is (property)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<AutomationMode>('auto', 'confirm', 'signals-only'),
        fc.array(
          fc.record({
            side: fc.constantFrom<Side>('buy', 'sell'),
            quantity: fc.integer({ min: 0, max: 12 }),
            ageSeconds: fc.integer({ min: 0, max: 10 }),
          }),
          { maxLength: 15 },
        ),
        (mode, shapes) => {
          const { engine, decisions } = rig(mode);
          const intents = shapes.map((shape) =>
            intentAt(T - shape.ageSeconds * 1_000_000, { side: shape.side, quantity: shape.quantity }),
          );
          for (const intent of intents) {
            const result = engine.process({ kind: 'intent', intent });
            expect(decisions.at(-1)).toMatchObject({ intentId: intent.id, outcome: result?.outcome });
          }
          expect(decisions.map((decision) => decision.intentId)).toEqual(intents.map((intent) => intent.id));
          for (const decision of decisions) {
            expect(decision.code !== undefined).toBe(decision.outcome === 'denied');
            expect(decision.reason.length).toBeGreaterThan(0);
          }
        },
      ),
      { numRuns: 40 },
    );
  });

  it('rejects, as the engine, the proposals a kill drops, naming who halted and why', () => {
    const { engine, decisions } = rig('confirm');
    const intent = intentAt(T);
    engine.process({ kind: 'intent', intent });
    engine.execute({ type: 'kill', reason: 'news', by: 'carol' });
    expect(decisions.at(-1)).toMatchObject({
      intentId: intent.id,
      outcome: 'rejected',
      code: 'HALTED',
      reason: 'account halted: news',
      by: 'carol',
    });
    expect(engine.pendingProposals()).toEqual([]);
  });

  it('rejects the pending proposals when the account leaves confirm mode', () => {
    const { engine, decisions } = rig('confirm');
    const intent = intentAt(T);
    engine.process({ kind: 'intent', intent });
    engine.execute({ type: 'set-mode', account: 'SIM-50K', mode: 'signals-only', by: 'dave' });
    expect(decisions.at(-1)).toMatchObject({
      intentId: intent.id,
      outcome: 'rejected',
      reason: 'mode set to signals-only',
      by: 'dave',
    });
  });

  it('a confirm after the expiry is an expired decision, not a second proposal outcome', () => {
    const { engine, clock, decisions } = rig('confirm');
    const intent = intentAt(T);
    engine.process({ kind: 'intent', intent });
    clock.advanceTo(T + 150_000_000);
    expect(engine.execute({ type: 'confirm', proposalId: intent.id, by: 'erin' }).ok).toBe(false);
    expect(decisions.map((decision) => decision.outcome)).toEqual(['proposed', 'expired']);
    expect(decisionFigures(decisions[1] as RiskDecision)).toEqual({
      limit: T + 120_000_000,
      value: T + 150_000_000,
    });
  });

  it('names the limit and the value of a denial where its code has them', () => {
    expect(
      decisionFigures({ code: 'DRAWDOWN_ROOM', numbers: { lossAtStop: 800, room: 500, equity: 1 } }),
    ).toEqual({ limit: 500, value: 800 });
    expect(decisionFigures({ code: 'SIGNALS_ONLY', numbers: {} })).toEqual({
      limit: undefined,
      value: undefined,
    });
    expect(decisionFigures({ numbers: { equity: 50_000 } })).toEqual({ limit: undefined, value: undefined });
  });
});
