import type { MessageBus } from '../bus/bus.js';
import { TOPICS } from '../bus/topics.js';
import type { Clock } from '../core/clock.js';
import type { AccountState, Alert, Bar, Fill, Order, OrderIntent, Position, Tick } from '../core/events.js';
import { roundToTick } from '../core/instruments.js';
import type { Micros } from '../core/time.js';
import type { BrokerAdapter, BrokerEvent, OrderChanges, OrderRequest } from './broker.js';
import type { ExecutionCommand, ExecutionResult } from '../core/execution-commands.js';
import { InstrumentCache } from '../core/money.js';
import { canTransition, isTerminal } from './order-state-machine.js';

type OrderRole = 'single' | 'entry' | 'stop-loss' | 'take-profit' | 'flatten';

interface ManagedOrder {
  order: Order;
  readonly broker: BrokerAdapter;
  readonly role: OrderRole;
  /** For bracket legs: the entry's client order id. */
  readonly parent?: string;
  /** For entries: the protective stop and target prices. */
  readonly stopLoss?: number;
  readonly takeProfit?: number;
  /** Σ price × quantity of fills, for the average fill price. */
  filledValue: number;
  /** Filled quantity in the last published snapshot: a same-status report only matters when it grew. */
  publishedFilled?: number;
  /** Stop management of a bracket entry: trailing distance and breakeven trigger, in price points. */
  trailDistance?: number;
  breakevenTrigger?: number;
  /** Best price seen since the entry filled (highest for longs, lowest for shorts). */
  bestPrice?: number;
}

/**
 * The execution engine's order manager: turns risk-approved intents into broker orders and keeps
 * every order's life cycle. Rules:
 * 1. Submit is idempotent by client order id (the intent id): a retried submit never makes a
 *    second order.
 * 2. Every status change passes the order state machine and is published as an Order event;
 *    fills, positions and account states from the broker are published as they arrive.
 * 3. An intent with `stopLoss`/`takeProfit` is a bracket: once the entry fills, a stop and a
 *    target for the filled quantity are sent as an OCO pair; a fill of one shrinks or cancels
 *    the other, and more entry fills grow both (cancel/replace).
 * 4. Flatten cancels every live order of the account and closes each position with one market
 *    order; while that order is live a second flatten adds nothing.
 */
export class OrderManager {
  private readonly orders = new Map<string, ManagedOrder>();
  /** Orders not yet filled, cancelled, rejected or expired: what cancel-all and flatten walk. */
  private readonly live = new Set<ManagedOrder>();
  /** Bracket entries with a trailing stop or a breakeven move, checked on each price. */
  private readonly stopManaged = new Set<ManagedOrder>();
  private readonly brokers = new Map<string, BrokerAdapter>();
  private readonly unsubscribers: (() => void)[] = [];
  private readonly instruments = new InstrumentCache();
  private readonly publishOrder: (order: Order) => void;
  private readonly publishFill: (fill: Fill) => void;
  private readonly publishPosition: (position: Position) => void;
  private readonly publishAccount: (state: AccountState) => void;
  private readonly publishAlert: (alert: Alert) => void;
  private flattenSequence = 0;
  /** Net position per account and symbol as the broker last reported it. */
  private readonly knownPositions = new Map<string, number>();

  constructor(
    bus: MessageBus,
    private readonly clock: Clock,
  ) {
    this.publishOrder = bus.publisher(TOPICS.orders);
    this.publishFill = bus.publisher(TOPICS.fills);
    this.publishPosition = bus.publisher(TOPICS.positions);
    this.publishAccount = bus.publisher(TOPICS.accounts);
    this.publishAlert = bus.publisher(TOPICS.alerts);
  }

  /** Routes the broker's accounts to it and listens to its reports. */
  addBroker(broker: BrokerAdapter): void {
    for (const account of broker.accounts()) this.brokers.set(account, broker);
    this.unsubscribers.push(broker.subscribe((event) => this.handleBrokerEvent(event, broker)));
  }

