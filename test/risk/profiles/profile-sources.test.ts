import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BUNDLED_PROFILE_IDS,
  bundledProfilesDir,
  loadRuleProfile,
  parseRuleProfile,
  ruleSources,
} from '../../../src/risk/load-rule-profile.js';

function bundledText(id: string): string {
  return readFileSync(join(bundledProfilesDir(), `${id}.yaml`), 'utf8');
}

/** The RISK_PROFILE_INVALID message of a profile text, or '' when it loads. */
function problemsOf(text: string): string {
  try {
    parseRuleProfile(text, 'edited.yaml');
    return '';
  } catch (error) {
    expect((error as { code?: string }).code).toBe('RISK_PROFILE_INVALID');
    return (error as Error).message;
  }
}

describe('rule sources', () => {
  it('cites a source for every rule of every bundled profile: the page, its title and the date read', () => {
    for (const id of BUNDLED_PROFILE_IDS) {
      const profile = loadRuleProfile(id);
      const sources = ruleSources(profile);
      const present = [
        'account',
        'automation',
        ...Object.keys(profile.rules)
          .filter((name) => name !== 'allowedInstrumentsSource')
          .map((name) => `rules.${name}`),
      ];
      expect(sources.map(([path]) => path).sort(), id).toEqual(present.sort());
      for (const [path, source] of sources) {
        expect(source.note.length, `${id} ${path}`).toBeGreaterThan(30);
        if (source.kind === 'own') continue;
        expect(source.url, `${id} ${path}`).toMatch(/^https:\/\//);
        expect(source.title, `${id} ${path}`).toBeTruthy();
        expect(source.read, `${id} ${path}`).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  it('refuses to load a profile rule without a source, naming the rule', () => {
    const text = bundledText('topstep-50k-combine').replace(
      / {2}dailyLoss:\n(?: {4}.*\n)*? {4}source:\n(?: {6}.*\n)+?(?= {2}maxContracts:)/,
      '  dailyLoss:\n    amount: 1000\n    mode: liquidate\n    lockUntil: next-trading-day\n',
    );
    expect(text).not.toBe(bundledText('topstep-50k-combine'));
    expect(problemsOf(text)).toContain('/rules/dailyLoss/source: Expected required property');
  });

  it('refuses a firm or secondary source without its page, title and date', () => {
    const text = bundledText('topstep-50k-combine').replace(
      "      url: https://intercom.help/topstep-llc/en/articles/8284209-what-does-maximum-position-size-mean\n      title: What does Maximum Position Size mean?\n      read: '2026-12-06'\n",
      '',
    );
    const problems = problemsOf(text);
    expect(problems).toContain("rules.maxContracts.source.url: a 'firm' source needs the page's url");
    expect(problems).toContain('rules.maxContracts.source.title');
    expect(problems).toContain('rules.maxContracts.source.read');
  });

  it('needs a source for the instrument list too', () => {
    const text = bundledText('apex-50k-evaluation').replace(
      / {2}allowedInstrumentsSource:\n(?: {4}.*\n)+?(?= {2}orderRate:)/,
      '',
    );
    expect(problemsOf(text)).toContain('rules.allowedInstrumentsSource');
  });

  it('accepts a trader’s own limit as an `own` source without a page', () => {
    const text = bundledText('apex-50k-evaluation').replace(
      'rules:\n',
      'rules:\n  dailyLoss:\n    amount: 600\n    mode: soft\n    source: { kind: own, note: my own daily stop tighter than the firm }\n',
    );
    expect(problemsOf(text)).toBe('');
  });

  it('checks the liquidate mode: it needs lockUntil, and next-trading-day needs trading hours', () => {
    const topstep = bundledText('topstep-50k-combine');
    expect(problemsOf(topstep.replace('    lockUntil: next-trading-day\n', ''))).toContain(
      "rules.dailyLoss.lockUntil: mode 'liquidate' needs lockUntil",
    );
    expect(problemsOf(topstep.replace('mode: liquidate', 'mode: soft'))).toContain(
      "only mode 'liquidate' takes lockUntil",
    );
    const withoutHours = topstep.replace(
      / {2}tradingHours:\n(?: {4}.*\n| {6}.*\n| {8}.*\n)+?(?= {2}allowedInstruments:)/,
      '',
    );
    expect(withoutHours).not.toContain('tradingHours');
    expect(problemsOf(withoutHours)).toContain('next-trading-day needs rules.tradingHours');
  });
});
