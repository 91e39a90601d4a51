import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { Fill, Order, OrderIntent } from '../../src/core/events.js';
import { Engine } from '../../src/engine.js';
import { startTrading } from '../../src/trading.js';
import { createRegistry } from '../../src/operators/index.js';
import { checkPipeline } from '../../src/pipeline/compile.js';
import { parsePipelineYaml } from '../../src/pipeline/load.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import type { RiskDecision } from '../../src/risk/risk-events.js';
import type { RuleProfile } from '../../src/risk/rule-profile.js';

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
  - id: size
    op: kelly
    from: enigma
    params: { account: SIM-50K, fraction: 0.25, riskBudget: 400 }
  - id: orders
    op: publish
    from: size
    params: { topic: orderIntents }
  # The paper broker fills against the market on the bus.
  - id: quotes
    op: publish
    from: market
    params: { topic: ticks }
`;

/** Apex-style 50K, with the engine's order-rate guard tightened to one order per 90 s so the run has denials. */
const PROFILE: RuleProfile = (() => {
  const apex = loadRuleProfile('apex-50k-evaluation');
  return {
    ...apex,
    rules: {
      ...apex.rules,
      orderRate: {
        maxOrders: 1,
        per: '90s',
        source: { kind: 'own', note: 'test: forces ORDER_RATE denials' },
      },
    },
  };
})();
const RISK_BUDGET = 400;
const STOP_TICKS = 12;

describe('a pipeline trading the paper broker', () => {
  it('turns simulated signals into sized, risk-checked orders that fill, with positions equal to the fills', async () => {
    const registry = createRegistry();
    const checked = checkPipeline(parsePipelineYaml(PIPELINE, 'trade.yaml', '.'), {
      registry,
      functions: new Map(),
    });
    expect(checked.issues).toEqual([]);
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-trade-'));
    const engine = await Engine.create({ mode: 'replay', dataDir, wasm: false });
    const trading = startTrading(engine.bus, engine.clock, {
      dataDir,
      watchHaltFile: false,
      accounts: [{ id: 'SIM-50K', profile: PROFILE, mode: 'auto' }],
    });
    const intents: OrderIntent[] = [];
    const decisions: RiskDecision[] = [];
    const orders: Order[] = [];
    const fills: Fill[] = [];
    engine.bus.observe(TOPICS.orderIntents).subscribe((intent) => intents.push(intent));
    engine.bus.observe(TOPICS.riskDecisions).subscribe((decision) => decisions.push(decision));
    engine.bus.observe(TOPICS.orders).subscribe((order) => orders.push(order));
    engine.bus.observe(TOPICS.fills).subscribe((fill) => fills.push(fill));
    engine.add(checked.compiled as NonNullable<typeof checked.compiled>);
    engine.start();
    await engine.finished();

    expect(intents.length).toBeGreaterThan(10);
    // Sized: whole contracts, each trade risking at most the budget at its stop (12 ticks away),
    // so an ES trade ($150 a contract at the stop) is at most 2 contracts, an MNQ one ($6) is capped at 10.
    for (const intent of intents) {
      const tickValue = intent.symbol.startsWith('ES') ? 12.5 : 0.5;
      expect(Number.isInteger(intent.quantity) && intent.quantity >= 1, intent.id).toBe(true);
      expect(intent.quantity * STOP_TICKS * tickValue, intent.id).toBeLessThanOrEqual(RISK_BUDGET);
      expect(intent.stopLoss, intent.id).toBeDefined();
    }
    expect(new Set(intents.map((intent) => intent.symbol))).toEqual(new Set(['ES 12-26', 'MNQ 12-26']));
    // Risk-checked: one decision per intent; the order-rate rule denied some, passed others.
    const outcome = new Map(decisions.map((decision) => [decision.intentId, decision]));
    expect(decisions).toHaveLength(intents.length);
    expect(outcome.size).toBe(intents.length);
    const denied = decisions.filter((decision) => decision.outcome === 'denied');
    const approved = decisions.filter((decision) => decision.outcome === 'approved');
    expect(denied.length).toBeGreaterThan(0);
    expect(approved.length).toBeGreaterThan(0);
    expect(denied.length + approved.length).toBe(intents.length);
    for (const denial of denied) {
      expect(denial).toMatchObject({ code: 'ORDER_RATE', numbers: { limit: 1, windowMicros: 90_000_000 } });
    }
    // Only what the risk engine approved reached the broker (entries; legs and flattens are the manager's).
    const sent = new Set(orders.map((order) => order.clientOrderId).filter((id) => outcome.has(id)));
    expect(sent).toEqual(new Set(approved.map((decision) => decision.intentId)));
    expect(fills.length).toBeGreaterThan(0);
    for (const symbol of ['ES 12-26', 'MNQ 12-26']) {
      const net = fills
        .filter((fill) => fill.symbol === symbol)
        .reduce((sum, fill) => sum + (fill.side === 'buy' ? fill.quantity : -fill.quantity), 0);
      expect(trading.paper.position('SIM-50K', symbol).quantity).toBe(net);
    }
    await trading.close();
  });
});