  /** Runs a command; never throws for a trading reason. */
  execute(command: ExecutionCommand): ExecutionResult {
    switch (command.type) {
      case 'submit':
        return this.handleSubmit(command.intent);
      case 'cancel':
        return this.handleCancel(command.clientOrderId);
      case 'replace':
        return this.handleReplace(command.clientOrderId, command.changes);
      case 'cancel-all':
        return this.handleCancelAll(command.account);
      case 'flatten':
        return this.handleFlatten(command.account, command.reason);
      case 'trail-stop':
      case 'breakeven':
        return this.handleStopManagement(command);
      case 'reconcile':
        return this.reconcile(command.account);
    }
  }

  /** Market data, for trailing stops and breakeven moves. */
  process(event: Tick | Bar): void {
    if (this.stopManaged.size === 0) return;
    const price = 'price' in event ? event.price : event.close;
    for (const managed of this.stopManaged) {
      if (managed.order.symbol === event.symbol) this.handleStopManagementPrice(managed, price);
    }
  }

  /** The latest snapshot of an order. */
  order(clientOrderId: string): Order | undefined {
    return this.orders.get(clientOrderId)?.order;
  }

  /** Live orders of an account (or of all accounts). */
  liveOrders(account?: string): Order[] {
    const result: Order[] = [];
    for (const { order } of this.orders.values()) {
      if (!isTerminal(order.status) && (account === undefined || order.account === account))
        result.push(order);
    }
    return result;
  }

  close(): void {
    for (const unsubscribe of this.unsubscribers.splice(0)) unsubscribe();
  }

  private now(): Micros {
    return this.clock.now();
  }

  private handleSubmit(
    intent: OrderIntent,
    role: OrderRole = (intent.stopLoss ?? intent.takeProfit) ? 'entry' : 'single',
  ): ExecutionResult {
    const existing = this.orders.get(intent.id);
    if (existing)
      return {
        ok: true,
        message: `order ${intent.id} already exists (${existing.order.status})`,
        orders: [intent.id],
      };
    const broker = this.brokers.get(intent.account);
    const order: Order = {
      clientOrderId: intent.id,
      account: intent.account,
      symbol: intent.symbol,
      ts: this.now(),
      side: intent.side,
      quantity: intent.quantity,
      filledQuantity: 0,
      type: intent.type,
      ...(intent.limitPrice !== undefined && { limitPrice: intent.limitPrice }),
      ...(intent.stopPrice !== undefined && { stopPrice: intent.stopPrice }),
      timeInForce: intent.timeInForce,
      status: 'pending',
      reason: intent.reason,
    };
    if (!broker) {
      const rejected: Order = {
        ...order,
        status: 'rejected',
        reason: `no broker holds account '${intent.account}'`,
      };
      this.orders.set(intent.id, { order: rejected, broker: NO_BROKER, role, filledValue: 0 });
      this.publishOrder(rejected);
      return { ok: false, message: rejected.reason ?? '', orders: [intent.id] };
    }
    const managed: ManagedOrder = {
      order,
      broker,
      role,
      filledValue: 0,
      ...(role === 'entry' && intent.stopLoss !== undefined && { stopLoss: intent.stopLoss }),
      ...(role === 'entry' && intent.takeProfit !== undefined && { takeProfit: intent.takeProfit }),
      ...((role === 'stop-loss' || role === 'take-profit') && {
        parent: intent.id.slice(0, intent.id.lastIndexOf(':')),
      }),
    };
    this.orders.set(intent.id, managed);
    this.live.add(managed);
    this.publishOrder(order);
    this.update(managed, { status: 'submitted', ts: this.now() });
    const request: OrderRequest = {
      clientOrderId: intent.id,
      account: intent.account,
      symbol: intent.symbol,
      ts: this.now(),
      side: intent.side,
      quantity: intent.quantity,
      type: intent.type,
      ...(intent.limitPrice !== undefined && { limitPrice: intent.limitPrice }),
      ...(intent.stopPrice !== undefined && { stopPrice: intent.stopPrice }),
      timeInForce: intent.timeInForce,
    };
    broker.submit(request);
    return { ok: true, message: `order ${intent.id} submitted to ${broker.name}`, orders: [intent.id] };
  }

