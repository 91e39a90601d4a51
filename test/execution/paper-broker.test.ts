import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Fill, OrderType, Side } from '../../src/core/events.js';
import { PaperBroker } from '../../src/execution/paper-broker.js';
import { PositionBook } from '../../src/execution/position-book.js';
import { esTick, T0 } from './execution-helpers.js';

function broker(options: Partial<ConstructorParameters<typeof PaperBroker>[0]> = {}) {
  const paper = new PaperBroker({
    accounts: [{ id: 'A', startingBalance: 50_000 }],
    slippageTicks: 0,
    ...options,
  });
  const fills: Fill[] = [];
  const statuses: string[] = [];
  const reasons: string[] = [];
  const brokerIds: string[] = [];
  paper.subscribe((event) => {
    if (event.kind === 'fill') fills.push(event.fill);
    if (event.kind !== 'order') return;
    statuses.push(`${event.clientOrderId}:${event.status}`);
    if (event.reason !== undefined) reasons.push(`${event.clientOrderId}:${event.reason}`);
    if (event.brokerOrderId !== undefined) brokerIds.push(`${event.clientOrderId}:${event.brokerOrderId}`);
  });
  const submit = (
    id: string,
    side: Side,
    quantity: number,
    type: OrderType = 'market',
    extra: object = {},
    ts = T0,
  ) =>
    paper.submit({
      clientOrderId: id,
      account: 'A',
      symbol: 'ES 12-26',
      ts,
      side,
      quantity,
      type,
      timeInForce: 'day',
      ...extra,
    });
  return { paper, fills, statuses, reasons, brokerIds, submit };
}

