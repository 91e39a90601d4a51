import { describe, expect, it } from 'vitest';
import { microsFromIso } from '../../src/core/time.js';
import { ComplianceStore, complianceFilePath } from '../../src/risk/compliance-store.js';
import { freshDataDir, riskEngineRig } from './risk-engine-rig.js';
import { accountAt } from './scenario-helpers.js';

const SECOND = 1_000_000;
const T = microsFromIso('2026-11-24T15:00:00Z');

/** An engine saving its rule state to a real file at most once a second while the threshold moves. */
function withStore() {
  const path = complianceFilePath(freshDataDir());
  const r = riskEngineRig({
    at: T,
    engineOptions: { complianceStore: new ComplianceStore(path), complianceSaveIntervalMicros: SECOND },
  });
  const saved = () => new ComplianceStore(path).load().get('SIM-50K')?.threshold;
  const equity = (value: number, at: number) => {
    r.clock.advanceTo(at);
    r.engine.process({ kind: 'account', state: accountAt(at, 50_000, value) });
  };
  return { r, saved, equity };
}

describe('a trailing threshold move held back by the save interval', () => {
  it('is written by the clock once the interval has passed, with no later update', () => {
    const { r, saved, equity } = withStore();
    equity(50_100, T + SECOND);
    expect(saved()).toBe(47_600);
    // Half a second later the peak moves again: within the interval, not written yet.
    equity(50_300, T + 1.5 * SECOND);
    expect(r.engine.compliance('SIM-50K')?.threshold).toBe(47_800);
    expect(saved()).toBe(47_600);
    r.clock.advanceTo(T + 2 * SECOND - 1);
    r.engine.handleClockTick();
    expect(saved()).toBe(47_600);
    // Exactly one interval after the last write, the clock writes the held-back move.
    r.clock.advanceTo(T + 2 * SECOND);
    r.engine.handleClockTick();
    expect(saved()).toBe(47_800);
  });

  it('is written when the engine closes, inside the interval', () => {
    const { r, saved, equity } = withStore();
    equity(50_100, T + SECOND);
    equity(50_500, T + 1.2 * SECOND);
    expect(saved()).toBe(47_600);
    r.engine.close();
    expect(saved()).toBe(48_000);
  });
});
