import { mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { EngineError } from '../../src/core/errors.js';
import {
  BUNDLED_PROFILE_IDS,
  bundledProfilesDir,
  loadRuleProfile,
  parseRuleProfile,
  ruleSources,
} from '../../src/risk/load-rule-profile.js';

function bundledText(id: string): string {
  return readFileSync(join(bundledProfilesDir(), `${id}.yaml`), 'utf8');
}

/** The EngineError `load` throws; fails the test when it throws nothing. */
function errorOf(load: () => unknown): EngineError {
  try {
    load();
  } catch (error) {
    expect(error).toBeInstanceOf(EngineError);
    return error as EngineError;
  }
  expect.fail('expected an EngineError, nothing was thrown');
}

/** The Apex profile with a scaling plan whose steps start at these profits. */
function withScalingSteps(...fromProfits: number[]): string {
  const steps = fromProfits.map(
    (fromProfit, i) => `      - { fromProfit: ${fromProfit}, minis: ${i + 2} }\n`,
  );
  return bundledText('apex-50k-evaluation').replace(
    'rules:\n',
    `rules:\n  scalingPlan:\n    basis: end-of-day-balance\n    steps:\n${steps.join('')}    source: { kind: own, note: steps of my own }\n`,
  );
}

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
    // The file first, then each problem on a line of its own.
    expect(message).toMatch(/^broken\.yaml:\n {2}\//);
    expect(message).toContain('\n  /rules/trailingDrawdown/amount: ');
    expect(message).toContain('\n  /rules/tradingHours/forcedFlat: ');
    expect(message).toContain('\n  /rules/dailyLoss/mode: ');
  });

  it('rejects an unknown time zone and unknown instrument roots', () => {
    const text = readFileSync(join(bundledProfilesDir(), 'apex-50k-evaluation.yaml'), 'utf8')
      .replace('America/New_York', 'Mars/Olympus')
      .replace('allowedInstruments: [ES,', 'allowedInstruments: [XYZ, ES,');
    const error = errorOf(() => parseRuleProfile(text, 'bad.yaml'));
    expect(error.code).toBe('RISK_PROFILE_INVALID');
    expect(error.message).toBe(
      "bad.yaml:\n  rules.tradingHours.timeZone: 'Mars/Olympus' is not an IANA time zone\n  rules.allowedInstruments: 'XYZ' is not a known contract root",
    );
  });

  it('names the bundled profiles when an id is unknown', () => {
    const error = errorOf(() => loadRuleProfile('ftmo-100k'));
    expect(error.code).toBe('RISK_UNKNOWN_PROFILE');
    expect(error.message).toBe(
      "no bundled rule profile 'ftmo-100k'; bundled: apex-50k-evaluation, topstep-50k-combine, or give a path to a YAML file",
    );
  });

  it('reads a name that is not a bare id (a relative path, a name with .yaml) as a file path', () => {
    const relativePath = relative(process.cwd(), join(bundledProfilesDir(), 'topstep-50k-combine.yaml'));
    expect(relativePath).toMatch(/^[a-z0-9]/);
    expect(loadRuleProfile(relativePath).id).toBe('topstep-50k-combine');
    // Not the bundled profile: a file of that name, which is not here.
    const error = errorOf(() => loadRuleProfile('apex-50k-evaluation.yaml'));
    expect(error.code).toBe('RISK_PROFILE_UNREADABLE');
  });

  it('says which file cannot be read and why, keeping the cause', () => {
    const missing = join(mkdtempSync(join(tmpdir(), 'enigma-profiles-')), 'my-firm.yaml');
    const error = errorOf(() => loadRuleProfile(missing));
    expect(error.code).toBe('RISK_PROFILE_UNREADABLE');
    expect(error.message).toBe(
      `cannot read rule profile ${missing}: ENOENT: no such file or directory, open '${missing}'`,
    );
    expect(error.cause).toMatchObject({ code: 'ENOENT' });
  });

  it('says a file is not valid YAML, with where, keeping the parser error', () => {
    const error = errorOf(() => parseRuleProfile('id: apex\nrules: [1, 2', 'mine.yaml'));
    expect(error.code).toBe('RISK_PROFILE_INVALID');
    expect(error.message).toMatch(/^mine\.yaml: not valid YAML: .* at line 2, column \d+/);
    expect((error.cause as Error).name).toBe('YAMLParseError');
  });

  it('names the document itself as `/` when it is not a profile at all', () => {
    for (const text of ['just words', '']) {
      expect(errorOf(() => parseRuleProfile(text, 'words.yaml')).message).toBe(
        'words.yaml:\n  /: Expected object',
      );
    }
  });

  it('refuses trading hours that open at the forced-flat time, and accepts them a minute apart', () => {
    const apex = bundledText('apex-50k-evaluation');
    expect(
      errorOf(() => parseRuleProfile(apex.replace("open: '18:00'", "open: '16:59'"), 'same.yaml')).message,
    ).toBe(
      'same.yaml:\n  rules.tradingHours: open and forcedFlat are the same time, so the session would be empty',
    );
    expect(
      parseRuleProfile(apex.replace("open: '18:00'", "open: '16:58'"), 'apart.yaml').rules.tradingHours?.open,
    ).toBe('16:58');
  });

  it('accepts scaling steps in rising profit, and refuses a step at or below the one before it', () => {
    expect(parseRuleProfile(withScalingSteps(0, 1500, 1501), 'rising.yaml').rules.scalingPlan?.steps).toEqual(
      [
        { fromProfit: 0, minis: 2 },
        { fromProfit: 1500, minis: 3 },
        { fromProfit: 1501, minis: 4 },
      ],
    );
    expect(parseRuleProfile(withScalingSteps(1000), 'one.yaml').rules.scalingPlan?.steps).toHaveLength(1);
    expect(errorOf(() => parseRuleProfile(withScalingSteps(0, 1500, 1500), 'equal.yaml')).message).toBe(
      'equal.yaml:\n  rules.scalingPlan.steps[2]: fromProfit must be larger than the step before',
    );
    expect(
      errorOf(() => parseRuleProfile(withScalingSteps(2000, 1500, 2500, -1), 'falling.yaml')).message,
    ).toBe(
      'falling.yaml:\n  rules.scalingPlan.steps[1]: fromProfit must be larger than the step before\n  rules.scalingPlan.steps[3]: fromProfit must be larger than the step before',
    );
  });

  it('allows every known instrument when a profile has no instrument list', () => {
    const text = bundledText('apex-50k-evaluation').replace(
      / {2}allowedInstruments: .*\n {2}allowedInstrumentsSource:\n(?: {4}.*\n)+?(?= {2}orderRate:)/,
      '',
    );
    expect(text).not.toContain('allowedInstruments');
    expect(parseRuleProfile(text, 'any.yaml').rules.allowedInstruments).toBeUndefined();
  });

  it('lists no source for a rule a profile built in code leaves undefined', () => {
    const profile = loadRuleProfile('topstep-50k-combine');
    const paths = ruleSources({ ...profile, rules: { ...profile.rules, dailyLoss: undefined } }).map(
      ([path]) => path,
    );
    expect(paths).toContain('rules.trailingDrawdown');
    expect(paths).not.toContain('rules.dailyLoss');
  });
});

describe('the bundled profiles folder', () => {
  /** A package as installed: `dist/risk/` compiled, `src/risk/profiles/` shipped beside it. */
  function installed(): { root: string; moduleUrl: string } {
    const root = mkdtempSync(join(tmpdir(), 'enigma-package-'));
    mkdirSync(join(root, 'dist', 'risk'), { recursive: true });
    mkdirSync(join(root, 'src', 'risk', 'profiles'), { recursive: true });
    return { root, moduleUrl: pathToFileURL(join(root, 'dist', 'risk', 'load-rule-profile.js')).href };
  }

  it('is the source tree’s folder when the compiled build runs', () => {
    const { root, moduleUrl } = installed();
    expect(bundledProfilesDir(moduleUrl)).toBe(join(root, 'src', 'risk', 'profiles') + sep);
  });

  it('is the folder beside the module when there is one', () => {
    const { root, moduleUrl } = installed();
    mkdirSync(join(root, 'dist', 'risk', 'profiles'));
    expect(bundledProfilesDir(moduleUrl)).toBe(join(root, 'dist', 'risk', 'profiles') + sep);
    expect(bundledProfilesDir()).toBe(fileURLToPath(new URL('../../src/risk/profiles/', import.meta.url)));
  });
});
