import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type NinjaTraderCommand } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert, Fill, Order, OrderIntent, Position } from '../../src/core/events.js';
import { NinjaTraderBroker } from '../../src/execution/ninjatrader-broker.js';
import { OrderJournal, orderJournalPath } from '../../src/execution/order-journal.js';
import { OrderManager } from '../../src/execution/order-manager.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import type { OrderDenied } from '../../src/risk/risk-events.js';
import { InboundTranslator } from '../../src/gateway/inbound-translator.js';
import { MarketGuard } from '../../src/gateway/market-guard.js';
import type { ClientMessage } from '../../src/gateway/protocol/schemas.js';
import { startTrading } from '../../src/trading.js';
import { intent, T0 } from './execution-helpers.js';

const ES = 'ES 12-26';

/** Risk, order manager and NinjaTrader broker on one bus, as startTrading wires them, with what the gateway would publish. */
function ninjaTraderRig(dataDir = mkdtempSync(join(tmpdir(), 'enigma-nt-'))) {
  const bus = new MessageBus();
  const clock = new ReplayClock(T0);
  const risk = new RiskEngine(bus, clock, {
    accounts: [
      { id: 'NT-1', profile: loadRuleProfile('topstep-50k-combine'), mode: 'auto', brokerConnected: false },
    ],
    haltStore: new HaltStore(haltFilePath(dataDir)),
  }).start();
  const manager = new OrderManager(bus, clock);
  const broker = new NinjaTraderBroker(bus, ['NT-1'], {
    journal: new OrderJournal(orderJournalPath(dataDir)),
    clock,
  });
  manager.addBroker(broker);
  bus
    .observe(TOPICS.approvedIntents)
    .subscribe((approved) => manager.execute({ type: 'submit', intent: approved }));
  bus.observe(TOPICS.executionCommands).subscribe((command) => manager.execute(command));
  const commands: NinjaTraderCommand[] = [];
  const alerts: Alert[] = [];
  const denials: OrderDenied[] = [];
  const fills: Fill[] = [];
  bus.observe(TOPICS.ninjatraderCommands).subscribe((command) => commands.push(command));
  bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
  bus.observe(TOPICS.orderDenials).subscribe((denial) => denials.push(denial));
  bus.observe(TOPICS.fills).subscribe((fill) => fills.push(fill));
  // The gateway's own translation of AddOn messages into bus events (what a live session publishes).
  const translator = new InboundTranslator(bus);
  const guard = new MarketGuard();
  let seq = 0;
  // Typed with the session's market source as the third argument, which ticks and bars carry.
  const publish: (message: ClientMessage, market: MarketGuard, source: string) => unknown =
    translator.publish.bind(translator);
  const fromAddOn = (message: ClientMessage): void => {
    expect(translator.check(message, guard, clock.now(), 'gateway:s-1')).toBeUndefined();
    publish(message, guard, 'gateway:s-1');
  };
  const position = (symbol: string, quantity: number, ts = clock.now()): Position => ({
    account: 'NT-1',
    symbol,
    ts,
    quantity,
    averagePrice: quantity === 0 ? 0 : 6000,
    unrealizedPnl: 0,
    realizedPnl: 0,
  });
  const rig = {
    bus,
    clock,
    risk,
    manager,
    broker,
    dataDir,
    commands,
    alerts,
    denials,
    fills,
    position,
    /** The AddOn connects (welcome) and answers the engine's snapshot request, as the gateway publishes them. */
    connect(snapshot: { positions?: Position[]; orders?: Order[] } = {}, sessionId = 's-1'): void {
      bus.publish(TOPICS.ninjatraderSessions, {
        kind: 'connected',
        sessionId,
        accounts: ['NT-1'],
        ts: clock.now(),
      });
      const positions = snapshot.positions ?? [];
      const orders = snapshot.orders ?? [];
      for (const p of positions) bus.publish(TOPICS.positions, p);
      for (const o of orders) bus.publish(TOPICS.orders, o);
      bus.publish(TOPICS.ninjatraderSessions, {
        kind: 'snapshot',
        sessionId,
        accounts: ['NT-1'],
        ts: clock.now(),
        snapshot: { accounts: [], positions, orders },
      });
    },
    disconnect(sessionId = 's-1'): void {
      bus.publish(TOPICS.ninjatraderSessions, {
        kind: 'disconnected',
        sessionId,
        accounts: ['NT-1'],
        ts: clock.now(),
      });
    },
    /**
     * An `order_update` as the AddOn sends it for an order (from what was sent to NinjaTrader, the
     * intent, never from the manager's own view), translated by the gateway's inbound translator.
     */
    report(order: OrderIntent | Order, changes: Partial<Order>): void {
      const sent: Order =
        'clientOrderId' in order
          ? order
          : {
              clientOrderId: order.id,
              account: order.account,
              symbol: order.symbol,
              ts: clock.now(),
              side: order.side,
              quantity: order.quantity,
              filledQuantity: 0,
              type: order.type,
              ...(order.limitPrice !== undefined && { limitPrice: order.limitPrice }),
              ...(order.stopPrice !== undefined && { stopPrice: order.stopPrice }),
              timeInForce: order.timeInForce,
              status: 'working',
            };
      const o = { ...sent, ...changes };
      fromAddOn({
        type: 'order_update',
        seq: ++seq,
        ts: clock.now(),
        client_order_id: o.clientOrderId,
        broker_order_id: o.brokerOrderId ?? `NT-${o.clientOrderId}`,
        account: o.account,
        symbol: o.symbol,
        side: o.side,
        quantity: o.quantity,
        filled_quantity: o.filledQuantity,
        ...(o.averageFillPrice !== undefined && { average_fill_price: o.averageFillPrice }),
        order_type: o.type,
        ...(o.limitPrice !== undefined && { limit_price: o.limitPrice }),
        ...(o.stopPrice !== undefined && { stop_price: o.stopPrice }),
        time_in_force: o.timeInForce,
        status: o.status,
        ...(o.reason !== undefined && { reason: o.reason }),
      });
    },
    /** An `execution` as the AddOn sends it, translated by the gateway. */
    fill(clientOrderId: string, fillId: string, side: 'buy' | 'sell', quantity: number, price: number): void {
      fromAddOn({
        type: 'execution',
        seq: ++seq,
        ts: clock.now(),
        fill_id: fillId,
        client_order_id: clientOrderId,
        account: 'NT-1',
        symbol: ES,
        side,
        quantity,
        price,
        commission: 2.25,
      });
    },
  };
  bus.publish(TOPICS.accounts, {
    account: 'NT-1',
    ts: T0,
    currency: 'USD',
    balance: 50_000,
    equity: 50_000,
    realizedPnlToday: 0,
    unrealizedPnl: 0,
  });
  return rig;
}

