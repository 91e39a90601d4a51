import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Order } from '../../src/core/events.js';
import { startTrading } from '../../src/trading.js';
import type { OrderDenied } from '../../src/risk/risk-events.js';
import { esTick, intent, T0 } from './execution-helpers.js';

function tradingRig(dataDir = mkdtempSync(join(tmpdir(), 'enigma-trading-'))) {
  const bus = new MessageBus();
  const clock = new ReplayClock(T0);
  const handle = startTrading(bus, clock, { dataDir, watchHaltFile: false });
  const denied: OrderDenied[] = [];
  const orders: Order[] = [];
  bus.observe(TOPICS.orderDenials).subscribe((denial) => denied.push(denial));
  bus.observe(TOPICS.orders).subscribe((order) => orders.push(order));
  const tick = (ts: number, price: number): void => {
    clock.advanceTo(ts);
    bus.publish(TOPICS.ticks, esTick(ts, price));
  };
  return { bus, clock, handle, denied, orders, tick, dataDir };
}

describe('kill switch and the trading composition', () => {
  it('trades end to end: intent → risk → order manager → paper broker → position', () => {
    const rig = tradingRig();
    rig.tick(T0, 6000);
    rig.bus.publish(TOPICS.orderIntents, intent({ quantity: 2, stopLoss: 5990, takeProfit: 6020 }));
    expect(rig.handle.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(2);
    expect(
      rig.handle.orders
        .liveOrders('SIM-50K')
        .map((order) => order.type)
        .sort(),
    ).toEqual(['limit', 'stop']);
    expect(rig.handle.riskState('SIM-50K')?.state).toBe('ACTIVE');
  });

  it('cancels every order and flattens every position from the kill call, and halts', () => {
    const rig = tradingRig();
    rig.tick(T0, 6000);
    rig.bus.publish(TOPICS.orderIntents, intent({ quantity: 3, stopLoss: 5990, takeProfit: 6030 }));
    rig.bus.publish(TOPICS.orderIntents, intent({ type: 'limit', limitPrice: 5950 }));
    rig.bus.publish(
      TOPICS.orderIntents,
      intent({ symbol: 'MES 12-26', quantity: 4, side: 'sell', type: 'limit', limitPrice: 6100 }),
    );
    rig.bus.publish(TOPICS.ticks, {
      symbol: 'MES 12-26',
      ts: T0,
      price: 6000,
      size: 5,
      bid: 5999.75,
      ask: 6000.25,
      side: 'unknown',
    });
    expect(rig.handle.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(3);
    expect(rig.handle.orders.liveOrders('SIM-50K').length).toBeGreaterThanOrEqual(3);

    const result = rig.handle.execute({ type: 'kill', reason: 'test', by: 'test' });

    expect(result.ok).toBe(true);
    expect(rig.handle.orders.liveOrders('SIM-50K')).toEqual([]);
    expect(rig.handle.paper.workingOrders('SIM-50K')).toEqual([]);
    expect(rig.handle.paper.positions('SIM-50K').every((position) => position.quantity === 0)).toBe(true);
    expect(rig.handle.riskState('SIM-50K')?.state).toBe('HALTED');
    // HALTED: a new intent is denied; nothing reaches the broker.
    const before = rig.orders.length;
    rig.bus.publish(TOPICS.orderIntents, intent());
    expect(rig.denied.at(-1)?.code).toBe('HALTED');
    expect(rig.orders.length).toBe(before);
  });

  it('keeps the halt after a restart of the whole composition until a person resumes', async () => {
    const first = tradingRig();
    first.tick(T0, 6000);
    first.handle.execute({ type: 'kill', account: 'SIM-50K', reason: 'restart test', by: 'test' });
    await first.handle.close();

    const second = tradingRig(first.dataDir);
    expect(second.handle.riskState('SIM-50K')?.state).toBe('HALTED');
    second.tick(T0 + 1, 6000);
    second.bus.publish(TOPICS.orderIntents, intent());
    expect(second.denied.at(-1)?.code).toBe('HALTED');
    expect(second.handle.execute({ type: 'resume', by: 'test' }).ok).toBe(true);
    second.bus.publish(TOPICS.orderIntents, intent());
    expect(second.handle.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(1);
    await second.handle.close();
  });

  it('flattens at the forced-flat time and refuses entries until the next session', () => {
    const rig = tradingRig();
    const beforeFlat = Date.parse('2026-11-24T21:58:00Z') * 1000; // 16:58 New York (EST)
    rig.tick(beforeFlat, 6000);
    rig.bus.publish(TOPICS.orderIntents, intent({ ts: beforeFlat, quantity: 2 }));
    expect(rig.handle.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(2);
    rig.tick(beforeFlat + 60_000_000, 6001); // 16:59
    expect(rig.handle.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(0);
    rig.bus.publish(TOPICS.orderIntents, intent({ ts: beforeFlat + 61_000_000 }));
    expect(rig.denied.at(-1)?.code).toBe('OUTSIDE_TRADING_HOURS');
    rig.tick(Date.parse('2026-11-24T23:00:00Z') * 1000, 6002); // 18:00 reopens
    expect(rig.handle.riskState('SIM-50K')?.state).toBe('ACTIVE');
  });

  it('halts one account and leaves the others trading', async () => {
    const bus = new MessageBus();
    const clock = new ReplayClock(T0);
    const handle = startTrading(bus, clock, {
      dataDir: mkdtempSync(join(tmpdir(), 'enigma-trading-')),
      watchHaltFile: false,
      accounts: [
        { id: 'APEX-1', profile: 'apex-50k-evaluation', mode: 'auto' },
        { id: 'TOPSTEP-1', profile: 'topstep-50k-combine', mode: 'auto' },
      ],
    });
    bus.publish(TOPICS.ticks, esTick(T0, 6000));
    bus.publish(TOPICS.orderIntents, intent({ account: 'APEX-1', quantity: 2 }));
    bus.publish(TOPICS.orderIntents, intent({ account: 'TOPSTEP-1', quantity: 1, side: 'sell' }));
    expect(handle.risk.totalExposure().get('ES 12-26')).toBe(1);

    handle.execute({ type: 'kill', account: 'APEX-1', reason: 'one account', by: 'test' });

    expect(handle.paper.position('APEX-1', 'ES 12-26').quantity).toBe(0);
    expect(handle.paper.position('TOPSTEP-1', 'ES 12-26').quantity).toBe(-1);
    expect(handle.riskState('APEX-1')?.state).toBe('HALTED');
    expect(handle.riskState('TOPSTEP-1')?.state).toBe('ACTIVE');
    bus.publish(TOPICS.orderIntents, intent({ account: 'TOPSTEP-1', quantity: 1 }));
    expect(handle.paper.position('TOPSTEP-1', 'ES 12-26').quantity).toBe(0);
    await handle.close();
  });
});
