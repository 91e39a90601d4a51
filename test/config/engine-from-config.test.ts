import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { parseEngineConfig } from '../../src/config/index.js';
import type { Fill, OrderIntent } from '../../src/core/events.js';
import { Engine, preparePipeline } from '../../src/engine.js';
import type { OrderDenied } from '../../src/risk/risk-events.js';

const PIPELINE = `
id: trade
steps:
  - id: market
    op: simulatedMarket
    params: { seed: 7, instruments: [ES 12-26, MNQ 12-26], ticksPerSecond: 20, duration: 2h }
  - id: enigma
    op: simulatedSignals
    from: market
    params: { perMinute: 1, stopTicks: 12 }
  - { id: size, op: kelly, from: enigma }
  - { id: orders, op: publish, from: size, params: { topic: orderIntents } }
  - { id: quotes, op: publish, from: market, params: { topic: ticks } }
`;

const CONFIG = `
accounts:
  - { id: PAPER-A, profile: apex-50k-evaluation, mode: auto, sizing: { riskBudget: 300 } }
  - id: PAPER-B
    profile: topstep-50k-combine
    mode: auto
    startingBalance: 100000
    pipelines: [trade]
    instruments: [ES]
  - { id: ELSEWHERE, profile: apex-50k-evaluation, mode: auto, pipelines: [other] }
pipelines: [trade.yaml, other.yaml]
store: off
`;

describe('an engine built from enigma.yaml', () => {
  it('trades two paper accounts on one pipeline: an intent for each, each checked against its own account', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'enigma-config-run-'));
    writeFileSync(join(dir, 'trade.yaml'), PIPELINE);
    writeFileSync(join(dir, 'other.yaml'), 'id: other\nsteps: []\n');
    const config = parseEngineConfig(CONFIG, 'enigma.yaml', dir);
    // What `enigma run` does with a configuration: its accounts route the signals and trade.
    const engine = await Engine.create({
      mode: 'replay',
      dataDir: dir,
      wasm: false,
      accounts: config.accounts,
      trading: { watchHaltFile: false },
    });
    const intents: OrderIntent[] = [];
    const denials: OrderDenied[] = [];
    const fills: Fill[] = [];
    engine.bus.observe(TOPICS.orderIntents).subscribe((intent) => intents.push(intent));
    engine.bus.observe(TOPICS.orderDenials).subscribe((denial) => denials.push(denial));
    engine.bus.observe(TOPICS.fills).subscribe((fill) => fills.push(fill));
    engine.add((await preparePipeline(join(dir, 'trade.yaml'))).compiled);
    engine.start();
    await engine.finished();

    const of = (account: string) => intents.filter((intent) => intent.account === account);
    expect(of('PAPER-A').length).toBeGreaterThan(5);
    expect(of('PAPER-B').length).toBeGreaterThan(5);
    expect(of('ELSEWHERE')).toEqual([]);
    // One signal, one intent per account, with ids that say whose it is.
    const signalTimes = (account: string) =>
      new Set(of(account).map((intent) => `${intent.symbol}@${intent.ts}`));
    const shared = [...signalTimes('PAPER-A')].filter((key) => signalTimes('PAPER-B').has(key));
    expect(shared.length).toBeGreaterThan(0);
    for (const intent of intents) expect(intent.id).toContain(`:${intent.account}:`);
    expect(new Set(intents.map((intent) => intent.id)).size).toBe(intents.length);
    // PAPER-B may trade ES only: its MNQ intents are denied by its allow-list; PAPER-A's are not.
    const notAllowed = denials.filter((denial) => denial.code === 'INSTRUMENT_NOT_ALLOWED');
    expect(notAllowed.length).toBeGreaterThan(0);
    for (const denial of notAllowed)
      expect([denial.account, denial.symbol]).toEqual(['PAPER-B', 'MNQ 12-26']);
    const filled = new Set(fills.map((fill) => `${fill.account} ${fill.symbol.split(' ')[0]}`));
    expect(filled).toContain('PAPER-A ES');
    expect(filled).toContain('PAPER-A MNQ');
    expect(filled).toContain('PAPER-B ES');
    expect(filled).not.toContain('PAPER-B MNQ');
    expect(engine.trading?.accounts()).toEqual(['PAPER-A', 'PAPER-B', 'ELSEWHERE']);
  });
});