describe('NinjaTrader broker', () => {
  it('denies intents with BROKER_DISCONNECTED and raises an alert while the AddOn is not connected, and sends nothing', () => {
    const rig = ninjaTraderRig();
    const first = intent({ account: 'NT-1' });
    expect(rig.risk.process({ kind: 'intent', intent: first })).toMatchObject({
      outcome: 'denied',
      denial: { code: 'BROKER_DISCONNECTED' },
    });
    rig.risk.process({ kind: 'intent', intent: intent({ account: 'NT-1' }) });
    expect(rig.commands).toEqual([]);
    expect(rig.alerts.filter((a) => a.code === 'EXECUTION_BROKER_DISCONNECTED')).toHaveLength(1);

    // Connected but the snapshot not answered yet: still nothing is traded.
    rig.bus.publish(TOPICS.ninjatraderSessions, {
      kind: 'connected',
      sessionId: 's-1',
      accounts: ['NT-1'],
      ts: T0,
    });
    expect(rig.commands.map((c) => c.kind)).toEqual(['snapshot_request']);
    expect(rig.risk.process({ kind: 'intent', intent: intent({ account: 'NT-1' }) })).toMatchObject({
      outcome: 'denied',
      denial: { code: 'BROKER_DISCONNECTED' },
    });
    rig.connect();
    expect(rig.risk.process({ kind: 'intent', intent: intent({ account: 'NT-1' }) })).toEqual({
      outcome: 'approved',
    });
    expect(rig.commands.at(-1)).toMatchObject({ kind: 'order' });

    // The link drops: denied again, with a new alert for the new episode.
    rig.disconnect();
    expect(rig.risk.process({ kind: 'intent', intent: intent({ account: 'NT-1' }) })).toMatchObject({
      outcome: 'denied',
      denial: { code: 'BROKER_DISCONNECTED' },
    });
    expect(
      rig.alerts.filter((a) => a.code === 'EXECUTION_BROKER_DISCONNECTED').length,
    ).toBeGreaterThanOrEqual(2);
  });

  it('journals an order (fsynced) before its frame, sends the bracket with the entry and tracks the AddOn’s -sl/-tp legs', () => {
    const rig = ninjaTraderRig();
    rig.connect();
    let journalAtSend = '';
    rig.bus.observe(TOPICS.ninjatraderCommands).subscribe((command) => {
      if (command.kind === 'order') journalAtSend = readFileSync(orderJournalPath(rig.dataDir), 'utf8');
    });
    const entry = intent({ account: 'NT-1', quantity: 2, stopLoss: 5990, takeProfit: 6020 });
    rig.bus.publish(TOPICS.orderIntents, entry);
    const sent = rig.commands.filter((c) => c.kind === 'order');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      intent: { id: entry.id, quantity: 2, stopLoss: 5990, takeProfit: 6020 },
    });
    expect(journalAtSend).toContain(`"clientOrderId":"${entry.id}"`);

    // The entry fills; the AddOn submits the exits itself and reports them under the contract's ids.
    rig.report(entry, { status: 'filled', filledQuantity: 2, averageFillPrice: 6000 });
    rig.fill(entry.id, 'x-1', 'buy', 2, 6000);
    expect(rig.manager.order(entry.id)).toMatchObject({ status: 'filled', filledQuantity: 2 });
    const stop: Order = {
      clientOrderId: `${entry.id}-sl`,
      account: 'NT-1',
      symbol: ES,
      ts: T0,
      side: 'sell',
      quantity: 2,
      filledQuantity: 0,
      type: 'stop',
      stopPrice: 5990,
      timeInForce: 'gtc',
      status: 'working',
    };
    rig.report(stop, {});
    rig.report({ ...stop, clientOrderId: `${entry.id}-tp`, type: 'limit', limitPrice: 6020 }, {});
    // The engine placed no legs of its own and did not take the AddOn's legs for external orders.
    expect(rig.commands.filter((c) => c.kind === 'order')).toHaveLength(1);
    expect(rig.alerts.filter((a) => a.code === 'EXECUTION_EXTERNAL_ORDER')).toEqual([]);
    expect(rig.manager.order(`${entry.id}-sl`)).toMatchObject({ status: 'working', stopPrice: 5990 });

    // Moving the stop to breakeven goes to the AddOn as a replace of the -sl leg.
    rig.manager.execute({ type: 'breakeven', clientOrderId: entry.id, trigger: 5 });
    rig.manager.process({
      symbol: ES,
      ts: T0 + 1,
      price: 6006,
      size: 1,
      bid: 6005.75,
      ask: 6006,
      side: 'buy',
    });
    expect(rig.commands.at(-1)).toMatchObject({
      kind: 'replace',
      clientOrderId: `${entry.id}-sl`,
      stopPrice: 6000,
    });
  });

  it('applies a fill once, whatever repeats it', () => {
    const rig = ninjaTraderRig();
    rig.connect();
    const order = intent({ account: 'NT-1', quantity: 1 });
    rig.bus.publish(TOPICS.orderIntents, order);
    rig.fill(order.id, 'x-7', 'buy', 1, 6000);
    rig.fill(order.id, 'x-7', 'buy', 1, 6000);
    expect(rig.manager.order(order.id)).toMatchObject({ filledQuantity: 1, averageFillPrice: 6000 });
    // The book counts it once: NinjaTrader's snapshot with a position of 1 matches.
    rig.connect({ positions: [rig.position(ES, 1)] }, 's-2');
    expect(rig.alerts.at(-2)).toMatchObject({ code: 'EXECUTION_RECONCILED', account: 'NT-1' });
  });

  it('takes the filled count and average from an order_update that arrives before its execution, up to the whole order', () => {
    const rig = ninjaTraderRig();
    rig.connect();
    const order = intent({ account: 'NT-1', quantity: 2 });
    rig.bus.publish(TOPICS.orderIntents, order);
    rig.report(order, { status: 'filled', filledQuantity: 2, averageFillPrice: 6000.5 });
    expect(rig.manager.order(order.id)).toMatchObject({
      status: 'filled',
      filledQuantity: 2,
      averageFillPrice: 6000.5,
    });
    rig.fill(order.id, 'x-1', 'buy', 2, 6000.5);
    expect(rig.manager.order(order.id)).toMatchObject({ filledQuantity: 2, averageFillPrice: 6000.5 });
  });

  it('averages executions in parts at different prices by filled value, as NinjaTrader does', () => {
    const rig = ninjaTraderRig();
    rig.connect();
    const order = intent({ account: 'NT-1', quantity: 3 });
    rig.bus.publish(TOPICS.orderIntents, order);
    rig.fill(order.id, 'x-1', 'buy', 1, 6000);
    expect(rig.manager.order(order.id)).toMatchObject({ filledQuantity: 1, averageFillPrice: 6000 });
    rig.fill(order.id, 'x-2', 'buy', 2, 6001.5);
    // (6000 + 2 × 6001.50) / 3 = 6001.
    expect(rig.manager.order(order.id)).toMatchObject({ filledQuantity: 3, averageFillPrice: 6001 });
    rig.report(order, { status: 'filled', filledQuantity: 3, averageFillPrice: 6001 });
    expect(rig.manager.order(order.id)).toMatchObject({ status: 'filled', averageFillPrice: 6001 });
    rig.connect({ positions: [rig.position(ES, 3)] }, 's-2');
    expect(rig.alerts.filter((a) => a.code === 'EXECUTION_RECONCILIATION_MISMATCH')).toEqual([]);
  });

  it('never sends an order id twice, even from a new engine on the same data directory', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-nt-'));
    const first = ninjaTraderRig(dataDir);
    first.connect();
    const order = intent({ account: 'NT-1', type: 'limit', limitPrice: 5990, stopLoss: 5980 });
    first.bus.publish(TOPICS.orderIntents, order);
    expect(first.commands.filter((c) => c.kind === 'order')).toHaveLength(1);

    // The engine dies; a new one gets the same intent again (same id from the same signal) before
    // its AddOn is back: the journal stops it at the broker.
    const second = ninjaTraderRig(dataDir);
    second.manager.execute({ type: 'submit', intent: { ...order, ts: second.clock.now() } });
    expect(second.commands.filter((c) => c.kind === 'order')).toEqual([]);
    expect(second.alerts.some((a) => a.code === 'EXECUTION_ALREADY_SENT')).toBe(true);
    const working: Order = {
      clientOrderId: order.id,
      account: 'NT-1',
      symbol: ES,
      ts: T0,
      side: 'buy',
      quantity: 1,
      filledQuantity: 0,
      type: 'limit',
      limitPrice: 5990,
      timeInForce: 'day',
      status: 'working',
    };
    second.connect({ orders: [working] });
    // Its own order from before the restart is no difference.
    expect(second.alerts.filter((a) => a.code === 'EXECUTION_RECONCILIATION_MISMATCH')).toEqual([]);
    expect(second.manager.order(order.id)?.status).toBe('working');
    second.bus.publish(TOPICS.orderIntents, { ...order, ts: second.clock.now() });
    expect(second.commands.filter((c) => c.kind === 'order')).toEqual([]);
    // Its fill after the restart is applied once, to the order known from the journal.
    second.fill(order.id, 'x-9', 'buy', 1, 5990);
    second.report(working, { status: 'filled', filledQuantity: 1, averageFillPrice: 5990 });
    expect(second.manager.order(order.id)).toMatchObject({ status: 'filled', filledQuantity: 1 });
  });

  it('holds the account in REDUCING on a mismatch with NinjaTrader until a person resolves it', () => {
    const rig = ninjaTraderRig();
    rig.connect({ positions: [rig.position(ES, 2)] });
    expect(rig.alerts.find((a) => a.code === 'EXECUTION_RECONCILIATION_MISMATCH')?.message).toContain(
      'ES 12-26 position 0 here, 2 at ninjatrader',
    );
    expect(rig.risk.riskState('NT-1')?.state).toBe('REDUCING');
    expect(rig.risk.process({ kind: 'intent', intent: intent({ account: 'NT-1' }) })).toMatchObject({
      outcome: 'denied',
      denial: { code: 'REDUCING_ONLY' },
    });
    // A clean reconcile later does not lift the hold: a person must look.
    rig.connect({ positions: [rig.position(ES, 2)] }, 's-2');
    expect(rig.risk.riskState('NT-1')?.state).toBe('REDUCING');
    rig.risk.execute({ type: 'resolve', account: 'NT-1', by: 'test' });
    expect(rig.risk.riskState('NT-1')?.state).toBe('ACTIVE');
  });

  it('counts an order placed by hand while the link was down as a mismatch, and one placed while connected as an external order only', () => {
    const rig = ninjaTraderRig();
    rig.connect();
    const manual = (id: string): Order => ({
      clientOrderId: id,
      account: 'NT-1',
      symbol: ES,
      ts: T0,
      side: 'sell',
      quantity: 1,
      filledQuantity: 0,
      type: 'limit',
      limitPrice: 6100,
      timeInForce: 'gtc',
      status: 'working',
    });
    rig.report(manual('by-hand-1'), {});
    expect(rig.alerts.at(-1)).toMatchObject({ code: 'EXECUTION_EXTERNAL_ORDER', account: 'NT-1' });
    expect(rig.risk.riskState('NT-1')?.state).toBe('ACTIVE');

    rig.disconnect();
    rig.connect({ orders: [manual('by-hand-1'), manual('by-hand-2')] }, 's-2');
    const mismatch = rig.alerts.find((a) => a.code === 'EXECUTION_RECONCILIATION_MISMATCH');
    expect(mismatch?.message).toContain('working order by-hand-2 at ninjatrader was unknown here');
    expect(mismatch?.message).not.toContain('by-hand-1');
    expect(rig.risk.riskState('NT-1')?.state).toBe('REDUCING');
  });

  it('on kill sends cancel for every working order and flatten for every position, and confirms flat only from NinjaTrader’s reports', () => {
    const rig = ninjaTraderRig();
    rig.connect();
    const entry = intent({ account: 'NT-1', quantity: 2 });
    const resting = intent({ account: 'NT-1', type: 'limit', limitPrice: 5900 });
    rig.bus.publish(TOPICS.orderIntents, entry);
    rig.bus.publish(TOPICS.orderIntents, resting);
    rig.report(entry, { status: 'filled', filledQuantity: 2 });
    rig.fill(entry.id, 'x-1', 'buy', 2, 6000);
    rig.bus.publish(TOPICS.positions, rig.position(ES, 2));
    rig.report(resting, { status: 'working' });
    rig.commands.length = 0;

    rig.risk.execute({ type: 'kill', account: 'NT-1', reason: 'test', by: 'test' });
    expect(rig.commands.map((c) => c.kind)).toEqual(['cancel', 'flatten', 'snapshot_request']);
    expect(rig.commands[0]).toMatchObject({ clientOrderId: resting.id, account: 'NT-1' });
    expect(rig.commands[1]).toMatchObject({ account: 'NT-1', symbol: ES });
    // A second flatten while the first is on its way sends no second flatten for the position.
    rig.risk.process({ kind: 'position', position: rig.position(ES, 1) });
    expect(rig.commands.filter((c) => c.kind === 'flatten')).toHaveLength(1);
    const flat = () => rig.alerts.filter((a) => a.code === 'EXECUTION_FLAT_CONFIRMED');
    expect(flat()).toEqual([]);

    rig.report(resting, { status: 'cancelled' });
    expect(flat()).toEqual([]); // the position is still open at NinjaTrader
    rig.bus.publish(TOPICS.positions, rig.position(ES, 0));
    expect(flat()).toEqual([expect.objectContaining({ message: 'NT-1 flat (confirmed by NinjaTrader)' })]);
    expect(rig.risk.riskState('NT-1')?.state).toBe('HALTED');
  });

  it('is what startTrading uses for accounts with broker ninjatrader, and forwards proposals to the AddOn, whose decision the risk engine applies', async () => {
    const bus = new MessageBus();
    const clock = new ReplayClock(T0);
    const trading = startTrading(bus, clock, {
      dataDir: mkdtempSync(join(tmpdir(), 'enigma-nt-')),
      watchHaltFile: false,
      accounts: [{ id: 'NT-2', profile: 'topstep-50k-combine', mode: 'confirm', broker: 'ninjatrader' }],
    });
    const commands: NinjaTraderCommand[] = [];
    bus.observe(TOPICS.ninjatraderCommands).subscribe((command) => commands.push(command));
    expect(trading.ninjaTraderAccounts()).toEqual(['NT-2']);
    bus.publish(TOPICS.ninjatraderSessions, {
      kind: 'connected',
      sessionId: 's',
      accounts: ['NT-2'],
      ts: T0,
    });
    bus.publish(TOPICS.ninjatraderSessions, {
      kind: 'snapshot',
      sessionId: 's',
      accounts: ['NT-2'],
      ts: T0,
      snapshot: { accounts: [], positions: [], orders: [] },
    });
    const order = intent({ account: 'NT-2', type: 'limit', limitPrice: 5990 });
    const denials: unknown[] = [];
    bus.observe(TOPICS.orderDenials).subscribe((d) => denials.push(d));
    bus.publish(TOPICS.orderIntents, order);
    expect(denials).toEqual([]);
    expect(commands.at(-1)).toMatchObject({
      kind: 'proposal',
      proposalId: order.id,
      intent: { id: order.id },
    });
    // The AddOn's accept arrives as a confirm on risk.commands: the engine sends the order itself.
    bus.publish(TOPICS.riskCommands, { type: 'confirm', proposalId: order.id, by: 'addon' });
    expect(commands.at(-1)).toMatchObject({ kind: 'order', intent: { id: order.id } });
    await trading.close();
  });
});
