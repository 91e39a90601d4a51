import { describe, expect, it } from 'vitest';
import type { OrderIntent } from '../../src/core/events.js';
import { esTick, executionRig, intent, T0 } from './execution-helpers.js';
import { slowCancelRig } from './slow-cancel-rig.js';

// A bracket is spent once its legs' fills have closed what its entry filled: the entry's unfilled
// rest must not open a position that no leg protects any more.

const ids = (entryId: string) => ({ entry: entryId, stop: `${entryId}-sl`, target: `${entryId}-tp` });

/**
 * With the market at 6001, sends a buy limit entry at 6000 with these exits and quantity; returns
 * the ids of the entry and its legs.
 */
function sendEntry(
  rig: Pick<ReturnType<typeof executionRig>, 'market' | 'manager'>,
  bracket: Partial<OrderIntent>,
) {
  rig.market(esTick(T0, 6001, 10, 6000.75, 6001.25));
  const sent = intent({ type: 'limit', limitPrice: 6000, ...bracket });
  rig.manager.execute({ type: 'submit', intent: sent });
  return ids(sent.id);
}

describe('a bracket whose stop filled at once when placed', () => {
  it('cancels the entry’s rest, so no later print opens an unprotected contract', () => {
    const rig = executionRig({ participation: 0.5 });
    const { entry, stop, target } = sendEntry(rig, { quantity: 2, stopLoss: 5990, takeProfit: 6050 });
    // A print through the entry and the stop, of 2 contracts: half of it (1) fills the entry, and
    // the stop placed for that contract fills at once.
    rig.market(esTick(T0 + 1, 5989, 2, 5988.75, 5989.25));
    expect(rig.manager.order(stop)).toMatchObject({ status: 'filled', filledQuantity: 1 });
    expect(rig.manager.order(target)).toBeUndefined();
    expect(rig.manager.order(entry)).toMatchObject({ status: 'cancelled', filledQuantity: 1 });
    // The next print would have filled the entry's second contract.
    rig.market(esTick(T0 + 2, 5989, 2, 5988.75, 5989.25));
    expect(rig.manager.order(entry)?.filledQuantity).toBe(1);
    expect(rig.positions.at(-1)?.quantity).toBe(0);
    expect(rig.manager.liveOrders()).toEqual([]);
  });
});

describe('a bracket whose legs filled while the entry still rested', () => {
  function partlyFilledEntry() {
    const rig = executionRig({ participation: 0.5 });
    const legs = sendEntry(rig, { quantity: 3, stopLoss: 5990, takeProfit: 6010 });
    // A print of 2 through the limit: 1 of 3 fills (half the print), legs of 1.
    rig.market(esTick(T0 + 1, 5999.75, 2, 5999.5, 6000.25));
    expect(rig.manager.order(legs.entry)).toMatchObject({ status: 'partially-filled', filledQuantity: 1 });
    return { rig, ...legs };
  }

  it('a target that fills cancels the stop and the entry’s rest: the trade is done', () => {
    const { rig, entry, stop, target } = partlyFilledEntry();
    rig.market(esTick(T0 + 2, 6010.25, 10, 6010, 6010.5));
    expect(rig.manager.order(target)).toMatchObject({ status: 'filled', filledQuantity: 1 });
    expect(rig.manager.order(stop)?.status).toBe('cancelled');
    expect(rig.manager.order(entry)).toMatchObject({ status: 'cancelled', filledQuantity: 1 });
    rig.market(esTick(T0 + 3, 5999.75, 10, 5999.5, 6000.25));
    expect(rig.positions.at(-1)?.quantity).toBe(0);
    expect(rig.manager.liveOrders()).toEqual([]);
  });

  it('a stop that fills cancels the target and the entry’s rest', () => {
    const { rig, entry, stop, target } = partlyFilledEntry();
    // A print of 2 down through the stop: on its way it fills 1 more of the entry (the stop grows
    // to 2), then the stop fills.
    rig.market(esTick(T0 + 2, 5989.75, 2, 5989.5, 5990));
    expect(rig.manager.order(stop)).toMatchObject({ status: 'filled', filledQuantity: 2 });
    expect(rig.manager.order(target)?.status).toBe('cancelled');
    expect(rig.manager.order(entry)).toMatchObject({ status: 'cancelled', filledQuantity: 2 });
    rig.market(esTick(T0 + 3, 5989.75, 10, 5989.5, 5990));
    expect(rig.positions.at(-1)?.quantity).toBe(0);
    expect(rig.manager.liveOrders()).toEqual([]);
  });

  it('a target that fills in part leaves the entry working: the stop still protects what is open', () => {
    const rig = executionRig({ participation: 0.5 });
    const { entry, stop, target } = sendEntry(rig, { quantity: 4, stopLoss: 5990, takeProfit: 6010 });
    // 2 of 4 fill (a print of 4 through the limit): legs of 2.
    rig.market(esTick(T0 + 1, 5999.75, 4, 5999.5, 6000.25));
    // A print of 2 through the target: 1 of its 2 fills; 1 stays open, the stop resized to 1.
    rig.market(esTick(T0 + 2, 6010.25, 2, 6011, 6011.25));
    expect(rig.manager.order(target)).toMatchObject({ status: 'partially-filled', filledQuantity: 1 });
    expect(rig.manager.order(stop)).toMatchObject({ status: 'working', quantity: 1 });
    expect(rig.manager.order(entry)).toMatchObject({ status: 'partially-filled', filledQuantity: 2 });
    // The entry fills on: both legs grow with it.
    rig.market(esTick(T0 + 3, 5999.75, 4, 5999.5, 6000.25));
    expect(rig.manager.order(entry)).toMatchObject({ status: 'filled', filledQuantity: 4 });
    expect(rig.manager.order(stop)).toMatchObject({ quantity: 3 });
    expect(rig.manager.order(target)).toMatchObject({ quantity: 4, filledQuantity: 1 });
  });
});

