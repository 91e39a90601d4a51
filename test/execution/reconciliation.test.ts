import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert } from '../../src/core/events.js';
import { OrderManager } from '../../src/execution/order-manager.js';
import { PaperBroker } from '../../src/execution/paper-broker.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import { esTick, intent, T0 } from './execution-helpers.js';

describe('reconciliation on (re)connect', () => {
  it('adopts the broker’s positions and orders and holds the account in REDUCING until a person resolves it, even once they match', () => {
    // The broker already holds a position and a working order from before the engine started.
    const broker = new PaperBroker({
      accounts: [{ id: 'SIM-50K', startingBalance: 50_000 }],
      slippageTicks: 0,
    });
    broker.onTick(esTick(T0, 6000));
    broker.submit({
      clientOrderId: 'old-1',
      account: 'SIM-50K',
      symbol: 'ES 12-26',
      ts: T0,
      side: 'buy',
      quantity: 2,
      type: 'market',
      timeInForce: 'day',
    });
    broker.submit({
      clientOrderId: 'old-2',
      account: 'SIM-50K',
      symbol: 'ES 12-26',
      ts: T0,
      side: 'sell',
      quantity: 2,
      type: 'limit',
      limitPrice: 6050,
      timeInForce: 'gtc',
    });

    const bus = new MessageBus();
    const clock = new ReplayClock(T0);
    const alerts: Alert[] = [];
    bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
    const risk = new RiskEngine(bus, clock, {
      accounts: [{ id: 'SIM-50K', profile: loadRuleProfile('apex-50k-evaluation'), mode: 'auto' }],
      haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-reconcile-')))),
    }).start();
    const manager = new OrderManager(bus, clock);
    manager.addBroker(broker);

    const first = manager.execute({ type: 'reconcile', account: 'SIM-50K' });
    expect(first.ok).toBe(false);
    expect(alerts.at(-1)).toMatchObject({ code: 'EXECUTION_RECONCILIATION_MISMATCH', account: 'SIM-50K' });
    expect(alerts.at(-1)?.message).toContain('ES 12-26 position 0 here, 2 at paper');
    expect(manager.order('old-2')).toMatchObject({ status: 'working', limitPrice: 6050 });
    expect(risk.riskState('SIM-50K')?.state).toBe('REDUCING');
    // REDUCING: a new entry is denied, closing the adopted position is allowed.
    expect(risk.process({ kind: 'intent', intent: intent() })).toMatchObject({
      outcome: 'denied',
      denial: { code: 'REDUCING_ONLY' },
    });
    expect(risk.process({ kind: 'intent', intent: intent({ side: 'sell', quantity: 2 }) })).toEqual({
      outcome: 'approved',
    });

    expect(manager.execute({ type: 'reconcile', account: 'SIM-50K' }).ok).toBe(true);
    expect(alerts.at(-1)?.code).toBe('EXECUTION_RECONCILED');
    expect(risk.riskState('SIM-50K')?.state).toBe('REDUCING');
    expect(risk.execute({ type: 'resolve', account: 'SIM-50K', by: 'test' }).ok).toBe(true);
    expect(risk.riskState('SIM-50K')?.state).toBe('ACTIVE');
  });

  it('lets a person resolve a mismatch', () => {
    const broker = new PaperBroker({
      accounts: [{ id: 'SIM-50K', startingBalance: 50_000 }],
      slippageTicks: 0,
    });
    broker.onTick(esTick(T0, 6000));
    broker.submit({
      clientOrderId: 'old',
      account: 'SIM-50K',
      symbol: 'ES 12-26',
      ts: T0,
      side: 'buy',
      quantity: 1,
      type: 'market',
      timeInForce: 'day',
    });
    const bus = new MessageBus();
    const clock = new ReplayClock(T0);
    const risk = new RiskEngine(bus, clock, {
      accounts: [{ id: 'SIM-50K', profile: loadRuleProfile('apex-50k-evaluation'), mode: 'auto' }],
      haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-reconcile-')))),
    }).start();
    const manager = new OrderManager(bus, clock);
    manager.addBroker(broker);
    manager.execute({ type: 'reconcile', account: 'SIM-50K' });
    expect(risk.riskState('SIM-50K')?.state).toBe('REDUCING');
    expect(risk.execute({ type: 'resolve', account: 'SIM-50K', by: 'test' }).ok).toBe(true);
    expect(risk.riskState('SIM-50K')?.state).toBe('ACTIVE');
  });
});
