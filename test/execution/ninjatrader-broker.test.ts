import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type NinjaTraderCommand } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Fill, Order } from '../../src/core/events.js';
import { NinjaTraderBroker } from '../../src/execution/ninjatrader-broker.js';
import { OrderManager } from '../../src/execution/order-manager.js';
import { startTrading } from '../../src/trading.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import { intent, T0 } from './execution-helpers.js';

describe('NinjaTrader broker', () => {
  it('sends orders and cancels as AddOn commands and follows the AddOn’s reports from the gateway, once', () => {
    const bus = new MessageBus();
    const manager = new OrderManager(bus, new ReplayClock(T0));
    const broker = new NinjaTraderBroker(bus, ['NT-1']);
    manager.addBroker(broker);
    const commands: NinjaTraderCommand[] = [];
    const fills: Fill[] = [];
    bus.observe(TOPICS.ninjatraderCommands).subscribe((command) => commands.push(command));
    bus.observe(TOPICS.fills).subscribe((fill) => fills.push(fill));

    const order = intent({ account: 'NT-1', quantity: 2, type: 'limit', limitPrice: 6000 });
    manager.execute({ type: 'submit', intent: order });
    manager.execute({ type: 'submit', intent: order });
    expect(commands).toHaveLength(1);
    expect(commands[0]).toMatchObject({
      kind: 'order',
      intent: { id: order.id, account: 'NT-1', quantity: 2, limitPrice: 6000 },
    });

    // What the gateway publishes from the AddOn's order_update and execution messages.
    const report = (status: Order['status'], filledQuantity: number): void =>
      bus.publish(TOPICS.orders, {
        ...(manager.order(order.id) as Order),
        status,
        filledQuantity,
        brokerOrderId: 'NT-77',
        ts: T0 + 1,
      });
    report('working', 0);
    expect(manager.order(order.id)).toMatchObject({ status: 'working', brokerOrderId: 'NT-77' });
    bus.publish(TOPICS.fills, {
      fillId: 'x1',
      clientOrderId: order.id,
      account: 'NT-1',
      symbol: 'ES 12-26',
      ts: T0 + 2,
      side: 'buy',
      quantity: 1,
      price: 6000,
      commission: 2.25,
    });
    report('partially-filled', 1);
    expect(manager.order(order.id)).toMatchObject({ status: 'partially-filled', filledQuantity: 1 });
    expect(fills).toHaveLength(1);

    manager.execute({ type: 'cancel', clientOrderId: order.id });
    expect(commands.at(-1)).toMatchObject({ kind: 'cancel', account: 'NT-1', clientOrderId: order.id });
    report('cancelled', 1);
    expect(manager.order(order.id)?.status).toBe('cancelled');
  });

  it('in HALTED lets cancels through to the AddOn and nothing else', () => {
    const bus = new MessageBus();
    const clock = new ReplayClock(T0);
    const risk = new RiskEngine(bus, clock, {
      accounts: [{ id: 'NT-1', profile: loadRuleProfile('topstep-50k-combine'), mode: 'auto' }],
      haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-nt-')))),
    }).start();
    const manager = new OrderManager(bus, clock);
    manager.addBroker(new NinjaTraderBroker(bus, ['NT-1']));
    bus
      .observe(TOPICS.approvedIntents)
      .subscribe((approved) => manager.execute({ type: 'submit', intent: approved }));
    bus.observe(TOPICS.executionCommands).subscribe((command) => manager.execute(command));
    const commands: NinjaTraderCommand[] = [];
    bus.observe(TOPICS.ninjatraderCommands).subscribe((command) => commands.push(command));
    bus.publish(TOPICS.accounts, {
      account: 'NT-1',
      ts: T0,
      currency: 'USD',
      balance: 50_000,
      equity: 50_000,
      realizedPnlToday: 0,
      unrealizedPnl: 0,
    });

    const resting = intent({ account: 'NT-1', type: 'limit', limitPrice: 5900 });
    bus.publish(TOPICS.orderIntents, resting);
    bus.publish(TOPICS.orders, {
      ...(manager.order(resting.id) as Order),
      status: 'working',
      brokerOrderId: 'NT-1',
    });
    expect(commands.map((command) => command.kind)).toEqual(['order']);

    risk.execute({ type: 'kill', account: 'NT-1', reason: 'test', by: 'test' });
    bus.publish(TOPICS.orderIntents, intent({ account: 'NT-1' }));
    expect(commands.map((command) => command.kind)).toEqual(['order', 'cancel']);
    expect(commands[1]).toMatchObject({ clientOrderId: resting.id });
    expect(risk.riskState('NT-1')?.state).toBe('HALTED');
  });

  it('is what startTrading uses for accounts with broker ninjatrader', async () => {
    const bus = new MessageBus();
    const trading = startTrading(bus, new ReplayClock(T0), {
      dataDir: mkdtempSync(join(tmpdir(), 'enigma-nt-')),
      watchHaltFile: false,
      accounts: [{ id: 'NT-2', profile: 'topstep-50k-combine', mode: 'auto', broker: 'ninjatrader' }],
    });
    const commands: NinjaTraderCommand[] = [];
    bus.observe(TOPICS.ninjatraderCommands).subscribe((command) => commands.push(command));
    bus.publish(TOPICS.accounts, {
      account: 'NT-2',
      ts: T0,
      currency: 'USD',
      balance: 50_000,
      equity: 50_000,
      realizedPnlToday: 0,
      unrealizedPnl: 0,
    });
    const order = intent({ account: 'NT-2', type: 'limit', limitPrice: 5990 });
    bus.publish(TOPICS.orderIntents, order);
    expect(commands).toEqual([
      expect.objectContaining({ kind: 'order', intent: expect.objectContaining({ id: order.id }) }),
    ]);
    expect(trading.ninjaTrader?.accounts()).toEqual(['NT-2']);
    await trading.close();
  });
});
