import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { esTick, intent, T0 } from './execution-helpers.js';
import { ninjaTraderRig, tempDataDir } from './ninjatrader-rig.js';

// Orders the broker has not confirmed or filled yet, as a reconnect finds them.

describe('an order still being sent when the AddOn reconnects', () => {
  it('is neither cancelled nor a difference: the snapshot cannot list it yet', () => {
    const rig = ninjaTraderRig({ connected: true });
    // The reconnect lands while the order is published as pending, before it is sent.
    let reconnected = false;
    rig.bus.observe(TOPICS.orders).subscribe((order) => {
      if (order.status !== 'pending' || reconnected) return;
      reconnected = true;
      rig.connect();
    });
    const sent = rig.place({ id: 'sending-1' });
    expect(reconnected).toBe(true);
    expect(rig.manager.order(sent.id)?.status).toBe('submitted');
    expect(rig.last('EXECUTION_RECONCILIATION_MISMATCH')).toBeUndefined();
    expect(rig.orders.filter((order) => order.status === 'cancelled')).toEqual([]);
  });
});

describe('a bracket entry adopted after a restart with nothing filled and an average price of 0', () => {
  it('does not trail its stop: nothing is filled, whatever average the client reports', () => {
    const first = ninjaTraderRig({ dataDir: tempDataDir() });
    first.connect();
    first.place({ id: 'entry-5', type: 'limit', limitPrice: 6000, stopLoss: 5990 });

    // A new engine on the same data directory; the client (untrusted) lists the entry working with
    // a zero average, and its stop leg.
    const second = ninjaTraderRig({ dataDir: first.dataDir });
    const entry = intent({ id: 'entry-5', account: 'NT-1', type: 'limit', limitPrice: 6000 });
    const stopLeg = intent({
      id: 'entry-5-sl',
      account: 'NT-1',
      side: 'sell',
      type: 'stop',
      stopPrice: 5990,
    });
    second.connect({
      orders: [second.view(entry, { filledQuantity: 0, averageFillPrice: 0 }), second.view(stopLeg)],
    });
    expect(second.manager.execute({ type: 'trail-stop', clientOrderId: 'entry-5', distance: 4 }).ok).toBe(
      true,
    );
    second.commands.length = 0;
    second.manager.process(esTick(T0 + 1, 6020));
    expect(second.commands).toEqual([]);
    expect(second.manager.order('entry-5-sl')?.stopPrice).toBe(5990);
  });
});
