import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { Fill, OrderIntent } from '../../src/core/events.js';
import { Engine } from '../../src/engine.js';
import { startTrading } from '../../src/trading.js';
import { createRegistry } from '../../src/operators/index.js';
import { checkPipeline } from '../../src/pipeline/compile.js';
import { parsePipelineYaml } from '../../src/pipeline/load.js';
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
    const trading = startTrading(engine.bus, engine.clock, { dataDir, watchHaltFile: false });
    const intents: OrderIntent[] = [];
    const denials: OrderDenied[] = [];
    const fills: Fill[] = [];
    engine.bus.observe(TOPICS.orderIntents).subscribe((intent) => intents.push(intent));
    engine.bus.observe(TOPICS.orderDenials).subscribe((denial) => denials.push(denial));
    engine.bus.observe(TOPICS.fills).subscribe((fill) => fills.push(fill));
    engine.add(checked.compiled as NonNullable<typeof checked.compiled>);
    engine.start();
    await engine.finished();

    expect(intents.length).toBeGreaterThan(10);
    expect(fills.length).toBeGreaterThan(0);
    for (const symbol of ['ES 12-26', 'MNQ 12-26']) {
      const net = fills
        .filter((fill) => fill.symbol === symbol)
        .reduce((sum, fill) => sum + (fill.side === 'buy' ? fill.quantity : -fill.quantity), 0);
      expect(trading.paper.position('SIM-50K', symbol).quantity).toBe(net);
    }
    // Whatever was denied was denied with a reason and numbers, not an exception.
    for (const denial of denials) expect(denial.reason.length).toBeGreaterThan(0);
    await trading.close();
  });
});
