import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { OrderIntent } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import type { OrderDenied } from '../../src/risk/risk-events.js';
import { accountAt, intentAt } from './scenario-helpers.js';

const TUESDAY = '2026-11-24T15:00:00Z';

describe("an account's instrument allow-list (enigma.yaml `instruments`)", () => {
  it('denies an intent for an instrument outside the list, naming the list, and passes roots and listed symbols', () => {
    const bus = new MessageBus();
    const engine = new RiskEngine(bus, new ReplayClock(microsFromIso(TUESDAY)), {
      accounts: [
        {
          id: 'LISTED',
          profile: loadRuleProfile('apex-50k-evaluation'),
          mode: 'auto',
          instruments: ['ES', 'NQ 12-26'],
        },
        { id: 'OPEN', profile: loadRuleProfile('apex-50k-evaluation'), mode: 'auto' },
      ],
      haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-allow-')))),
    }).start();
    const approved: OrderIntent[] = [];
    const denied: OrderDenied[] = [];
    bus.observe(TOPICS.approvedIntents).subscribe((intent) => approved.push(intent));
    bus.observe(TOPICS.orderDenials).subscribe((denial) => denied.push(denial));
    for (const account of ['LISTED', 'OPEN'])
      engine.process({ kind: 'account', state: accountAt(TUESDAY, 50_000, 50_000, account) });

    for (const symbol of ['ES 12-26', 'ES 03-27', 'NQ 12-26', 'NQ 03-27', 'CL 01-27']) {
      engine.process({
        kind: 'intent',
        intent: intentAt(TUESDAY, { account: 'LISTED', symbol, id: symbol }),
      });
    }
    engine.process({ kind: 'intent', intent: intentAt(TUESDAY, { account: 'OPEN', symbol: 'CL 01-27' }) });

    expect(approved.map((intent) => [intent.account, intent.symbol])).toEqual([
      ['LISTED', 'ES 12-26'],
      ['LISTED', 'ES 03-27'],
      ['LISTED', 'NQ 12-26'],
      ['OPEN', 'CL 01-27'],
    ]);
    expect(denied.map((denial) => [denial.symbol, denial.code])).toEqual([
      ['NQ 03-27', 'INSTRUMENT_NOT_ALLOWED'],
      ['CL 01-27', 'INSTRUMENT_NOT_ALLOWED'],
    ]);
    expect(denied[1]?.reason).toBe('CL 01-27 is not in the instruments of account LISTED: [ES, NQ 12-26]');
  });
});
