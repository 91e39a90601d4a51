import { describe, expect, it } from 'vitest';
import { AccountCompliance } from '../../src/risk/account-compliance.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { accountAt } from './scenario-helpers.js';

const apex = loadRuleProfile('apex-50k-evaluation');

/** The account's rules as a restarted engine restores them from a snapshot taken at `iso`. */
function restoredAt(iso: string): AccountCompliance {
  const before = new AccountCompliance('SIM-50K', apex);
  before.updateAccount(accountAt(iso, 50_000));
  const restored = new AccountCompliance('SIM-50K', apex);
  expect(restored.restore(before.snapshot())).toBe(true);
  return restored;
}

describe('a restored account is in the session phase of its snapshot', () => {
  it('inside the session: open, trading allowed', () => {
    expect(restoredAt('2026-11-24T15:00:00Z').status).toMatchObject({
      session: 'open',
      flattenRequired: false,
    });
  });

  it('after the flat-by time: the flat window, flat required, before any update or tick', () => {
    const status = restoredAt('2026-11-24T22:10:00Z').status;
    expect(status).toMatchObject({ session: 'flat-window', flattenRequired: true, state: 'REDUCING' });
  });

  it('on a Saturday: closed, flat required', () => {
    expect(restoredAt('2026-11-28T15:00:00Z').status).toMatchObject({
      session: 'closed',
      flattenRequired: true,
    });
  });
});
