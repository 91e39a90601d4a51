import { describe, expect, it } from 'vitest';
import { microsFromIso } from '../../src/core/time.js';
import { AccountCompliance } from '../../src/risk/account-compliance.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { accountAt } from './scenario-helpers.js';

const topstep = loadRuleProfile('topstep-50k-combine');

describe('an account update that arrives after a later one', () => {
  it('is evaluated at the latest time seen: its daily-loss lock lasts until the next trading day from now', () => {
    const compliance = new AccountCompliance('SIM-50K', topstep);
    compliance.updateAccount(accountAt('2026-11-25T15:00:00Z', 50_000));
    // Stamped the day before (a report delayed in the bridge), with a loss beyond the $1,000 limit.
    const status = compliance.updateAccount(accountAt('2026-11-24T20:00:00Z', 50_000, 48_900));
    expect(status.dailyLock).toBe('hard');
    // Wednesday's trading day ends at 17:00 Chicago (23:00 UTC); not Tuesday's, already past.
    expect(status.dailyLockUntil).toBe(microsFromIso('2026-11-25T23:00:00Z'));
    expect(status.ts).toBe(microsFromIso('2026-11-25T15:00:00Z'));
    expect(status.reasons.join('; ')).toContain('no new orders until 2026-11-25 17:00');
  });
});