  private handleCancel(clientOrderId: string): ExecutionResult {
    const managed = this.orders.get(clientOrderId);
    if (!managed)
      return { ok: false, message: `unknown order ${clientOrderId} [EXECUTION_UNKNOWN_ORDER]`, orders: [] };
    if (isTerminal(managed.order.status)) {
      return {
        ok: false,
        message: `order ${clientOrderId} is ${managed.order.status} [EXECUTION_ORDER_NOT_WORKING]`,
        orders: [clientOrderId],
      };
    }
    if (managed.order.status !== 'cancel-pending')
      this.update(managed, { status: 'cancel-pending', ts: this.now() });
    managed.broker.cancel(clientOrderId, this.now());
    return { ok: true, message: `cancel of ${clientOrderId} sent`, orders: [clientOrderId] };
  }

  private handleReplace(clientOrderId: string, changes: OrderChanges): ExecutionResult {
    const managed = this.orders.get(clientOrderId);
    if (!managed)
      return { ok: false, message: `unknown order ${clientOrderId} [EXECUTION_UNKNOWN_ORDER]`, orders: [] };
    if (isTerminal(managed.order.status) || managed.order.status === 'cancel-pending') {
      return {
        ok: false,
        message: `order ${clientOrderId} is ${managed.order.status} [EXECUTION_ORDER_NOT_WORKING]`,
        orders: [clientOrderId],
      };
    }
    managed.broker.replace(clientOrderId, changes, this.now());
    return { ok: true, message: `replace of ${clientOrderId} sent`, orders: [clientOrderId] };
  }

  private handleCancelAll(account: string | undefined): ExecutionResult {
    const touched: string[] = [];
    for (const order of this.liveOrders(account)) {
      if (this.handleCancel(order.clientOrderId).ok) touched.push(order.clientOrderId);
    }
    return { ok: true, message: `cancel sent for ${touched.length} orders`, orders: touched };
  }

  private handleFlatten(account: string | undefined, reason: string): ExecutionResult {
    const accounts = account === undefined ? [...this.brokers.keys()] : [account];
    const touched: string[] = [];
    for (const id of accounts) {
      const broker = this.brokers.get(id);
      if (!broker) continue;
      for (const order of this.liveOrders(id)) {
        if (this.orders.get(order.clientOrderId)?.role === 'flatten') continue;
        if (this.handleCancel(order.clientOrderId).ok) touched.push(order.clientOrderId);
      }
      for (const position of broker.positions(id)) {
        if (position.quantity === 0 || this.hasLiveFlatten(id, position.symbol)) continue;
        this.flattenSequence++;
        const clientOrderId = `flatten:${id}:${position.symbol}:${this.flattenSequence}`;
        this.handleSubmit(
          {
            id: clientOrderId,
            account: id,
            symbol: position.symbol,
            ts: this.now(),
            side: position.quantity > 0 ? 'sell' : 'buy',
            quantity: Math.abs(position.quantity),
            type: 'market',
            timeInForce: 'gtc',
            reason: `flatten: ${reason}`,
          },
          'flatten',
        );
        touched.push(clientOrderId);
      }
    }
    return { ok: true, message: `flatten: ${touched.length} orders cancelled or sent`, orders: touched };
  }

  private hasLiveFlatten(account: string, symbol: string): boolean {
    for (const managed of this.orders.values()) {
      const { order } = managed;
      if (
        managed.role === 'flatten' &&
        order.account === account &&
        order.symbol === symbol &&
        !isTerminal(order.status)
      ) {
        return true;
      }
    }
    return false;
  }

