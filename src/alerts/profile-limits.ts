import { loadRuleProfile } from '../risk/load-rule-profile.js';
import type { RuleProfile } from '../risk/rule-profile.js';
import type { AlertRulesOptions } from './alert-rules.js';

/**
 * What a `belowPercent` rule is a percentage of, per account: its profile's trailing drawdown
 * amount and daily loss limit (undefined where the profile has no such rule).
 */
export function profileLimits(
  accounts: readonly { readonly id: string; readonly profile: string | RuleProfile }[],
): NonNullable<AlertRulesOptions['limitOf']> {
  const profiles = new Map<string, RuleProfile>();
  for (const account of accounts) {
    profiles.set(
      account.id,
      typeof account.profile === 'string' ? loadRuleProfile(account.profile) : account.profile,
    );
  }
  return (account, kind) => {
    const rules = profiles.get(account)?.rules;
    return kind === 'drawdown-room' ? rules?.trailingDrawdown?.amount : rules?.dailyLoss?.amount;
  };
}