describe('an entry fill already on its way when the bracket was spent', () => {
  it('is closed at market, once per contract, and the account ends flat', () => {
    const rig = slowCancelRig({ participation: 0.5 });
    const { entry, target } = sendEntry(rig, { quantity: 3, stopLoss: 5990, takeProfit: 6010 });
    rig.market(esTick(T0 + 1, 5999.75, 2, 5999.5, 6000.25));
    // The target fills: the bracket is spent; the entry's cancel is on its way (held).
    rig.market(esTick(T0 + 2, 6010.25, 10, 6010, 6010.5));
    expect(rig.manager.order(target)?.status).toBe('filled');
    expect(rig.manager.order(entry)?.status).toBe('cancel-pending');
    // Before the cancel lands, the entry fills one more contract: it is closed at market.
    rig.market(esTick(T0 + 3, 5999.75, 2, 5999.5, 6000.25));
    expect(rig.manager.order(entry)?.filledQuantity).toBe(2);
    expect(rig.manager.order(`${entry}-close-1`)).toMatchObject({
      side: 'sell',
      quantity: 1,
      type: 'market',
      reason: `close of ${entry}: filled after its bracket was spent`,
    });
    // And one more: a second close for that contract only.
    rig.market(esTick(T0 + 4, 5999.75, 2, 5999.5, 6000.25));
    expect(rig.manager.order(entry)?.filledQuantity).toBe(3);
    expect(rig.manager.order(`${entry}-close-2`)).toMatchObject({ quantity: 1 });
    rig.market(esTick(T0 + 5, 6000, 10, 5999.75, 6000.25));
    expect(rig.manager.order(`${entry}-close-1`)?.status).toBe('filled');
    expect(rig.manager.order(`${entry}-close-2`)?.status).toBe('filled');
    expect(rig.manager.order(`${entry}-close-3`)).toBeUndefined();
    expect(rig.paper.positions('SIM-50K').find((p) => p.quantity !== 0)).toBeUndefined();
  });
});