  private handleStopManagement(
    command: Extract<ExecutionCommand, { type: 'trail-stop' | 'breakeven' }>,
  ): ExecutionResult {
    const managed = this.orders.get(command.clientOrderId);
    if (!managed || managed.role !== 'entry' || managed.stopLoss === undefined) {
      return {
        ok: false,
        message: `${command.clientOrderId} is not a bracket entry with a stop loss`,
        orders: [],
      };
    }
    if (command.type === 'trail-stop') managed.trailDistance = command.distance;
    else managed.breakevenTrigger = command.trigger;
    this.stopManaged.add(managed);
    return {
      ok: true,
      message: `${command.type} set on ${command.clientOrderId}`,
      orders: [command.clientOrderId],
    };
  }

  /** Moves the stop leg of a bracket: trails behind the best price, or to breakeven once triggered. */
  private handleStopManagementPrice(entry: ManagedOrder, price: number): void {
    const { order } = entry;
    if (order.filledQuantity === 0 || order.averageFillPrice === undefined) return;
    const stop = this.orders.get(`${order.clientOrderId}:sl`);
    if (stop && isTerminal(stop.order.status)) {
      this.stopManaged.delete(entry);
      return;
    }
    if (!stop || stop.order.stopPrice === undefined) return;
    const long = order.side === 'buy';
    entry.bestPrice =
      entry.bestPrice === undefined
        ? price
        : long
          ? Math.max(entry.bestPrice, price)
          : Math.min(entry.bestPrice, price);
    const tickSize = this.instruments.get(order.symbol)?.tickSize ?? 0.25;
    let wanted = stop.order.stopPrice;
    if (entry.trailDistance !== undefined) {
      const trail = roundToTick(
        long ? entry.bestPrice - entry.trailDistance : entry.bestPrice + entry.trailDistance,
        tickSize,
      );
      wanted = long ? Math.max(wanted, trail) : Math.min(wanted, trail);
    }
    if (entry.breakevenTrigger !== undefined) {
      const entryPrice = roundToTick(order.averageFillPrice, tickSize);
      const moved = long ? entry.bestPrice - entryPrice : entryPrice - entry.bestPrice;
      if (moved >= entry.breakevenTrigger)
        wanted = long ? Math.max(wanted, entryPrice) : Math.min(wanted, entryPrice);
    }
    if (wanted !== stop.order.stopPrice) this.handleReplace(stop.order.clientOrderId, { stopPrice: wanted });
  }

  private handleBrokerEvent(event: BrokerEvent, broker: BrokerAdapter): void {
    switch (event.kind) {
      case 'order':
        return this.handleBrokerOrder(event);
      case 'fill':
        return this.handleFill(event.fill, broker.reportsOnBus === true);
      case 'position':
        this.knownPositions.set(
          `${event.position.account}\u0000${event.position.symbol}`,
          event.position.quantity,
        );
        return this.publishPosition(event.position);
      case 'account':
        return this.publishAccount(event.state);
      case 'connection':
        if (event.connected) for (const account of broker.accounts()) this.reconcile(account);
        return;
    }
  }