describe('paper broker', () => {
  it('fills market orders at the ask and bid, charges commission per side, and books P&L as ticks × tick value', () => {
    const { paper, fills, submit } = broker();
    paper.onTick(esTick(T0, 6000, 10, 6000, 6000.25));
    submit('buy', 'buy', 2);
    paper.onTick(esTick(T0 + 1_000_000, 6010, 10, 6009.75, 6010));
    submit('sell', 'sell', 2, 'market', {}, T0 + 1_000_000);
    expect(fills.map((fill) => [fill.price, fill.quantity, fill.commission])).toEqual([
      [6000.25, 2, 4.5],
      [6009.75, 2, 4.5],
    ]);
    // (6009.75 − 6000.25) / 0.25 = 38 ticks × $12.50 × 2 = $950; commissions 4 × $2.25 = $9.
    expect(paper.position('A', 'ES 12-26')).toMatchObject({ quantity: 0, realizedPnl: 950 });
    expect(paper.accountState('A', T0 + 1_000_000)).toMatchObject({
      balance: 50_941,
      equity: 50_941,
      realizedPnlToday: 941,
    });
  });

  it('marks open positions to the last price', () => {
    const { paper, submit } = broker();
    paper.onTick(esTick(T0, 6000, 10, 6000, 6000.25));
    submit('buy', 'buy', 1);
    paper.onTick(esTick(T0 + 1, 6010));
    // 39 ticks × $12.50 = $487.50 open; balance is down the $2.25 commission.
    expect(paper.accountState('A', T0 + 1)).toMatchObject({
      balance: 49_997.75,
      unrealizedPnl: 487.5,
      equity: 50_485.25,
    });
  });

  it('closes lots first in, first out', () => {
    const book = new PositionBook();
    const fill = (side: Side, price: number, quantity = 1): Fill => ({
      fillId: `${side}${price}`,
      clientOrderId: 'x',
      account: 'A',
      symbol: 'NQ 12-26',
      ts: T0,
      side,
      quantity,
      price,
      commission: 0,
    });
    book.applyFill(fill('sell', 21000));
    book.applyFill(fill('sell', 21010));
    // Buying one back at 20990 closes the 21000 lot: 10 points = 40 ticks × $5 = $200.
    expect(book.applyFill(fill('buy', 20990))).toBe(200);
    expect(book.position('A', 'NQ 12-26')).toMatchObject({
      quantity: -1,
      averagePrice: 21010,
      realizedPnl: 200,
    });
  });

  it('waits for the latency before an order can fill', () => {
    const { paper, fills, submit } = broker({ latencyMicros: 50_000 });
    paper.onTick(esTick(T0, 6000));
    submit('m', 'buy', 1);
    paper.onTick(esTick(T0 + 49_999, 6001));
    expect(fills).toHaveLength(0);
    paper.onTick(esTick(T0 + 50_000, 6002));
    expect(fills.map((fill) => fill.price)).toEqual([6002.25]);
  });

  it('moves market fills by the slippage ticks against the trader: a sell below the bid, a buy above the ask', () => {
    const { paper, fills, submit } = broker({ slippageTicks: 2 });
    paper.onTick(esTick(T0, 6000));
    submit('m', 'sell', 1);
    submit('b', 'buy', 1);
    // Bid 5999.75 − 2 ticks; ask 6000.25 + 2 ticks.
    expect(fills.map((fill) => [fill.side, fill.price])).toEqual([
      ['sell', 5999.25],
      ['buy', 6000.75],
    ]);
  });

  it('slips a triggered buy stop above the ask', () => {
    const { paper, fills, submit } = broker({ slippageTicks: 1 });
    paper.onTick(esTick(T0, 6000));
    submit('s', 'buy', 1, 'stop', { stopPrice: 6005 });
    paper.onTick(esTick(T0 + 1, 6005, 1, 6004.75, 6005.25));
    expect(fills.map((fill) => fill.price)).toEqual([6005.5]);
  });

  it('fills a resting limit partially, print by print, when price trades through it', () => {
    const { paper, fills, statuses, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('l', 'buy', 3, 'limit', { limitPrice: 5999 });
    paper.onTick(esTick(T0 + 1, 5999, 4, 5998.75, 5999.25)); // at the limit: no fill with `through`
    expect(fills).toHaveLength(0);
    paper.onTick(esTick(T0 + 2, 5998.75, 2, 5998.5, 5999.25));
    paper.onTick(esTick(T0 + 3, 5998.5, 5, 5998.25, 5999.25));
    expect(fills.map((fill) => [fill.price, fill.quantity])).toEqual([
      [5999, 2],
      [5999, 1],
    ]);
    expect(statuses).toEqual(['l:accepted', 'l:working', 'l:partially-filled', 'l:filled']);
  });

  it('fills a marketable limit at once at the better price', () => {
    const { paper, fills, submit } = broker();
    paper.onTick(esTick(T0, 6000, 10, 6000, 6000.25));
    submit('l', 'buy', 2, 'limit', { limitPrice: 6001 });
    expect(fills.map((fill) => [fill.price, fill.quantity])).toEqual([[6000.25, 2]]);
  });

  it('triggers a stop when price reaches it and fills it as a market order', () => {
    const { paper, fills, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('s', 'sell', 1, 'stop', { stopPrice: 5990 });
    paper.onTick(esTick(T0 + 1, 5990.25));
    expect(fills).toHaveLength(0);
    paper.onTick(esTick(T0 + 2, 5989.75, 1, 5989.5, 5990));
    expect(fills.map((fill) => fill.price)).toEqual([5989.5]);
  });

  it('triggers a sell stop on a print exactly at its price, not on one a tick above', () => {
    const { paper, fills, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('s', 'sell', 1, 'stop', { stopPrice: 5990 });
    paper.onTick(esTick(T0 + 1, 5990.25, 1, 5990, 5990.5));
    expect(fills).toHaveLength(0);
    paper.onTick(esTick(T0 + 2, 5990, 1, 5989.75, 5990.25));
    expect(fills.map((fill) => [fill.side, fill.price])).toEqual([['sell', 5989.75]]);
  });

  it('triggers a buy stop on a print exactly at its price, not on one a tick below', () => {
    const { paper, fills, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('s', 'buy', 1, 'stop', { stopPrice: 6010 });
    paper.onTick(esTick(T0 + 1, 6009.75, 1, 6009.5, 6010));
    expect(fills).toHaveLength(0);
    paper.onTick(esTick(T0 + 2, 6010, 1, 6009.75, 6010.25));
    expect(fills.map((fill) => [fill.side, fill.price])).toEqual([['buy', 6010.25]]);
  });

  it('triggers a stop on a bar whose low (or high) is exactly the stop price', () => {
    const { paper, fills, submit } = broker();
    const bar = (end: number, high: number, low: number, close: number) => ({
      symbol: 'ES 12-26',
      ts: end - 60_000_000,
      end,
      open: close,
      high,
      low,
      close,
      volume: 100,
      buyVolume: 50,
      sellVolume: 50,
      trades: 20,
    });
    paper.onBar(bar(T0, 6001, 5999, 6000));
    submit('sell-stop', 'sell', 1, 'stop', { stopPrice: 5995 });
    submit('buy-stop', 'buy', 1, 'stop', { stopPrice: 6005 });
    paper.onBar(bar(T0 + 60_000_000, 6004.75, 5995.25, 6000));
    expect(fills).toHaveLength(0);
    paper.onBar(bar(T0 + 120_000_000, 6005, 5995, 6000));
    expect(fills.map((fill) => fill.clientOrderId).sort()).toEqual(['buy-stop', 'sell-stop']);
  });

  it('ignores the bars of an instrument it has ticks of: a stop is not triggered by prints from before it', () => {
    const { paper, fills, submit } = broker();
    paper.onTick(esTick(T0 + 1_000_000, 5990));
    paper.onTick(esTick(T0 + 50_000_000, 6000));
    submit('sell-stop', 'sell', 1, 'stop', { stopPrice: 5995 }, T0 + 50_000_000);
    // The minute's bar (low 5990, before the stop was placed) closes after its ticks.
    paper.onBar({
      symbol: 'ES 12-26',
      ts: T0,
      end: T0 + 60_000_000,
      open: 5995,
      high: 6000,
      low: 5990,
      close: 6000,
      volume: 2,
      buyVolume: 1,
      sellVolume: 1,
      trades: 2,
    });
    expect(fills).toHaveLength(0);
    paper.onTick(esTick(T0 + 61_000_000, 5994));
    expect(fills.map((fill) => fill.clientOrderId)).toEqual(['sell-stop']);
  });

  it('cancels what an IOC cannot fill and a FOK that cannot fill whole', () => {
    const { paper, fills, statuses, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('ioc', 'buy', 1, 'limit', { limitPrice: 5990, timeInForce: 'ioc' });
    submit('fok', 'buy', 1, 'limit', { limitPrice: 5990, timeInForce: 'fok' });
    expect(fills).toHaveLength(0);
    expect(statuses).toContain('ioc:cancelled');
    expect(statuses).toContain('fok:cancelled');
  });

  it('expires a day order when the CME trading day ends, and keeps a GTC order', () => {
    const { paper, statuses, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('day', 'buy', 1, 'limit', { limitPrice: 5900 });
    submit('gtc', 'buy', 1, 'limit', { limitPrice: 5900, timeInForce: 'gtc' });
    paper.onTick(esTick(Date.parse('2026-11-24T22:59:59Z') * 1000, 6000)); // 16:59:59 Chicago
    expect(statuses).not.toContain('day:expired');
    paper.onTick(esTick(Date.parse('2026-11-24T23:00:00Z') * 1000, 6000)); // 17:00 Chicago: next day
    expect(statuses).toContain('day:expired');
    expect(statuses).not.toContain('gtc:expired');
    expect(paper.workingOrders('A').map((order) => order.clientOrderId)).toEqual(['gtc']);
  });

  it('rejects what it cannot trade, as events', () => {
    const { paper, statuses } = broker();
    paper.submit({
      clientOrderId: 'x',
      account: 'A',
      symbol: 'ZZ 12-26',
      ts: T0,
      side: 'buy',
      quantity: 1,
      type: 'market',
      timeInForce: 'day',
    });
    paper.submit({
      clientOrderId: 'y',
      account: 'A',
      symbol: 'ES 12-26',
      ts: T0,
      side: 'buy',
      quantity: 1,
      type: 'limit',
      timeInForce: 'day',
    });
    expect(statuses).toEqual(['x:rejected', 'y:rejected']);
  });

  it('books the same position, average price and realised P&L however the same trades are split into fills (property)', () => {
    const trade = fc.record({
      side: fc.constantFrom<Side>('buy', 'sell'),
      quantity: fc.integer({ min: 1, max: 6 }),
      priceTicks: fc.integer({ min: -40, max: 40 }),
      // Where the trade is cut into parts (each a fill of its own), as sizes that sum to the quantity.
      cuts: fc.array(fc.integer({ min: 1, max: 5 }), { maxLength: 4 }),
    });
    fc.assert(
      fc.property(fc.array(trade, { minLength: 1, maxLength: 25 }), (trades) => {
        const whole = new PositionBook();
        const split = new PositionBook();
        let fillId = 0;
        let net = 0;
        const fill = (side: Side, quantity: number, price: number): Fill => ({
          fillId: `f${fillId++}`,
          clientOrderId: 'x',
          account: 'A',
          symbol: 'NQ 12-26',
          ts: T0,
          side,
          quantity,
          price,
          commission: 0,
        });
        for (const { side, quantity, priceTicks, cuts } of trades) {
          const price = 21_000 + priceTicks * 0.25;
          net += side === 'buy' ? quantity : -quantity;
          whole.applyFill(fill(side, quantity, price));
          let left = quantity;
          for (const cut of cuts) {
            if (left <= 1) break;
            const part = Math.min(cut, left - 1);
            split.applyFill(fill(side, part, price));
            left -= part;
          }
          split.applyFill(fill(side, left, price));
        }
        const a = whole.position('A', 'NQ 12-26');
        const b = split.position('A', 'NQ 12-26');
        expect(a.quantity).toBe(net);
        expect(b.quantity).toBe(net);
        expect(b.averagePrice).toBe(a.averagePrice);
        expect(b.realizedPnl).toBe(a.realizedPnl);
      }),
      { numRuns: 300 },
    );
  });

  it('fills a resting limit in as many parts as the prints allow, the parts summing to the order (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 20, maxLength: 20 }),
        fc.double({ min: 0.1, max: 1, noNaN: true }),
        (quantity, sizes, participation) => {
          const { paper, fills, submit } = broker({ participation });
          paper.onTick(esTick(T0, 6000));
          submit('l', 'sell', quantity, 'limit', { limitPrice: 6002 });
          sizes.forEach((size, i) => paper.onTick(esTick(T0 + 1 + i, 6002.25, size, 6002, 6002.5)));
          const parts = fills.map((fill) => fill.quantity);
          expect(parts.reduce((sum, part) => sum + part, 0)).toBe(quantity);
          for (const [i, part] of parts.entries())
            expect(part).toBeLessThanOrEqual(Math.max(1, Math.floor((sizes[i] as number) * participation)));
          expect(new Set(fills.map((fill) => fill.price))).toEqual(new Set([6002]));
          expect(paper.position('A', 'ES 12-26')).toMatchObject({ quantity: -quantity, averagePrice: 6002 });
          expect(paper.workingOrders('A')).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('fills a resting limit on a print exactly at it with `touch`, not on one a tick away', () => {
    const { paper, fills, submit } = broker({ limitFill: 'touch' });
    paper.onTick(esTick(T0, 6000));
    submit('buy', 'buy', 1, 'limit', { limitPrice: 5999 });
    submit('sell', 'sell', 1, 'limit', { limitPrice: 6001 });
    paper.onTick(esTick(T0 + 1, 5999.25, 5, 5999, 5999.5));
    paper.onTick(esTick(T0 + 2, 6000.75, 5, 6000.5, 6001));
    expect(fills).toHaveLength(0);
    paper.onTick(esTick(T0 + 3, 5999, 5, 5998.75, 5999.25));
    paper.onTick(esTick(T0 + 4, 6001, 5, 6000.75, 6001.25));
    expect(fills.map((fill) => [fill.clientOrderId, fill.price])).toEqual([
      ['buy', 5999],
      ['sell', 6001],
    ]);
  });

  it('fills a resting sell limit only on a print a tick through it with `through`, not at it', () => {
    const { paper, fills, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('sell', 'sell', 1, 'limit', { limitPrice: 6001 });
    paper.onTick(esTick(T0 + 1, 6001, 5, 6000.75, 6001.25));
    expect(fills).toHaveLength(0);
    paper.onTick(esTick(T0 + 2, 6001.25, 5, 6001, 6001.5));
    expect(fills.map((fill) => fill.price)).toEqual([6001]);
  });

  it('fills a limit at exactly the ask (buy) or bid (sell) on arrival, whole, and rests one a tick away', () => {
    const { paper, fills, statuses, submit } = broker();
    // Prints at the touch, so nothing trades through the limits.
    paper.onTick(esTick(T0, 6000.25, 1, 6000, 6000.25));
    submit('buy-at-ask', 'buy', 5, 'limit', { limitPrice: 6000.25 });
    submit('buy-below', 'buy', 5, 'limit', { limitPrice: 6000 });
    paper.onTick(esTick(T0 + 1, 6000, 1, 6000, 6000.25));
    submit('sell-at-bid', 'sell', 5, 'limit', { limitPrice: 6000 });
    submit('sell-above', 'sell', 5, 'limit', { limitPrice: 6000.25 });
    expect(fills.map((fill) => [fill.clientOrderId, fill.price, fill.quantity])).toEqual([
      ['buy-at-ask', 6000.25, 5],
      ['sell-at-bid', 6000, 5],
    ]);
    expect(statuses).toContain('buy-below:working');
    expect(statuses).toContain('sell-above:working');
  });

  it('fills a FOK whose quantity is exactly what the print offers, and cancels one a contract larger', () => {
    const { paper, fills, statuses, submit } = broker();
    paper.onTick(esTick(T0, 5999.75, 3, 5999.75, 6000.5));
    submit('fits', 'buy', 3, 'limit', { limitPrice: 6000, timeInForce: 'fok' });
    submit('too-big', 'buy', 4, 'limit', { limitPrice: 6000, timeInForce: 'fok' });
    expect(fills.map((fill) => [fill.clientOrderId, fill.quantity])).toEqual([['fits', 3]]);
    expect(statuses).toContain('too-big:cancelled');
  });

  it('refuses a replace down to exactly the filled quantity, and takes one a contract above it', () => {
    const { paper, submit } = broker();
    const reasons: string[] = [];
    paper.subscribe((event) => {
      if (event.kind === 'order' && event.reason !== undefined) reasons.push(event.reason);
    });
    paper.onTick(esTick(T0, 6000));
    submit('l', 'buy', 3, 'limit', { limitPrice: 5999 });
    paper.onTick(esTick(T0 + 1, 5998.75, 1, 5998.5, 5999.25));
    // The market moves back above the limit, so a replace does not fill at once.
    paper.onTick(esTick(T0 + 2, 5999.5, 1, 5999.25, 5999.75));
    paper.replace('l', { quantity: 1 }, T0 + 2);
    expect(reasons).toEqual(['replace refused: quantity 1 is not above the 1 already filled']);
    expect(paper.workingOrders('A')[0]).toMatchObject({ quantity: 3, filledQuantity: 1 });
    paper.replace('l', { quantity: 2 }, T0 + 3);
    expect(paper.workingOrders('A')[0]).toMatchObject({ quantity: 2, filledQuantity: 1 });
  });

  it('keeps a day order accepted at exactly 17:00 Chicago, before the new day’s first print, and expires the older one', () => {
    const { paper, statuses, submit } = broker();
    const before = Date.parse('2026-11-24T22:59:59Z') * 1000; // 16:59:59 Chicago
    const open = Date.parse('2026-11-24T23:00:00Z') * 1000; // 17:00:00: the next trading day
    paper.onTick(esTick(before, 6000));
    submit('old', 'buy', 1, 'limit', { limitPrice: 5900 }, before);
    submit('new', 'buy', 1, 'limit', { limitPrice: 5900 }, open);
    paper.onTick(esTick(open + 1, 6000));
    expect(statuses).toContain('old:expired');
    expect(statuses).not.toContain('new:expired');
    expect(paper.workingOrders('A').map((order) => order.clientOrderId)).toEqual(['new']);
  });

  it('keeps every position equal to the sum of its fills (property)', () => {
    const action = fc.oneof(
      fc.record({
        kind: fc.constant('order' as const),
        side: fc.constantFrom<Side>('buy', 'sell'),
        quantity: fc.integer({ min: 1, max: 5 }),
        type: fc.constantFrom<OrderType>('market', 'limit', 'stop'),
        offsetTicks: fc.integer({ min: -8, max: 8 }),
      }),
      fc.record({
        kind: fc.constant('tick' as const),
        moveTicks: fc.integer({ min: -6, max: 6 }),
        size: fc.integer({ min: 1, max: 4 }),
      }),
      fc.record({ kind: fc.constant('cancel' as const), index: fc.nat() }),
    );
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 60 }),
        fc.integer({ min: 0, max: 3 }),
        (actions, slippageTicks) => {
          const { paper, fills, submit } = broker({ slippageTicks, latencyMicros: 10 });
          let price = 6000;
          let ts = T0;
          let ids = 0;
          paper.onTick(esTick(ts, price));
          for (const step of actions) {
            ts += 7;
            if (step.kind === 'tick') {
              price += step.moveTicks * 0.25;
              paper.onTick(esTick(ts, price, step.size));
            } else if (step.kind === 'order') {
              const level = price + step.offsetTicks * 0.25;
              const extra =
                step.type === 'limit'
                  ? { limitPrice: level }
                  : step.type === 'stop'
                    ? { stopPrice: level }
                    : {};
              submit(`o${ids++}`, step.side, step.quantity, step.type, extra, ts);
            } else if (ids > 0) {
              paper.cancel(`o${step.index % ids}`, ts);
            }
          }
          const net = fills.reduce(
            (sum, fill) => sum + (fill.side === 'buy' ? fill.quantity : -fill.quantity),
            0,
          );
          expect(paper.position('A', 'ES 12-26').quantity).toBe(net);
          // Cash: every fill's signed value in ticks × $12.50 − commissions, against the broker's balance once flat.
          const commissions = fills.reduce((sum, fill) => sum + fill.commission, 0);
          const cashTicks = fills.reduce(
            (sum, fill) =>
              sum + (fill.side === 'sell' ? 1 : -1) * Math.round(fill.price / 0.25) * fill.quantity,
            0,
          );
          const markTicks = Math.round(price / 0.25);
          const expectedEquity = 50_000 + (cashTicks + net * markTicks) * 12.5 - commissions;
          expect(paper.accountState('A', ts).equity).toBeCloseTo(expectedEquity, 6);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stops calling a listener once it unsubscribes, and keeps calling the others', () => {
    const { paper, statuses, submit } = broker();
    const seen: string[] = [];
    const unsubscribe = paper.subscribe((event) => {
      if (event.kind === 'order') seen.push(`${event.clientOrderId}:${event.status}`);
    });
    paper.onTick(esTick(T0, 6000));
    submit('a', 'buy', 1);
    unsubscribe();
    submit('b', 'buy', 1);
    expect(seen).toEqual(['a:accepted', 'a:filled']);
    expect(statuses).toEqual(['a:accepted', 'a:filled', 'b:accepted', 'b:filled']);
  });

  it('takes a client order id once: a second submit under it is ignored, not traded again', () => {
    const { paper, fills, statuses, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('m', 'buy', 2);
    submit('m', 'buy', 2);
    submit('l', 'buy', 1, 'limit', { limitPrice: 5990 });
    // The same id again, now marketable: it must not trade.
    submit('l', 'sell', 1, 'limit', { limitPrice: 5990 });
    expect(fills.map((fill) => [fill.clientOrderId, fill.quantity])).toEqual([['m', 2]]);
    expect(statuses).toEqual(['m:accepted', 'm:filled', 'l:accepted', 'l:working']);
    expect(paper.position('A', 'ES 12-26').quantity).toBe(2);
  });

  it('rejects an unknown account or instrument, a quantity that is not a positive whole number and a limit or stop without its price, saying why', () => {
    const { paper, fills, statuses, reasons, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    const order = {
      account: 'A',
      symbol: 'ES 12-26',
      ts: T0,
      side: 'buy' as const,
      quantity: 1,
      type: 'market' as const,
      timeInForce: 'day' as const,
    };
    paper.submit({ ...order, clientOrderId: 'account', account: 'B' });
    paper.submit({ ...order, clientOrderId: 'symbol', symbol: 'ZZ 12-26' });
    submit('zero', 'buy', 0);
    submit('negative', 'buy', -1);
    submit('fraction', 'buy', 1.5);
    submit('nan', 'buy', Number.NaN);
    submit('limit', 'buy', 1, 'limit');
    submit('stop-limit-no-limit', 'buy', 1, 'stop-limit', { stopPrice: 6010 });
    submit('stop', 'buy', 1, 'stop');
    submit('stop-limit-no-stop', 'buy', 1, 'stop-limit', { limitPrice: 6010 });
    expect(reasons).toEqual([
      "account:unknown account 'B'",
      "symbol:unknown instrument 'ZZ 12-26'",
      'zero:quantity must be a positive whole number',
      'negative:quantity must be a positive whole number',
      'fraction:quantity must be a positive whole number',
      'nan:quantity must be a positive whole number',
      'limit:a limit order needs a limit price',
      'stop-limit-no-limit:a stop-limit order needs a limit price',
      'stop:a stop order needs a stop price',
      'stop-limit-no-stop:a stop-limit order needs a stop price',
    ]);
    expect(statuses).toEqual(reasons.map((reason) => `${reason.split(':')[0]}:rejected`));
    expect(fills).toEqual([]);
    // One contract, the smallest whole quantity, is taken.
    submit('one', 'buy', 1);
    expect(fills.map((fill) => [fill.clientOrderId, fill.quantity])).toEqual([['one', 1]]);
  });

  it('numbers its orders PAPER-1, PAPER-2… (a rejected order takes no number) and each fill <order>-<n>', () => {
    const { paper, fills, brokerIds, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('a', 'sell', 2, 'limit', { limitPrice: 6001 });
    submit('bad', 'buy', 0);
    submit('b', 'buy', 1);
    paper.onTick(esTick(T0 + 1, 6001.25, 1, 6001, 6001.5));
    paper.onTick(esTick(T0 + 2, 6001.25, 1, 6001, 6001.5));
    expect(brokerIds).toEqual(['a:PAPER-1', 'b:PAPER-2']);
    expect(fills.map((fill) => fill.fillId)).toEqual(['PAPER-2-1', 'PAPER-1-1', 'PAPER-1-2']);
  });

  it('counts realised P&L today from the 17:00 Chicago roll: the day before is in the balance, not in today', () => {
    const { paper, submit } = broker();
    const nextDay = Date.parse('2026-11-25T00:00:00Z') * 1000; // 18:00 Chicago: the next trading day
    paper.onTick(esTick(T0, 6000));
    submit('b1', 'buy', 1); // 6000.25
    paper.onTick(esTick(T0 + 1, 6010));
    submit('s1', 'sell', 1, 'market', {}, T0 + 1); // 6009.75: +38 ticks = $475, less $4.50 commission
    paper.onTick(esTick(nextDay, 6010));
    submit('b2', 'buy', 1, 'market', {}, nextDay); // 6010.25
    paper.onTick(esTick(nextDay + 1, 6000));
    submit('s2', 'sell', 1, 'market', {}, nextDay + 1); // 5999.75: −42 ticks = −$525, less $4.50
    expect(paper.accountState('A', nextDay + 1)).toStrictEqual({
      account: 'A',
      ts: nextDay + 1,
      currency: 'USD',
      balance: 49_941,
      equity: 49_941,
      realizedPnlToday: -529.5,
      unrealizedPnl: 0,
    });
  });

  it('lists as working only the account’s own live orders', () => {
    const { paper, submit } = broker({
      accounts: [
        { id: 'A', startingBalance: 50_000 },
        { id: 'B', startingBalance: 50_000 },
      ],
    });
    paper.onTick(esTick(T0, 6000));
    submit('a', 'buy', 1, 'limit', { limitPrice: 5990 });
    submit('a-filled', 'buy', 1);
    paper.submit({
      clientOrderId: 'b',
      account: 'B',
      symbol: 'ES 12-26',
      ts: T0,
      side: 'buy',
      quantity: 1,
      type: 'limit',
      limitPrice: 5990,
      timeInForce: 'day',
    });
    expect(paper.workingOrders('A').map((order) => order.clientOrderId)).toEqual(['a']);
    expect(paper.workingOrders('B').map((order) => order.clientOrderId)).toEqual(['b']);
  });

  it('keeps a limit’s price and a stop’s trigger when a replace changes only the quantity, and moves the trigger when it changes the stop', () => {
    const { paper, fills, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('l', 'buy', 3, 'limit', { limitPrice: 5999 });
    submit('s', 'sell', 3, 'stop', { stopPrice: 5990 });
    paper.replace('l', { quantity: 2 }, T0 + 1);
    paper.replace('s', { quantity: 2 }, T0 + 1);
    expect(
      paper
        .workingOrders('A')
        .map((order) => [order.clientOrderId, order.quantity, order.limitPrice, order.stopPrice]),
    ).toEqual([
      ['l', 2, 5999, undefined],
      ['s', 2, undefined, 5990],
    ]);
    paper.replace('s', { stopPrice: 5995 }, T0 + 2);
    // A print at the new stop, and through the limit.
    paper.onTick(esTick(T0 + 3, 5995, 5, 5994.75, 5995.25));
    expect(fills.map((fill) => [fill.clientOrderId, fill.quantity, fill.price])).toEqual([
      ['l', 2, 5999],
      ['s', 2, 5994.75],
    ]);
  });

  it('matches a replaced order against the quote only once its latency has passed: not a microsecond before, at once from then on', () => {
    const { paper, fills, submit } = broker({ latencyMicros: 50_000 });
    paper.onTick(esTick(T0, 6000));
    submit('l', 'buy', 1, 'limit', { limitPrice: 5990 });
    // Marketable now, but not active yet.
    paper.replace('l', { limitPrice: 6001 }, T0 + 49_999);
    expect(fills).toHaveLength(0);
    paper.replace('l', { limitPrice: 6001 }, T0 + 50_000);
    expect(fills.map((fill) => fill.price)).toEqual([6000.25]);
  });

  it('holds a stop-limit until its stop is reached, then rests it as a limit even after price falls back below the stop', () => {
    const { paper, fills, statuses, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    // The limit alone would be marketable on arrival.
    submit('sl', 'buy', 1, 'stop-limit', { stopPrice: 6005, limitPrice: 6005 });
    paper.onTick(esTick(T0 + 1, 6004.75, 5, 6004.5, 6005));
    expect(fills).toHaveLength(0);
    // Reaches the stop; the ask is above the limit and nothing trades through it.
    paper.onTick(esTick(T0 + 2, 6005, 5, 6004.75, 6005.25));
    expect(fills).toHaveLength(0);
    // Back below the stop: the triggered limit fills.
    paper.onTick(esTick(T0 + 3, 6004.75, 5, 6004.5, 6005));
    expect(fills.map((fill) => fill.price)).toEqual([6005]);
    expect(statuses).toEqual(['sl:accepted', 'sl:working', 'sl:filled']);
  });

  it('matches every resting order on a print even when a listener places a new order on one of its fills', () => {
    const { paper, fills, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('entry', 'buy', 1, 'limit', { limitPrice: 5999 });
    submit('second', 'buy', 1, 'limit', { limitPrice: 5999 });
    // An exit placed on the entry's fill, as a bracket does.
    paper.subscribe((event) => {
      if (event.kind === 'fill' && event.fill.clientOrderId === 'entry')
        submit('exit', 'sell', 1, 'limit', { limitPrice: 6010 }, event.fill.ts);
    });
    paper.onTick(esTick(T0 + 1, 5998.75, 5, 5998.5, 5999));
    expect(fills.map((fill) => fill.clientOrderId)).toEqual(['entry', 'second']);
    expect(paper.workingOrders('A').map((order) => order.clientOrderId)).toEqual(['exit']);
  });

  it('fills an IOC limit as far as a print through it allows and cancels the rest; one the print fills whole stays filled', () => {
    const { paper, fills, statuses, submit } = broker();
    // A two-lot print at 5999.75, through a 6000 buy limit that the 6000.25 ask does not make marketable.
    paper.onTick(esTick(T0, 5999.75, 2, 5999.75, 6000.25));
    submit('part', 'buy', 5, 'limit', { limitPrice: 6000, timeInForce: 'ioc' });
    submit('whole', 'buy', 2, 'limit', { limitPrice: 6000, timeInForce: 'ioc' });
    expect(fills.map((fill) => [fill.clientOrderId, fill.quantity, fill.price])).toEqual([
      ['part', 2, 6000],
      ['whole', 2, 6000],
    ]);
    expect(statuses).toEqual([
      'part:accepted',
      'part:partially-filled',
      'part:cancelled',
      'whole:accepted',
      'whole:filled',
    ]);
  });

  it('cancels an IOC or FOK stop whose stop is not reached on its first match, and keeps a day stop working', () => {
    const { paper, fills, statuses, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('ioc', 'buy', 1, 'stop', { stopPrice: 6005, timeInForce: 'ioc' });
    submit('fok', 'buy', 1, 'stop', { stopPrice: 6005, timeInForce: 'fok' });
    submit('day', 'buy', 1, 'stop', { stopPrice: 6005 });
    paper.onTick(esTick(T0 + 1, 6005));
    expect(statuses).toEqual([
      'ioc:accepted',
      'ioc:cancelled',
      'fok:accepted',
      'fok:cancelled',
      'day:accepted',
      'day:working',
      'day:filled',
    ]);
    expect(fills.map((fill) => fill.clientOrderId)).toEqual(['day']);
  });

  it('reports a working order by the Order contract: no average before a fill, and only the prices its type has', () => {
    const { paper, submit } = broker({ latencyMicros: 10 });
    paper.onTick(esTick(T0, 6000));
    submit('m', 'buy', 1);
    submit('s', 'sell', 1, 'stop', { stopPrice: 5990 });
    submit('sl', 'buy', 2, 'stop-limit', { stopPrice: 6005, limitPrice: 6006 });
    const common = {
      account: 'A',
      symbol: 'ES 12-26',
      ts: T0,
      filledQuantity: 0,
      timeInForce: 'day',
      status: 'accepted',
    };
    expect(paper.workingOrders('A')).toStrictEqual([
      { ...common, clientOrderId: 'm', brokerOrderId: 'PAPER-1', side: 'buy', quantity: 1, type: 'market' },
      {
        ...common,
        clientOrderId: 's',
        brokerOrderId: 'PAPER-2',
        side: 'sell',
        quantity: 1,
        type: 'stop',
        stopPrice: 5990,
      },
      {
        ...common,
        clientOrderId: 'sl',
        brokerOrderId: 'PAPER-3',
        side: 'buy',
        quantity: 2,
        type: 'stop-limit',
        limitPrice: 6006,
        stopPrice: 6005,
      },
    ]);
  });

  it('reports a partly filled order’s average price over fills at two limit prices', () => {
    const { paper, submit } = broker();
    paper.onTick(esTick(T0, 6000));
    submit('l', 'buy', 5, 'limit', { limitPrice: 5999 });
    paper.onTick(esTick(T0 + 1, 5998.75, 2, 5998.5, 5999.25)); // 2 at 5999
    paper.replace('l', { limitPrice: 5998 }, T0 + 2);
    paper.onTick(esTick(T0 + 3, 5997.75, 1, 5997.5, 5998.25)); // 1 at 5998
    expect(paper.workingOrders('A')).toMatchObject([
      {
        clientOrderId: 'l',
        quantity: 5,
        filledQuantity: 3,
        // (2 × 5999 + 5998) / 3, to 12 significant digits.
        averageFillPrice: 5998.66666667,
        limitPrice: 5998,
        status: 'partially-filled',
      },
    ]);
  });

  it("keeps a day order stamped in a trading day's last second but arriving after the next day's first print working through that next day (CME takes pre-open orders for the next session)", () => {
    const { paper, fills, statuses, submit } = broker();
    const roll = T0 + 8 * 3_600_000_000; // 17:00 Chicago: the next trading day starts
    paper.onTick(esTick(roll, 6020));
    submit('late', 'buy', 1, 'limit', { limitPrice: 6010 }, roll - 1_000_000);
    paper.onTick(esTick(roll + 3_600_000_000, 6000));
    expect(statuses).not.toContain('late:expired');
    expect(fills.map((fill) => [fill.clientOrderId, fill.price])).toEqual([['late', 6010]]); // rested at 6020, filled at its limit when the market gapped through it
  });

  it('expires a day order placed before any print when the first print comes on a later trading day, and keeps one whose day it is', () => {
    const { paper, fills, statuses, submit } = broker();
    submit('day', 'buy', 1, 'limit', { limitPrice: 6010 }); // 09:00 Chicago, no market data yet
    submit('gtc', 'buy', 1, 'limit', { limitPrice: 5900, timeInForce: 'gtc' });
    paper.onTick(esTick(Date.parse('2026-11-25T15:00:00Z') * 1000, 6000)); // the next trading day
    expect(statuses).toContain('day:expired');
    expect(fills).toEqual([]);
    expect(paper.workingOrders('A').map((order) => order.clientOrderId)).toEqual(['gtc']);

    const sameDay = broker();
    sameDay.submit('day', 'buy', 1, 'limit', { limitPrice: 6010 });
    sameDay.paper.onTick(esTick(T0 + 1, 6000));
    expect(sameDay.fills.map((fill) => [fill.clientOrderId, fill.price])).toEqual([['day', 6000.25]]);
  });
});