describe('a short entry filling while its closes are still on their way', () => {
  it('buys back each contract once: a close counts what the closes before it will buy', () => {
    // Orders fill 5 µs after they are sent at the earliest; the entry's cancel is held.
    const rig = slowCancelRig({ participation: 0.5, latencyMicros: 5 });
    rig.market(esTick(T0, 5999, 10, 5998.75, 5999.25));
    const sent = intent({
      side: 'sell',
      quantity: 4,
      type: 'limit',
      limitPrice: 6000,
      stopLoss: 6010,
      takeProfit: 5990,
    });
    rig.manager.execute({ type: 'submit', intent: sent });
    const { entry, target } = ids(sent.id);
    rig.market(esTick(T0 + 10, 5999.25, 10, 5999, 5999.5));
    // A print of 2 through the limit: 1 of 4 sold, legs of 1.
    rig.market(esTick(T0 + 20, 6000.25, 2, 5999.75, 6000.5));
    expect(rig.manager.order(entry)?.filledQuantity).toBe(1);
    // The target buys it back: the bracket is spent, the entry's cancel on its way.
    rig.market(esTick(T0 + 30, 5989.75, 10, 5989.5, 5990));
    expect(rig.manager.order(target)?.status).toBe('filled');
    expect(rig.manager.order(entry)?.status).toBe('cancel-pending');
    // Before the cancel lands the entry sells 1 more, then 1 more while the first close waits.
    rig.market(esTick(T0 + 40, 6000.25, 2, 6000, 6000.5));
    expect(rig.manager.order(`${entry}-close-1`)).toMatchObject({
      side: 'buy',
      quantity: 1,
      status: 'accepted',
    });
    rig.market(esTick(T0 + 42, 6000.25, 2, 6000, 6000.5));
    expect(rig.manager.order(entry)?.filledQuantity).toBe(3);
    expect(rig.manager.order(`${entry}-close-2`)).toMatchObject({ side: 'buy', quantity: 1 });
    // The entry's cancel lands while both closes wait: nothing more to close.
    rig.broker.release(entry);
    expect(rig.manager.order(entry)?.status).toBe('cancelled');
    expect(rig.manager.order(`${entry}-close-3`)).toBeUndefined();
    expect(rig.broker.cancels.filter((id) => id === entry)).toHaveLength(1);
    rig.market(esTick(T0 + 50, 6000, 10, 5999.75, 6000.25));
    expect(rig.manager.order(`${entry}-close-1`)?.status).toBe('filled');
    expect(rig.manager.order(`${entry}-close-2`)?.status).toBe('filled');
    expect(rig.paper.positions('SIM-50K').find((p) => p.quantity !== 0)).toBeUndefined();
  });
});

describe('a bracket with a target only', () => {
  it('goes on while its target, filled in part, still works: the target still covers what is open', () => {
    const rig = executionRig({ participation: 0.5 });
    const { entry, target } = sendEntry(rig, { quantity: 2, takeProfit: 6010 });
    rig.market(esTick(T0 + 1, 5999.75, 4, 5999.5, 6000.25));
    expect(rig.manager.order(entry)).toMatchObject({ status: 'filled', filledQuantity: 2 });
    // A print of 2 through the target: 1 of its 2 fills.
    rig.market(esTick(T0 + 2, 6010.25, 2, 6011, 6011.25));
    expect(rig.manager.order(target)).toMatchObject({ status: 'partially-filled', filledQuantity: 1 });
    expect(rig.manager.order(`${entry}-close-1`)).toBeUndefined();
    expect(rig.positions.at(-1)?.quantity).toBe(1);
  });
});

describe('an entry whose cancel a person sent before its bracket was spent', () => {
  it('is not cancelled a second time when the bracket is spent', () => {
    const rig = slowCancelRig({ participation: 0.5 });
    const { entry, target } = sendEntry(rig, { quantity: 2, stopLoss: 5990, takeProfit: 6010 });
    rig.market(esTick(T0 + 1, 5999.75, 2, 5999.5, 6000.25));
    expect(rig.manager.execute({ type: 'cancel', clientOrderId: entry }).ok).toBe(true);
    rig.market(esTick(T0 + 2, 6010.25, 10, 6010, 6010.5));
    expect(rig.manager.order(target)?.status).toBe('filled');
    expect(rig.broker.cancels.filter((id) => id === entry)).toHaveLength(1);
  });
});

describe('an entry fill on its way after its stop filled the moment it was placed', () => {
  it('is closed at market; no target is placed for it', () => {
    const rig = slowCancelRig({ participation: 0.5 });
    const { entry, stop, target } = sendEntry(rig, { quantity: 2, stopLoss: 5990, takeProfit: 6050 });
    rig.market(esTick(T0 + 1, 5989, 2, 5988.75, 5989.25));
    expect(rig.manager.order(stop)).toMatchObject({ status: 'filled', filledQuantity: 1 });
    expect(rig.manager.order(entry)?.status).toBe('cancel-pending');
    // The entry's cancel has not landed: the next print fills its second contract.
    rig.market(esTick(T0 + 2, 5989, 2, 5988.75, 5989.25));
    expect(rig.manager.order(entry)?.filledQuantity).toBe(2);
    expect(rig.manager.order(target)).toBeUndefined();
    expect(rig.manager.order(`${entry}-close-1`)).toMatchObject({ side: 'sell', quantity: 1 });
  });
});