  /**
   * Reconciles an account with its broker after a (re)connect. The broker is authoritative: its
   * positions are published as they are, its working orders unknown here are adopted, and live
   * orders here that the broker no longer has are closed as cancelled. Any difference is an
   * `EXECUTION_RECONCILIATION_MISMATCH` alert (the risk engine holds the account in REDUCING until
   * a clean reconcile or a person resolves it); no difference is `EXECUTION_RECONCILED`.
   */
  reconcile(account: string): ExecutionResult {
    const broker = this.brokers.get(account);
    if (!broker) return { ok: false, message: `no broker holds account '${account}'`, orders: [] };
    const ts = this.now();
    const differences: string[] = [];
    const seen = new Set<string>();
    for (const position of broker.positions(account)) {
      const key = `${account}\u0000${position.symbol}`;
      seen.add(key);
      const known = this.knownPositions.get(key) ?? 0;
      if (known !== position.quantity)
        differences.push(`${position.symbol} position ${known} here, ${position.quantity} at ${broker.name}`);
      this.knownPositions.set(key, position.quantity);
      this.publishPosition(position);
    }
    for (const [key, quantity] of this.knownPositions) {
      const [owner, symbol] = key.split('\u0000');
      if (owner !== account || seen.has(key) || quantity === 0 || symbol === undefined) continue;
      differences.push(`${symbol} position ${quantity} here, none at ${broker.name}`);
      this.knownPositions.set(key, 0);
      this.publishPosition({
        account,
        symbol,
        ts,
        quantity: 0,
        averagePrice: 0,
        unrealizedPnl: 0,
        realizedPnl: 0,
      });
    }
    const atBroker = new Set<string>();
    const touched: string[] = [];
    for (const order of broker.workingOrders(account)) {
      atBroker.add(order.clientOrderId);
      if (this.orders.has(order.clientOrderId)) continue;
      differences.push(`working order ${order.clientOrderId} at ${broker.name} was unknown here`);
      const adopted: ManagedOrder = {
        order,
        broker,
        role: 'single',
        filledValue: (order.averageFillPrice ?? 0) * order.filledQuantity,
      };
      this.orders.set(order.clientOrderId, adopted);
      this.live.add(adopted);
      this.publishOrder(order);
      touched.push(order.clientOrderId);
    }
    for (const managed of [...this.live]) {
      if (managed.order.account !== account || atBroker.has(managed.order.clientOrderId)) continue;
      differences.push(`order ${managed.order.clientOrderId} is not working at ${broker.name}`);
      this.update(managed, { status: 'cancelled', ts, reason: `not working at ${broker.name} on reconnect` });
      touched.push(managed.order.clientOrderId);
    }
    this.publishAccount(broker.accountState(account, ts));
    if (differences.length > 0) {
      this.publishAlert({
        ts,
        severity: 'warning',
        code: 'EXECUTION_RECONCILIATION_MISMATCH',
        message: differences.join('; '),
        account,
      });
      return { ok: false, message: differences.join('; '), orders: touched };
    }
    this.publishAlert({
      ts,
      severity: 'info',
      code: 'EXECUTION_RECONCILED',
      message: `${account} matches ${broker.name}`,
      account,
    });
    return { ok: true, message: `${account} matches ${broker.name}`, orders: touched };
  }

  private handleBrokerOrder(event: Extract<BrokerEvent, { kind: 'order' }>): void {
    const managed = this.orders.get(event.clientOrderId);
    if (!managed) return;
    const current = managed.order;
    if (event.changes) {
      this.update(managed, {
        ts: event.ts,
        ...(event.changes.quantity !== undefined && { quantity: event.changes.quantity }),
        ...(event.changes.limitPrice !== undefined && { limitPrice: event.changes.limitPrice }),
        ...(event.changes.stopPrice !== undefined && { stopPrice: event.changes.stopPrice }),
      });
      return;
    }
    if (event.status === current.status && event.reason !== undefined) {
      this.publishAlert({
        ts: event.ts,
        severity: 'warning',
        code: 'EXECUTION_REQUEST_REFUSED',
        message: `${event.clientOrderId}: ${event.reason}`,
        account: current.account,
        symbol: current.symbol,
      });
      return;
    }
    // A report of the status the order already has (an echo, or a repeat) changes nothing unless a fill came with it.
    if (event.status === current.status && (managed.publishedFilled ?? 0) === current.filledQuantity) return;
    if (!canTransition(current.status, event.status)) {
      if (event.status !== current.status) {
        this.publishAlert({
          ts: event.ts,
          severity: 'warning',
          code: 'EXECUTION_INVALID_TRANSITION',
          message: `${event.clientOrderId}: broker reported ${event.status} after ${current.status}; ignored`,
          account: current.account,
          symbol: current.symbol,
        });
      }
      return;
    }
    this.update(managed, {
      status: event.status,
      ts: event.ts,
      ...(event.brokerOrderId !== undefined && { brokerOrderId: event.brokerOrderId }),
      ...(event.reason !== undefined && { reason: event.reason }),
    });
    if (managed.role === 'entry') this.syncBracket(managed);
    else if (
      managed.parent !== undefined &&
      (event.status === 'filled' || event.status === 'partially-filled')
    ) {
      const entry = this.orders.get(managed.parent);
      if (entry) this.syncBracket(entry);
    }
  }

