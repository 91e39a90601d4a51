import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type NinjaTraderCommand, type NinjaTraderSessionEvent } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert, Fill, Order, OrderIntent, OrderStatus, Position } from '../../src/core/events.js';
import type { BrokerEvent } from '../../src/execution/broker.js';
import { NinjaTraderBroker } from '../../src/execution/ninjatrader-broker.js';
import { OrderJournal, orderJournalPath } from '../../src/execution/order-journal.js';
import { OrderManager } from '../../src/execution/order-manager.js';
import { PaperBroker } from '../../src/execution/paper-broker.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import type { OrderDenied } from '../../src/risk/risk-events.js';
import { InboundTranslator } from '../../src/gateway/inbound-translator.js';
import { MarketGuard } from '../../src/gateway/market-guard.js';
import type { ClientMessage } from '../../src/gateway/protocol/schemas.js';
import { startTrading } from '../../src/trading.js';
import { esTick, intent, T0 } from './execution-helpers.js';

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

const NQ = 'NQ 12-26';
const YM = 'YM 12-26';

/**
 * The NinjaTrader broker for two accounts beside a paper account, under one order manager as
 * startTrading wires them. What the AddOn sends goes through the gateway's inbound translator;
 * session events are what the gateway publishes for a session (its snapshot as translated).
 */
function adapterRig(options: { accounts?: string[]; journal?: OrderJournal } = {}) {
  const bus = new MessageBus();
  const clock = new ReplayClock(T0);
  const paper = new PaperBroker({ accounts: [{ id: 'SIM-50K', startingBalance: 50_000 }], slippageTicks: 0 });
  const broker = new NinjaTraderBroker(bus, options.accounts ?? ['NT-1', 'NT-2'], {
    ...(options.journal && { journal: options.journal }),
    clock,
  });
  const manager = new OrderManager(bus, clock);
  manager.addBroker(paper);
  manager.addBroker(broker);
  const events: BrokerEvent[] = [];
  broker.subscribe((event) => events.push(event));
  const commands: NinjaTraderCommand[] = [];
  const alerts: Alert[] = [];
  bus.observe(TOPICS.ninjatraderCommands).subscribe((command) => commands.push(command));
  bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
  const translator = new InboundTranslator(bus);
  const guard = new MarketGuard();
  let seq = 0;
  const publish: (message: ClientMessage, market: MarketGuard, source: string) => unknown =
    translator.publish.bind(translator);
  const fromAddOn = (message: ClientMessage): unknown => {
    expect(translator.check(message, guard, clock.now(), 'gateway:s-1')).toBeUndefined();
    return publish(message, guard, 'gateway:s-1');
  };
  const positionBody = (account: string, symbol: string, quantity: number) => ({
    ts: clock.now(),
    account,
    symbol,
    quantity,
    average_price: quantity === 0 ? 0 : 6000,
    unrealized_pnl: quantity * 12.5,
    realized_pnl: 0,
  });
  type OrderBody = {
    id: string;
    account: string;
    symbol?: string;
    quantity?: number;
    type?: 'market' | 'limit' | 'stop';
    limit?: number;
    stop?: number;
    status?: OrderStatus;
    brokerOrderId?: string;
    reason?: string;
  };
  const orderBody = (o: OrderBody) => ({
    ts: clock.now(),
    client_order_id: o.id,
    ...(o.brokerOrderId !== undefined && { broker_order_id: o.brokerOrderId }),
    account: o.account,
    symbol: o.symbol ?? ES,
    side: 'sell' as const,
    quantity: o.quantity ?? 1,
    filled_quantity: 0,
    order_type: o.type ?? 'limit',
    ...(o.limit !== undefined && { limit_price: o.limit }),
    ...(o.stop !== undefined && { stop_price: o.stop }),
    time_in_force: 'gtc' as const,
    status: o.status ?? 'working',
    ...(o.reason !== undefined && { reason: o.reason }),
  });
  return {
    bus,
    clock,
    paper,
    broker,
    manager,
    events,
    commands,
    alerts,
    session(kind: 'connected' | 'disconnected', sessionId: string, accounts: string[]): void {
      bus.publish(TOPICS.ninjatraderSessions, { kind, sessionId, accounts, ts: clock.now() });
    },
    /** The AddOn's snapshot as the gateway handles it: items published, then the session event. */
    snapshot(
      sessionId: string,
      accounts: string[],
      content: { positions?: [string, string, number][]; orders?: OrderBody[] } = {},
    ): void {
      const snapshot = fromAddOn({
        type: 'snapshot',
        seq: ++seq,
        ts: clock.now(),
        accounts: [],
        positions: (content.positions ?? []).map(([account, symbol, quantity]) =>
          positionBody(account, symbol, quantity),
        ),
        orders: (content.orders ?? []).map(orderBody),
      }) as NonNullable<NinjaTraderSessionEvent['snapshot']>;
      bus.publish(TOPICS.ninjatraderSessions, {
        kind: 'snapshot',
        sessionId,
        accounts,
        ts: clock.now(),
        snapshot,
      });
    },
    position(account: string, symbol: string, quantity: number): void {
      fromAddOn({ type: 'position', seq: ++seq, ...positionBody(account, symbol, quantity) });
    },
    order(o: OrderBody): void {
      fromAddOn({ type: 'order_update', seq: ++seq, ...orderBody(o) });
    },
    account(account: string, balance: number): void {
      fromAddOn({
        type: 'account',
        seq: ++seq,
        ts: clock.now(),
        account,
        currency: 'USD',
        balance,
        equity: balance,
        realized_pnl_today: balance - 50_000,
        unrealized_pnl: 0,
      });
    },
    fill(account: string, clientOrderId: string, fillId: string): void {
      fromAddOn({
        type: 'execution',
        seq: ++seq,
        ts: clock.now(),
        fill_id: fillId,
        client_order_id: clientOrderId,
        account,
        symbol: ES,
        side: 'buy',
        quantity: 1,
        price: 6000,
        commission: 2.25,
      });
    },
    /** The AddOn connected for the accounts and its snapshot reconciled: orders can go. */
    ready(accounts: string[] = ['NT-1', 'NT-2'], sessionId = 's-1'): void {
      this.session('connected', sessionId, accounts);
      this.snapshot(sessionId, accounts);
    },
  };
}

