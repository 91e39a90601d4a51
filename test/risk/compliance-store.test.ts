import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AccountCompliance } from '../../src/risk/account-compliance.js';
import { ComplianceStore, complianceFilePath } from '../../src/risk/compliance-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';

function storeIn(): ComplianceStore {
  return new ComplianceStore(complianceFilePath(mkdtempSync(join(tmpdir(), 'enigma-compliance-'))));
}

const snapshot = new AccountCompliance('SIM-50K', loadRuleProfile('apex-50k-evaluation')).snapshot();

describe('the account rule-state file', () => {
  it('gives back the snapshots saved, by account', () => {
    const store = storeIn();
    store.save(new Map([['SIM-50K', snapshot]]));
    expect(store.load()).toEqual(new Map([['SIM-50K', snapshot]]));
  });

  it.each([
    ['missing', undefined],
    ['not JSON', '{"version": 1, "accounts": {'],
    ['of another version', JSON.stringify({ version: 2, accounts: { 'SIM-50K': snapshot } })],
    ['without a version', JSON.stringify({ accounts: { 'SIM-50K': snapshot } })],
    ['without accounts', JSON.stringify({ version: 1 })],
    ['with accounts null', JSON.stringify({ version: 1, accounts: null })],
    ['with accounts a string', JSON.stringify({ version: 1, accounts: 'SIM-50K' })],
  ])('starts the rules afresh when the file is %s', (_name, text) => {
    const store = storeIn();
    if (text !== undefined) writeFileSync(store.path, text);
    expect(store.load()).toEqual(new Map());
  });
});