  private handleFill(fill: Fill, alreadyOnBus: boolean): void {
    const managed = this.orders.get(fill.clientOrderId);
    if (managed) {
      managed.filledValue += fill.price * fill.quantity;
      const filledQuantity = managed.order.filledQuantity + fill.quantity;
      managed.order = {
        ...managed.order,
        filledQuantity,
        averageFillPrice: Number((managed.filledValue / filledQuantity).toPrecision(12)),
      };
    }
    if (!alreadyOnBus) this.publishFill(fill);
  }

  /**
   * Keeps a bracket's legs in step with its entry: each live leg's unfilled quantity equals the
   * bracket's open quantity (entry filled − legs filled); at 0 the legs are cancelled (OCO).
   */
  private syncBracket(entry: ManagedOrder): void {
    const id = entry.order.clientOrderId;
    const stop = this.orders.get(`${id}:sl`);
    const target = this.orders.get(`${id}:tp`);
    const open =
      entry.order.filledQuantity - (stop?.order.filledQuantity ?? 0) - (target?.order.filledQuantity ?? 0);
    const exitSide = entry.order.side === 'buy' ? 'sell' : 'buy';
    const legs: [string, ManagedOrder | undefined, number | undefined][] = [
      [`${id}:sl`, stop, entry.stopLoss],
      [`${id}:tp`, target, entry.takeProfit],
    ];
    for (const [legId, leg, price] of legs) {
      if (price === undefined) continue;
      if (!leg) {
        if (open <= 0 || (stop?.order.filledQuantity ?? 0) + (target?.order.filledQuantity ?? 0) > 0)
          continue;
        const isStop = legId.endsWith(':sl');
        this.handleSubmit(
          {
            id: legId,
            account: entry.order.account,
            symbol: entry.order.symbol,
            ts: this.now(),
            side: exitSide,
            quantity: open,
            type: isStop ? 'stop' : 'limit',
            ...(isStop ? { stopPrice: price } : { limitPrice: price }),
            timeInForce: 'gtc',
            reason: `${isStop ? 'stop loss' : 'take profit'} of ${id}`,
          },
          isStop ? 'stop-loss' : 'take-profit',
        );
        continue;
      }
      if (isTerminal(leg.order.status) || leg.order.status === 'cancel-pending') continue;
      if (open <= 0) this.handleCancel(legId);
      else if (leg.order.quantity - leg.order.filledQuantity !== open) {
        this.handleReplace(legId, { quantity: leg.order.filledQuantity + open });
      }
    }
  }

  private update(managed: ManagedOrder, changes: Partial<Order>): void {
    managed.order = { ...managed.order, ...changes };
    managed.publishedFilled = managed.order.filledQuantity;
    if (isTerminal(managed.order.status)) this.live.delete(managed);
    this.publishOrder(managed.order);
  }
}

/** Stands in for the broker of an order that never reached one (no broker holds its account). */
const NO_BROKER: BrokerAdapter = {
  name: 'none',
  accounts: () => [],
  submit: () => undefined,
  cancel: () => undefined,
  replace: () => undefined,
  positions: () => [],
  workingOrders: () => [],
  accountState: (account, ts) => ({
    account,
    ts,
    currency: 'USD',
    balance: 0,
    equity: 0,
    realizedPnlToday: 0,
    unrealizedPnl: 0,
  }),
  subscribe: () => () => undefined,
  connect: () => Promise.resolve(),
  close: () => Promise.resolve(),
};
