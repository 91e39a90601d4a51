import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type Topic } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert, Order, OrderIntent, Position } from '../../src/core/events.js';
import { NinjaTraderBroker } from '../../src/execution/ninjatrader-broker.js';
import { OrderJournal, orderJournalPath } from '../../src/execution/order-journal.js';
import { OrderManager } from '../../src/execution/order-manager.js';
import { intent, T0 } from './execution-helpers.js';

const ES = 'ES 12-26';

export interface NinjaTraderRigOptions {
  /** The order journal on disk in this directory: a second rig on it is the engine after a restart. */
  dataDir?: string;
  /** This journal (in memory, shared by two rigs for a restart without a disk); default a new one in memory. */
  journal?: OrderJournal;
  /** The accounts the broker holds and each session names; default NT-1. */
  accounts?: string[];
  /** Another broker's bus and clock, to put both under one order manager. */
  bus?: MessageBus;
  clock?: ReplayClock;
  /** Starts with an AddOn session connected and reconciled, and forgets what that published. */
  connected?: boolean;
  /** The AddOn's views of sent orders carry NinjaTrader's own id, `NT-<client order id>`. */
  brokerOrderIds?: boolean;
}

/** What an AddOn session lists when it (re)connects. */
export interface AddOnSnapshot {
  positions?: Position[];
  orders?: Order[];
  /**
   * The listed orders also go on the bus one by one before the snapshot event, as the gateway
   * publishes them; without it only the snapshot carries them, so reconciliation alone applies them.
   */
  reportOrders?: boolean;
}

/** A fresh data directory, for a journal on disk. */
export function tempDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'enigma-ninjatrader-rig-'));
}

/**
 * The order manager over the real NinjaTrader broker, on one bus as startTrading wires them, fed
 * what the gateway publishes for the AddOn: session events with their snapshots, order reports,
 * executions and positions. Everything on the bus is recorded.
 */
export function ninjaTraderRig(options: NinjaTraderRigOptions = {}) {
  const bus = options.bus ?? new MessageBus();
  const clock = options.clock ?? new ReplayClock(T0);
  const accounts = options.accounts ?? ['NT-1'];
  const { dataDir } = options;
  const journal =
    options.journal ??
    (dataDir === undefined ? new OrderJournal() : new OrderJournal(orderJournalPath(dataDir)));
  const broker = new NinjaTraderBroker(bus, accounts, { clock, journal });
  const manager = new OrderManager(bus, clock);
  manager.addBroker(broker);
  const record = <T>(topic: Topic<T>): T[] => {
    const seen: T[] = [];
    bus.observe(topic).subscribe((message) => seen.push(message));
    return seen;
  };
  const commands = record(TOPICS.ninjatraderCommands);
  const orders = record(TOPICS.orders);
  const alerts = record(TOPICS.alerts);
  const positions = record(TOPICS.positions);
  const fromAddOn = new Set<Order>();
  let sessions = 0;
  let session = '';
  const sessionEvent = (kind: 'connected' | 'disconnected') =>
    bus.publish(TOPICS.ninjatraderSessions, { kind, sessionId: session, accounts, ts: clock.now() });
  const reportOrder = (order: Order): void => {
    fromAddOn.add(order);
    bus.publish(TOPICS.orders, order);
  };

  const rig = {
    bus,
    clock,
    broker,
    manager,
    dataDir,
    commands,
    orders,
    alerts,
    positions,
    /** What the order manager published (the AddOn's own reports left out). */
    published: (): Order[] => orders.filter((order) => !fromAddOn.has(order)),
    /** Forgets what was sent, published and alerted so far. */
    clear(): void {
      commands.length = 0;
      orders.length = 0;
      alerts.length = 0;
      positions.length = 0;
    },
    /** A new AddOn session (s-1, s-2, …) whose snapshot lists these positions and working orders. */
    connect(snapshot: AddOnSnapshot = {}): void {
      session = `s-${++sessions}`;
      const listedPositions = snapshot.positions ?? [];
      const listedOrders = snapshot.orders ?? [];
      sessionEvent('connected');
      for (const position of listedPositions) bus.publish(TOPICS.positions, position);
      if (snapshot.reportOrders === true) for (const order of listedOrders) reportOrder(order);
      bus.publish(TOPICS.ninjatraderSessions, {
        kind: 'snapshot',
        sessionId: session,
        accounts,
        ts: clock.now(),
        snapshot: { accounts: [], positions: listedPositions, orders: listedOrders },
      });
    },
    /** The current session drops. */
    disconnect(): void {
      sessionEvent('disconnected');
    },
    /** Sends an order of NT-1 through the manager; the AddOn has not answered yet (status submitted). */
    place(overrides: Partial<OrderIntent> = {}): OrderIntent {
      const sent = intent({ account: 'NT-1', ...overrides });
      manager.execute({ type: 'submit', intent: sent });
      return sent;
    },
    /** The AddOn's view of a sent order (working, nothing filled, no reason) with these changes. */
    view(sent: OrderIntent, changes: Partial<Order> = {}): Order {
      return {
        clientOrderId: sent.id,
        account: sent.account,
        symbol: sent.symbol,
        ts: clock.now(),
        side: sent.side,
        quantity: sent.quantity,
        filledQuantity: 0,
        type: sent.type,
        ...(sent.limitPrice !== undefined && { limitPrice: sent.limitPrice }),
        ...(sent.stopPrice !== undefined && { stopPrice: sent.stopPrice }),
        timeInForce: sent.timeInForce,
        status: 'working',
        ...(options.brokerOrderIds === true && { brokerOrderId: `NT-${sent.id}` }),
        ...changes,
      };
    },
    /** An AddOn order_update: its view of the sent order with these changes. */
    report(sent: OrderIntent, changes: Partial<Order> = {}): void {
      reportOrder(rig.view(sent, changes));
    },
    /** An AddOn execution of (part of) an order, of NT-1 and ES unless the order says otherwise. */
    fill(
      order: Pick<OrderIntent, 'id' | 'side'> & Partial<Pick<OrderIntent, 'account' | 'symbol'>>,
      fillId: string,
      quantity: number,
      price: number,
      commission = 0,
    ): void {
      bus.publish(TOPICS.fills, {
        fillId,
        clientOrderId: order.id,
        account: order.account ?? 'NT-1',
        symbol: order.symbol ?? ES,
        ts: clock.now(),
        side: order.side,
        quantity,
        price,
        commission,
      });
    },
    /** A position of the first account as the AddOn reports it (6000 average unless flat). */
    position(quantity: number, symbol = ES): Position {
      return {
        account: accounts[0] ?? 'NT-1',
        symbol,
        ts: clock.now(),
        quantity,
        averagePrice: quantity === 0 ? 0 : 6000,
        unrealizedPnl: 0,
        realizedPnl: 0,
      };
    },
    /** An AddOn position report. */
    reportPosition(position: Position): void {
      bus.publish(TOPICS.positions, position);
    },
    /** The last alert with this code. */
    last(code: string): Alert | undefined {
      return alerts.filter((alert) => alert.code === code).at(-1);
    },
    /** The outcome of the last reconcile: its EXECUTION_RECONCILED or EXECUTION_RECONCILIATION_MISMATCH alert. */
    outcome(): Alert | undefined {
      return alerts
        .filter(
          (alert) =>
            alert.code === 'EXECUTION_RECONCILED' || alert.code === 'EXECUTION_RECONCILIATION_MISMATCH',
        )
        .at(-1);
    },
  };
  if (options.connected === true) {
    rig.connect();
    rig.clear();
  }
  return rig;
}
