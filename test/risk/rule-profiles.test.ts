import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/core/errors.js';
import {
  BUNDLED_PROFILE_IDS,
  bundledProfilesDir,
  loadRuleProfile,
  parseRuleProfile,
} from '../../src/risk/load-rule-profile.js';

describe('rule profiles', () => {
  it('loads every bundled profile, each versioned, dated and with a source note', () => {
    for (const id of BUNDLED_PROFILE_IDS) {
      const profile = loadRuleProfile(id);
      expect(profile.id).toBe(id);
      expect(profile.version).toBeGreaterThanOrEqual(1);
      expect(profile.effective).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(profile.source.length).toBeGreaterThan(40);
    }
  });

  it('carries the published Apex-style 50K numbers', () => {
    const { rules, automation } = loadRuleProfile('apex-50k-evaluation');
    expect(rules.trailingDrawdown).toMatchObject({
      basis: 'peak-equity',
      amount: 2500,
      stopsTrailingAtProfit: 100,
    });
    expect(rules.maxContracts).toMatchObject({ minis: 10, halfUntilTrailingStops: true });
    expect(rules.consistency?.maxBestDayShare).toBe(0.3);
    expect(rules.tradingHours).toMatchObject({ timeZone: 'America/New_York', forcedFlat: '16:59' });
    expect(automation.fullyAutomatedAllowed).toBe(false);
  });

  it('carries the published Topstep-style 50K numbers', () => {
    const { rules } = loadRuleProfile('topstep-50k-combine');
    expect(rules.trailingDrawdown).toMatchObject({
      basis: 'end-of-day-balance',
      amount: 2000,
      stopsTrailingAtProfit: 0,
    });
    expect(rules.dailyLoss).toMatchObject({ amount: 1000, mode: 'liquidate', lockUntil: 'next-trading-day' });
    expect(rules.maxContracts).toMatchObject({ minis: 5, microsPerMini: 1 });
    expect(rules.tradingHours).toMatchObject({ timeZone: 'America/Chicago', forcedFlat: '15:10' });
    // The scaling plan is the Express Funded Account's, not a Trading Combine rule.
    expect(rules.scalingPlan).toBeUndefined();
  });

  it('lets a user add a rule by editing the YAML, without code', () => {
    const text = readFileSync(join(bundledProfilesDir(), 'apex-50k-evaluation.yaml'), 'utf8');
    const edited = text.replace(
      'rules:\n',
      'rules:\n  dailyLoss:\n    amount: 1200\n    mode: hard\n    source: { kind: own, note: my own limit }\n',
    );
    const profile = parseRuleProfile(edited, 'edited.yaml');
    expect(profile.rules.dailyLoss).toEqual({
      amount: 1200,
      mode: 'hard',
      source: { kind: 'own', note: 'my own limit' },
    });
  });

  it('reports every problem of a broken profile at once, with its path', () => {
    const text = readFileSync(join(bundledProfilesDir(), 'topstep-50k-combine.yaml'), 'utf8')
      .replace('amount: 2000', 'amount: -5')
      .replace("forcedFlat: '15:10'", "forcedFlat: '25:10'")
      .replace('mode: liquidate', 'mode: gentle');
    let error: unknown;
    try {
      parseRuleProfile(text, 'broken.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).code).toBe('RISK_PROFILE_INVALID');
    const message = (error as EngineError).message;
    expect(message).toContain('/rules/trailingDrawdown/amount');
    expect(message).toContain('/rules/tradingHours/forcedFlat');
    expect(message).toContain('/rules/dailyLoss/mode');
  });

  it('rejects an unknown time zone and unknown instrument roots', () => {
    const text = readFileSync(join(bundledProfilesDir(), 'apex-50k-evaluation.yaml'), 'utf8')
      .replace('America/New_York', 'Mars/Olympus')
      .replace('allowedInstruments: [ES,', 'allowedInstruments: [XYZ, ES,');
    expect(() => parseRuleProfile(text, 'bad.yaml')).toThrow(/Mars\/Olympus[\s\S]*XYZ/);
  });

  it('names the bundled profiles when an id is unknown', () => {
    expect(() => loadRuleProfile('ftmo-100k')).toThrow(/apex-50k-evaluation/);
  });
});