describe('NinjaTrader broker as the order manager’s adapter', () => {
  it('takes nothing of an account it does not hold: the paper account’s orders, fills, positions and state on the same bus', () => {
    const rig = adapterRig();
    const paperOrder = intent({ account: 'SIM-50K' });
    expect(rig.manager.execute({ type: 'submit', intent: paperOrder })).toMatchObject({ ok: true });
    rig.clock.advanceTo(T0 + 1);
    const tick = esTick(T0 + 1, 6000);
    rig.paper.onTick(tick);
    rig.manager.process(tick);
    // The paper account did trade, and the manager published all of it on the bus.
    expect(rig.manager.order(paperOrder.id)).toMatchObject({ status: 'filled', filledQuantity: 1 });
    expect(rig.paper.positions('SIM-50K')).toEqual([expect.objectContaining({ quantity: 1 })]);

    expect(rig.events).toEqual([]);
    expect(rig.broker.positions('SIM-50K')).toEqual([]);
    expect(rig.broker.accountState('SIM-50K', T0 + 2)).toEqual({
      account: 'SIM-50K',
      ts: T0 + 2,
      currency: 'USD',
      balance: 0,
      equity: 0,
      realizedPnlToday: 0,
      unrealizedPnl: 0,
    });
    expect(rig.commands).toEqual([]);
  });

  it('keeps each held account’s state, positions and listed working orders apart', () => {
    const rig = adapterRig();
    rig.session('connected', 's-1', ['NT-1', 'NT-2']);
    rig.account('NT-1', 51_000);
    expect(rig.broker.accountState('NT-1', T0 + 5)).toEqual({
      account: 'NT-1',
      ts: T0,
      currency: 'USD',
      balance: 51_000,
      equity: 51_000,
      realizedPnlToday: 1_000,
      unrealizedPnl: 0,
    });
    rig.position('NT-1', ES, 2);
    rig.position('NT-1', NQ, -1);
    rig.position('NT-2', ES, 3);
    expect(rig.events).toEqual([
      { kind: 'report', account: 'NT-1', ts: T0 },
      { kind: 'report', account: 'NT-1', ts: T0 },
      { kind: 'report', account: 'NT-2', ts: T0 },
    ]);
    const held = (account: string) =>
      rig.broker
        .positions(account)
        .map((p) => [p.symbol, p.quantity])
        .sort();
    expect(held('NT-1')).toEqual([
      [ES, 2],
      [NQ, -1],
    ]);
    expect(held('NT-2')).toEqual([[ES, 3]]);

    rig.snapshot('s-1', ['NT-1', 'NT-2'], {
      positions: [
        ['NT-1', ES, 2],
        ['NT-1', NQ, -1],
        ['NT-2', ES, 3],
      ],
      orders: [
        { id: 'a-1', account: 'NT-1', limit: 6100 },
        { id: 'b-1', account: 'NT-2', limit: 6200 },
        { id: 'b-2', account: 'NT-2', type: 'stop', stop: 5900 },
      ],
    });
    expect(rig.broker.workingOrders('NT-1').map((o) => o.clientOrderId)).toEqual(['a-1']);
    expect(rig.broker.workingOrders('NT-2').map((o) => o.clientOrderId)).toEqual(['b-1', 'b-2']);
  });

  it('sets flat exactly the positions of the snapshot’s accounts that it does not list, by account and symbol', () => {
    const rig = adapterRig();
    rig.session('connected', 's-1', ['NT-1', 'NT-2']);
    rig.position('NT-1', YM, 1);
    rig.clock.advanceTo(T0 + 1);
    rig.position('NT-1', YM, 0); // flat since T0 + 1
    rig.position('NT-1', ES, 2);
    rig.position('NT-1', NQ, 1);
    rig.position('NT-2', ES, 3);
    rig.position('NT-2', NQ, 4);
    rig.clock.advanceTo(T0 + 2);
    // NinjaTrader lists NT-1's NQ and NT-2's ES: NT-1's ES and NT-2's NQ are flat there.
    rig.snapshot('s-1', ['NT-1', 'NT-2'], {
      positions: [
        ['NT-1', NQ, 1],
        ['NT-2', ES, 3],
      ],
    });
    const at = (account: string, symbol: string) =>
      rig.broker.positions(account).find((p) => p.symbol === symbol);
    expect(at('NT-1', ES)).toMatchObject({ quantity: 0, unrealizedPnl: 0, ts: T0 + 2, averagePrice: 6000 });
    expect(at('NT-1', NQ)).toMatchObject({ quantity: 1, unrealizedPnl: 12.5 });
    expect(at('NT-2', ES)).toMatchObject({ quantity: 3, unrealizedPnl: 37.5 });
    expect(at('NT-2', NQ)).toMatchObject({ quantity: 0, unrealizedPnl: 0, ts: T0 + 2 });
    // A position already flat keeps the time NinjaTrader reported it flat.
    expect(at('NT-1', YM)).toMatchObject({ quantity: 0, ts: T0 + 1 });

    // A snapshot of a session that declared NT-1 only says nothing about NT-2.
    rig.position('NT-2', NQ, 2);
    rig.snapshot('s-1', ['NT-1'], { positions: [['NT-1', NQ, 1]] });
    expect(at('NT-2', ES)).toMatchObject({ quantity: 3 });
    expect(at('NT-2', NQ)).toMatchObject({ quantity: 2 });
  });

  it('asks the snapshot of a held account when a session connects, and ignores sessions of accounts it does not hold', () => {
    const rig = adapterRig();
    rig.session('connected', 's-9', ['OTHER']);
    rig.snapshot('s-9', ['OTHER']);
    rig.session('disconnected', 's-9', ['OTHER']);
    expect(rig.commands).toEqual([]);
    expect(rig.events).toEqual([]);
    expect(rig.broker.isReady('OTHER')).toBe(false);

    rig.session('connected', 's-1', ['OTHER', 'NT-2']);
    expect(rig.commands).toEqual([
      {
        kind: 'snapshot_request',
        account: 'NT-2',
        reason: 'connected: the engine reconciles its book with NinjaTrader before trading',
      },
    ]);
    rig.snapshot('s-1', ['OTHER', 'NT-2']);
    expect(rig.events).toEqual([
      {
        kind: 'connection',
        connected: true,
        ts: T0,
        accounts: ['NT-2'],
        reason: 'NinjaTrader AddOn session s-1 reported its snapshot',
      },
    ]);
    expect(rig.broker.isReady('NT-2')).toBe(true);
    expect(rig.broker.isReady('OTHER')).toBe(false);
  });

  it('follows the account’s current session: an old session’s late snapshot or disconnect changes nothing, its own disconnect stops orders', () => {
    const rig = adapterRig();
    // Nothing is asked of an AddOn that is not there.
    rig.broker.requestSnapshot('NT-1', 'check');
    expect(rig.commands).toEqual([]);

    rig.ready(['NT-1'], 's-1');
    expect(rig.broker.isReady('NT-1')).toBe(true);
    // The AddOn comes back as a new session before the old one is seen to go.
    rig.session('connected', 's-2', ['NT-1']);
    expect(rig.broker.isReady('NT-1')).toBe(false);
    rig.events.length = 0;
    rig.snapshot('s-1', ['NT-1']);
    expect(rig.broker.isReady('NT-1')).toBe(false);
    expect(rig.events).toEqual([
      expect.objectContaining({ kind: 'connection', connected: true, accounts: [] }),
    ]);
    rig.events.length = 0;
    rig.session('disconnected', 's-1', ['NT-1']);
    expect(rig.events).toEqual([]);
    rig.commands.length = 0;
    rig.broker.requestSnapshot('NT-1', 'check');
    expect(rig.commands).toEqual([{ kind: 'snapshot_request', account: 'NT-1', reason: 'check' }]);

    rig.snapshot('s-2', ['NT-1']);
    expect(rig.broker.isReady('NT-1')).toBe(true);
    rig.events.length = 0;
    rig.clock.advanceTo(T0 + 7);
    rig.session('disconnected', 's-2', ['NT-1']);
    expect(rig.events).toEqual([
      {
        kind: 'connection',
        connected: false,
        ts: T0 + 7,
        accounts: ['NT-1'],
        reason: 'NinjaTrader AddOn session s-2 disconnected',
      },
    ]);
    expect(rig.alerts.at(-1)).toMatchObject({
      code: 'EXECUTION_BROKER_DISCONNECTED',
      message: 'NT-1: NinjaTrader AddOn session s-2 disconnected; its intents are denied until it reconnects',
    });
    expect(rig.broker.isReady('NT-1')).toBe(false);
    rig.commands.length = 0;
    rig.broker.requestSnapshot('NT-1', 'check');
    const order = intent({ account: 'NT-1' });
    rig.manager.execute({ type: 'submit', intent: order });
    expect(rig.commands).toEqual([]);
    expect(rig.manager.order(order.id)).toMatchObject({ status: 'rejected' });
  });

  it('rejects an order while the account is not reconciled, at the clock’s time, without journalling or sending it', () => {
    const rig = adapterRig();
    rig.session('connected', 's-1', ['NT-1']);
    rig.clock.advanceTo(T0 + 3);
    const order = intent({ account: 'NT-1' });
    rig.broker.submit({ ...order, clientOrderId: order.id, ts: T0 });
    expect(rig.events).toEqual([
      {
        kind: 'order',
        clientOrderId: order.id,
        ts: T0 + 3,
        status: 'rejected',
        reason: 'NinjaTrader AddOn for NT-1 is not connected (or its snapshot is not reconciled yet)',
      },
    ]);
    expect(rig.commands.filter((c) => c.kind === 'order')).toEqual([]);
    expect(rig.broker.sentOrder(order.id)).toBeUndefined();
  });

  it('sends each order field as given, and names the order manager when the request gives no reason', () => {
    const rig = adapterRig();
    rig.ready();
    const base = {
      account: 'NT-1',
      symbol: ES,
      ts: T0,
      side: 'buy',
      quantity: 2,
      timeInForce: 'gtc',
    } as const;
    rig.broker.submit({
      ...base,
      clientOrderId: 'o-limit',
      type: 'limit',
      limitPrice: 5990.25,
      reason: 'fade',
    });
    rig.broker.submit({
      ...base,
      clientOrderId: 'o-stop',
      type: 'stop',
      stopPrice: 6010.5,
      signalTs: T0 - 9,
    });
    rig.broker.submit({
      ...base,
      clientOrderId: 'o-stop-limit',
      type: 'stop-limit',
      stopPrice: 6010,
      limitPrice: 6011,
      stopLoss: 6000,
      takeProfit: 6030,
    });
    expect(rig.commands.filter((c) => c.kind === 'order').map((c) => c.intent)).toEqual([
      { id: 'o-limit', ...base, type: 'limit', limitPrice: 5990.25, reason: 'fade' },
      {
        id: 'o-stop',
        ...base,
        type: 'stop',
        stopPrice: 6010.5,
        signalTs: T0 - 9,
        reason: 'enigma-apex order manager',
      },
      {
        id: 'o-stop-limit',
        ...base,
        type: 'stop-limit',
        stopPrice: 6010,
        limitPrice: 6011,
        stopLoss: 6000,
        takeProfit: 6030,
        reason: 'enigma-apex order manager',
      },
    ]);
  });

  it('says which journal already holds an order it will not send again (a file or memory)', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-nt-'));
    const path = orderJournalPath(dataDir);
    for (const journal of [new OrderJournal(path), new OrderJournal()]) {
      const rig = adapterRig({ journal });
      rig.ready();
      const request = { ...intent({ account: 'NT-1' }), clientOrderId: 'dup-1' };
      rig.broker.submit(request);
      rig.broker.submit(request);
      expect(rig.commands.filter((c) => c.kind === 'order')).toHaveLength(1);
      expect(rig.alerts.filter((a) => a.code === 'EXECUTION_ALREADY_SENT')).toEqual([
        {
          ts: T0,
          severity: 'warning',
          code: 'EXECUTION_ALREADY_SENT',
          message: `dup-1 was already sent to NinjaTrader (journal ${journal.path ?? 'in memory'}); not sending it again`,
          account: 'NT-1',
          symbol: ES,
        },
      ]);
    }
  });

  it('sends nothing and rejects the order with a critical alert when the journal cannot be written', () => {
    const journal = new OrderJournal(orderJournalPath(mkdtempSync(join(tmpdir(), 'enigma-nt-'))));
    journal.close(); // from here every write fails, as on a refusing disk
    const rig = adapterRig({ journal });
    rig.ready();
    rig.events.length = 0;
    rig.clock.advanceTo(T0 + 4);
    const request = { ...intent({ account: 'NT-1' }), clientOrderId: 'j-1' };
    rig.broker.submit(request);
    expect(rig.commands.filter((c) => c.kind === 'order')).toEqual([]);
    expect(rig.alerts).toContainEqual({
      ts: T0,
      severity: 'critical',
      code: 'EXECUTION_JOURNAL_FAILED',
      message: `j-1 not sent: the order journal cannot be written (${journal.path ?? ''} is closed)`,
      account: 'NT-1',
    });
    expect(rig.events).toEqual([
      {
        kind: 'order',
        clientOrderId: 'j-1',
        ts: T0 + 4,
        status: 'rejected',
        reason: 'the order journal cannot be written [EXECUTION_JOURNAL_FAILED]',
      },
    ]);
    expect(rig.broker.sentOrder('j-1')).toBeUndefined();
  });

  it('names its commands <kind>-<run>-<n>: a run id of its own and a count in sending order', () => {
    const rig = adapterRig();
    rig.broker.cancel('c-1', T0);
    rig.broker.replace('c-1', { quantity: 1 }, T0);
    rig.broker.flatten('NT-1', ES, 'test', T0);
    const ids = rig.commands.map((c) => ('commandId' in c ? c.commandId : ''));
    const run = /^cancel-([0-9a-f]{8})-1$/.exec(ids[0] ?? '')?.[1];
    expect(run).toBeDefined();
    expect(ids).toEqual([`cancel-${run}-1`, `replace-${run}-2`, `flatten-${run}-3`]);
    // Another engine run never reuses them (the AddOn skips a command id it has seen).
    const next = adapterRig();
    next.broker.cancel('c-1', T0);
    const other = next.commands[0];
    expect(other?.kind === 'cancel' && other.commandId).toMatch(/^cancel-[0-9a-f]{8}-1$/);
    expect(other).not.toMatchObject({ commandId: ids[0] });
  });

  it('cancels and replaces at the account that holds the order, also one it did not send', () => {
    const rig = adapterRig();
    rig.ready();
    rig.order({ id: 'by-hand', account: 'NT-2', limit: 6200 });
    rig.broker.cancel('by-hand', T0);
    rig.broker.replace('by-hand', { limitPrice: 6205 }, T0);
    expect(rig.commands.slice(-2)).toMatchObject([
      { kind: 'cancel', account: 'NT-2', clientOrderId: 'by-hand' },
      { kind: 'replace', account: 'NT-2', clientOrderId: 'by-hand', limitPrice: 6205 },
    ]);
    // An order nobody knows goes to the first account, or to none for a broker without accounts.
    rig.broker.cancel('unknown', T0);
    expect(rig.commands.at(-1)).toMatchObject({ account: 'NT-1' });
    const empty = adapterRig({ accounts: [] });
    empty.broker.cancel('unknown', T0);
    expect(empty.commands).toEqual([expect.objectContaining({ kind: 'cancel', account: '' })]);
  });

  it('sends a flatten again only once the last is 10 s old, per account and symbol', () => {
    const rig = adapterRig();
    const flattens = () => rig.commands.filter((c) => c.kind === 'flatten');
    rig.broker.flatten('NT-1', ES, 'kill', T0);
    rig.broker.flatten('NT-1', NQ, 'kill', T0);
    rig.broker.flatten('NT-2', ES, 'kill', T0);
    rig.broker.flatten('NT-1', undefined, 'kill', T0);
    expect(flattens().map((c) => [c.account, c.symbol])).toEqual([
      ['NT-1', ES],
      ['NT-1', NQ],
      ['NT-2', ES],
      ['NT-1', undefined],
    ]);
    expect(flattens()[0]).toMatchObject({ reason: 'kill' });
    rig.broker.flatten('NT-1', ES, 'kill', T0 + 10_000_000 - 1);
    rig.broker.flatten('NT-1', undefined, 'kill', T0 + 10_000_000 - 1);
    expect(flattens()).toHaveLength(4);
    rig.broker.flatten('NT-1', ES, 'kill', T0 + 10_000_000);
    rig.broker.flatten('NT-1', undefined, 'kill', T0 + 10_000_000);
    expect(
      flattens()
        .slice(4)
        .map((c) => [c.account, c.symbol]),
    ).toEqual([
      ['NT-1', ES],
      ['NT-1', undefined],
    ]);
  });

  it('lets a flatten go again as soon as NinjaTrader reports the position flat, not while it is open', () => {
    const rig = adapterRig();
    rig.session('connected', 's-1', ['NT-1', 'NT-2']);
    const flattens = () => rig.commands.filter((c) => c.kind === 'flatten');
    rig.broker.flatten('NT-1', ES, 'kill', T0);
    rig.broker.flatten('NT-1', undefined, 'kill', T0);
    rig.position('NT-1', ES, 2); // still open: the flatten is on its way
    rig.broker.flatten('NT-1', ES, 'kill', T0 + 1);
    rig.broker.flatten('NT-1', undefined, 'kill', T0 + 1);
    expect(flattens()).toHaveLength(2);
    rig.position('NT-1', ES, 0);
    rig.broker.flatten('NT-1', ES, 'kill', T0 + 2);
    rig.broker.flatten('NT-1', undefined, 'kill', T0 + 2);
    expect(flattens().map((c) => [c.account, c.symbol])).toEqual([
      ['NT-1', ES],
      ['NT-1', undefined],
      ['NT-1', ES],
      ['NT-1', undefined],
    ]);
  });

  it('reports the terms NinjaTrader changed on an order (quantity, limit, stop) and no change for a report that leaves a price out', () => {
    const rig = adapterRig();
    rig.ready();
    rig.order({ id: 'l-1', account: 'NT-1', quantity: 3, limit: 6100 });
    rig.order({ id: 's-1', account: 'NT-1', quantity: 3, type: 'stop', stop: 5900 });
    const changes = () =>
      rig.events.flatMap((e) => (e.kind === 'order' && e.changes ? [[e.clientOrderId, e.changes]] : []));
    expect(changes()).toEqual([]);
    rig.order({ id: 'l-1', account: 'NT-1', quantity: 2, limit: 6100 });
    rig.order({ id: 'l-1', account: 'NT-1', quantity: 2, limit: 6105.5 });
    rig.order({ id: 's-1', account: 'NT-1', quantity: 3, type: 'stop', stop: 5910 });
    expect(changes()).toEqual([
      ['l-1', { quantity: 2 }],
      ['l-1', { limitPrice: 6105.5 }],
      ['s-1', { stopPrice: 5910 }],
    ]);
    expect(rig.manager.order('l-1')).toMatchObject({ quantity: 2, limitPrice: 6105.5 });
    expect(rig.manager.order('s-1')).toMatchObject({ quantity: 3, stopPrice: 5910 });
    // A report without its price (a status change) does not move the price.
    rig.order({ id: 'l-1', account: 'NT-1', quantity: 2 });
    rig.order({ id: 's-1', account: 'NT-1', quantity: 3, type: 'stop' });
    expect(changes()).toHaveLength(3);
  });

  it('passes NinjaTrader’s order id and its reason for a rejection on to the order', () => {
    const rig = adapterRig();
    rig.ready();
    const order = intent({ account: 'NT-1', type: 'limit', limitPrice: 5990 });
    rig.manager.execute({ type: 'submit', intent: order });
    rig.order({
      id: order.id,
      account: 'NT-1',
      limit: 5990,
      status: 'rejected',
      brokerOrderId: 'NT-4711',
      reason: 'insufficient margin',
    });
    expect(rig.manager.order(order.id)).toMatchObject({
      status: 'rejected',
      brokerOrderId: 'NT-4711',
      reason: 'insufficient margin',
    });
  });

  it('stops telling a listener once it unsubscribes', () => {
    const rig = adapterRig();
    const seen: BrokerEvent[] = [];
    const unsubscribe = rig.broker.subscribe((event) => seen.push(event));
    rig.position('NT-1', ES, 1);
    unsubscribe();
    rig.position('NT-1', ES, 2);
    rig.fill('NT-1', 'x', 'f-1');
    expect(seen).toEqual([{ kind: 'report', account: 'NT-1', ts: T0 }]);
    expect(rig.events.map((e) => e.kind)).toEqual(['report', 'report', 'fill']);
  });
});
