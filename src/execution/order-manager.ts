import type { MessageBus } from '../bus/bus.js';
import { TOPICS } from '../bus/topics.js';
import type { Clock } from '../core/clock.js';
import type {
  AccountState,
  Alert,
  Bar,
  BrokerStatus,
  Fill,
  Order,
  OrderIntent,
  Position,
  Tick,
} from '../core/events.js';
import { roundToTick } from '../core/instruments.js';
import type { MarketTrust } from '../core/market-trust.js';
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
  /** Σ quantity of the fills applied (the broker's order report may count ahead of its fills). */
  fillQuantity?: number;
  /** Filled quantity in the last published snapshot: a same-status report only matters when it grew. */
  publishedFilled?: number;
  /** Stop management of a bracket entry: trailing distance and breakeven trigger, in price points. */
  trailDistance?: number;
  breakevenTrigger?: number;
  /** Best price seen since the entry filled (highest for longs, lowest for shorts). */
  bestPrice?: number;
  /** For entries: the bracket is spent, and the entry's rest was cancelled (once: a fill on its way resets the status). */
  spent?: boolean;
  /** For entries: the market orders that closed what the entry filled after its bracket was spent. */
  closes?: string[];
}

/**
 * The execution engine's order manager: turns risk-approved intents into broker orders and keeps
 * every order's life cycle. Rules:
 * 1. Submit is idempotent by client order id (the intent id): a retried submit never makes a
 *    second order.
 * 2. Every status change passes the order state machine and is published as an Order event;
 *    fills, positions and account states from the broker are published as they arrive.
 * 3. An intent with `stopLoss`/`takeProfit` is a bracket: once the entry fills, a stop and a
 *    target for the filled quantity are sent as an OCO pair (`<id>-sl`, `<id>-tp`); a fill of one
 *    shrinks or cancels the other, and more entry fills grow both (cancel/replace). A broker that
 *    `ownsBrackets` (NinjaTrader) gets the bracket with the entry and places the legs itself; the
 *    manager adopts them from its reports under the same ids. Once the legs' fills have closed
 *    what the entry filled, the bracket is spent: the entry's unfilled rest is cancelled, and what
 *    it fills all the same with no working leg left is closed at market (`<id>-close-<n>`).
 * 4. Flatten cancels every live order of the account and closes each position (the broker's own
 *    flatten when it has one, else one market order); while that is on its way a second flatten
 *    adds nothing. Once the broker's reports show the account flat, an `EXECUTION_FLAT_CONFIRMED`
 *    alert says so ("APEX-12345 flat (confirmed by NinjaTrader)").
 * 5. Fills are applied once per fill id, whatever repeats them.
 * 6. On a broker (re)connect its positions and working orders are the truth: the first time after
 *    start they are adopted; later, a difference from the book (Σ fills) is a mismatch alert.
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
  /** Net position per account and symbol: the book, Σ fills applied (or adopted from the broker). */
  private readonly knownPositions = new Map<string, number>();
  /** Fill ids applied, so a repeated fill changes nothing. */
  private readonly appliedFills = new Set<string>();
  /** Accounts reconciled at least once since start (the first reconcile adopts the broker's book). */
  private readonly reconciledAccounts = new Set<string>();
  /** Accounts flattening: wait for the broker's reports to show them flat. */
  private readonly flattening = new Set<string>();
  private readonly publishBrokerStatus: (status: BrokerStatus) => void;
  /** Accounts whose broker link is up and reconciled (an order appearing then is seen live). */
  private readonly linkUp = new Set<string>();
  /** Orders not placed by the engine that appeared while the account's link was down: differences. */
  private readonly unexplained = new Map<string, string[]>();

  constructor(
    bus: MessageBus,
    private readonly clock: Clock,
  ) {
    this.publishOrder = bus.publisher(TOPICS.orders);
    this.publishFill = bus.publisher(TOPICS.fills);
    this.publishPosition = bus.publisher(TOPICS.positions);
    this.publishAccount = bus.publisher(TOPICS.accounts);
    this.publishAlert = bus.publisher(TOPICS.alerts);
    this.publishBrokerStatus = bus.publisher(TOPICS.brokerStatus);
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

  /**
   * Market data, for trailing stops and breakeven moves; with `trust`, a print moves only the
   * stops of accounts that trust its source (a client's prices never move another's stops).
   */
  process(event: Tick | Bar, trust?: MarketTrust): void {
    // Stryker disable next-line ConditionalExpression: performance only: with no managed stop the loop below runs zero times
    if (this.stopManaged.size === 0) return;
    const price = 'price' in event ? event.price : event.close;
    for (const managed of this.stopManaged) {
      if (managed.order.symbol !== event.symbol) continue;
      if (trust && !trust.trusts(managed.order.account, event.source)) continue;
      this.handleStopManagementPrice(managed, price);
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
      // Stryker disable ConditionalExpression: `true` adds the key with the value undefined to the published order; its readers (the store's optional columns, the API's optional schema fields, JSON, the NinjaTrader broker's `!==` compare, this manager's `!== undefined`) see it exactly as an absent key; the `false` side is tested
      ...(intent.limitPrice !== undefined && { limitPrice: intent.limitPrice }),
      ...(intent.stopPrice !== undefined && { stopPrice: intent.stopPrice }),
      // Stryker restore ConditionalExpression
      timeInForce: intent.timeInForce,
      status: 'pending',
      reason: intent.reason,
    };
    if (!broker) {
      const reason = `no broker holds account '${intent.account}'`;
      const rejected: Order = { ...order, status: 'rejected', reason };
      this.orders.set(intent.id, { order: rejected, broker: NO_BROKER, role, filledValue: 0 });
      this.publishOrder(rejected);
      return { ok: false, message: reason, orders: [intent.id] };
    }
    const managed: ManagedOrder = {
      order,
      broker,
      role,
      filledValue: 0,
      // Stryker disable ConditionalExpression: `true` only adds `stopLoss`/`takeProfit` with the value undefined (the role is 'entry' whenever one is set, as risk refuses a price under one tick so neither is 0; legs and flatten orders are sent without), which every reader (trail/breakeven set-up, the bracket sync) treats with `=== undefined` as absent; the `false` sides are tested
      ...(role === 'entry' && intent.stopLoss !== undefined && { stopLoss: intent.stopLoss }),
      ...(role === 'entry' && intent.takeProfit !== undefined && { takeProfit: intent.takeProfit }),
      // Stryker restore ConditionalExpression
      // Stryker disable next-line ConditionalExpression: `true` gives every order a would-be parent (its id less 3 characters); the only reader syncs that order's bracket on a fill: a non-entry has no exit prices (the sync does nothing) and an entry's legs are already in step after its own last report (the paper broker places, resizes and cancels legs synchronously; NinjaTrader owns its brackets), so nothing is sent; the `false` side is tested
      ...((role === 'stop-loss' || role === 'take-profit') && { parent: intent.id.slice(0, -3) }),
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
      // Stryker disable ConditionalExpression: `true` adds keys with the value undefined to the request (or, for the exits, sends them to a broker that does not own brackets, which never reads them: the paper broker; or for a non-entry, whose intent has none); both brokers read each field with `!== undefined` or copy it as it is, the journal writes JSON lines (an undefined key is dropped) and its in-memory copy is read by `adopt` with `!== undefined`, so an undefined key is an absent one; the `false` sides are tested
      ...(intent.limitPrice !== undefined && { limitPrice: intent.limitPrice }),
      ...(intent.stopPrice !== undefined && { stopPrice: intent.stopPrice }),
      timeInForce: intent.timeInForce,
      ...(broker.ownsBrackets === true &&
        role === 'entry' && {
          ...(intent.stopLoss !== undefined && { stopLoss: intent.stopLoss }),
          ...(intent.takeProfit !== undefined && { takeProfit: intent.takeProfit }),
        }),
      ...(intent.signalTs !== undefined && { signalTs: intent.signalTs }),
      // Stryker restore ConditionalExpression
      reason: intent.reason,
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
      // Stryker disable next-line ConditionalExpression: `true` cannot differ: each order listed is known and live, a cancel changes no fill so cancelling one never ends another, and a cancel of a live order is always ok; the `false` side is tested
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
      // One snapshot request per flattening episode: the reconcile it causes publishes positions,
      // which ask for another flatten while the account is halted.
      const confirming = this.flattening.has(id);
      this.flattening.add(id);
      for (const order of this.liveOrders(id)) {
        if (this.orders.get(order.clientOrderId)?.role === 'flatten') continue;
        if (order.status === 'cancel-pending') continue;
        if (this.handleCancel(order.clientOrderId).ok) touched.push(order.clientOrderId);
      }
      for (const position of broker.positions(id)) {
        if (position.quantity === 0) continue;
        if (broker.flatten) {
          broker.flatten(id, position.symbol, `flatten: ${reason}`, this.now());
          touched.push(`flatten:${id}:${position.symbol}`);
          continue;
        }
        if (this.hasLiveFlatten(id, position.symbol)) continue;
        this.flattenSequence++;
        const clientOrderId = `flatten:${id}:${position.symbol}:${this.flattenSequence}`;
        this.handleSubmit(
          {
            id: clientOrderId,
            account: id,
            symbol: position.symbol,
            ts: this.now(),
            // Stryker disable next-line EqualityOperator: `>= 0` differs only at 0, and a position of 0 never gets here (skipped above)
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
      // The flat is confirmed by the broker's own reports, never by what was sent.
      if (!broker.requestSnapshot) this.checkFlat(id, broker);
      else if (!confirming) broker.requestSnapshot(id, `flatten: ${reason}`);
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
    const stop = this.orders.get(`${order.clientOrderId}-sl`);
    // Stryker disable next-line ConditionalExpression,BlockStatement: memory and time only: without it, a terminal stop leg is only asked for a replace, which handleReplace refuses without sending or publishing anything
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
        this.handleBrokerOrder(event, broker);
        return this.afterReport(this.orders.get(event.clientOrderId)?.order.account, broker);
      case 'fill':
        this.handleFill(event.fill, broker.reportsOnBus === true);
        return this.afterReport(event.fill.account, broker);
      case 'position':
        this.publishPosition(event.position);
        return this.afterReport(event.position.account, broker);
      case 'account':
        return this.publishAccount(event.state);
      case 'report':
        return this.afterReport(event.account, broker);
      case 'connection':
        return this.handleConnection(event, broker);
    }
  }

  private handleConnection(event: Extract<BrokerEvent, { kind: 'connection' }>, broker: BrokerAdapter): void {
    const accounts = event.accounts ?? broker.accounts();
    for (const account of accounts) {
      if (event.connected) {
        this.reconcile(account);
        this.linkUp.add(account);
        this.afterReport(account, broker);
      } else {
        this.linkUp.delete(account);
      }
      this.publishBrokerStatus({
        ts: event.ts,
        account,
        broker: broker.name,
        connected: event.connected,
        reason: event.reason ?? (event.connected ? 'connected' : 'disconnected'),
      });
      this.publishAlert({
        ts: event.ts,
        severity: event.connected ? 'info' : 'critical',
        code: event.connected ? 'EXECUTION_BROKER_CONNECTED' : 'EXECUTION_BROKER_DISCONNECTED',
        message: `${account}: ${event.reason ?? (event.connected ? 'broker connected' : 'broker disconnected')}${event.connected ? '' : '; its intents are denied until it reconnects'}`,
        account,
      });
    }
  }

  /** A broker report on an account: while it is flattening, see whether it is flat now. */
  private afterReport(account: string | undefined, broker: BrokerAdapter): void {
    // Stryker disable next-line ConditionalExpression: with `true`, an undefined account is never flattening and checkFlat returns at once
    if (account !== undefined) this.checkFlat(account, broker);
  }

  /**
   * Publishes the flat confirmation of a flattening account once the broker's own view shows no
   * position and no live order.
   */
  private checkFlat(account: string, broker: BrokerAdapter): void {
    // Also after a flatten whose own fills confirmed it already: once.
    if (!this.flattening.has(account)) return;
    if (broker.positions(account).some((position) => position.quantity !== 0)) return;
    if (this.liveOrders(account).length > 0) return;
    this.flattening.delete(account);
    this.publishAlert({
      ts: this.now(),
      severity: 'info',
      code: 'EXECUTION_FLAT_CONFIRMED',
      message: `${account} flat (confirmed by ${broker.displayName ?? broker.name})`,
      account,
    });
  }

  /**
   * Reconciles an account with its broker after a (re)connect. The broker is authoritative: its
   * positions are published as they are, its working orders unknown here are adopted, and live
   * orders here that the broker no longer has are closed as cancelled. A difference from the book
   * (positions as Σ fills applied here) is an `EXECUTION_RECONCILIATION_MISMATCH` alert: the risk
   * engine holds the account in REDUCING until a person resolves it (`enigma resolve`). Orders the
   * engine itself sent (before a restart, too) and the exits the broker placed for them are not
   * differences; nor is an order whose cancel was on its way, or one the broker has not
   * acknowledged yet. No difference is `EXECUTION_RECONCILED`.
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
      const managed = this.orders.get(order.clientOrderId);
      if (managed) {
        // A cancel on its way is not undone by a snapshot from before it (listing the order working).
        if (managed.order.status === 'cancel-pending' && order.status === 'working') continue;
        // Stryker disable next-line ConditionalExpression: `true` also calls applyReportedStatus for a terminal order, which returns at once: no transition leaves a terminal status (order-state-machine.ts); the `false` side is tested
        if (!isTerminal(managed.order.status)) this.applyReportedStatus(managed, order);
        continue;
      }
      this.adopt(order, broker);
      touched.push(order.clientOrderId);
    }
    // Orders placed outside the engine while it could not see them (a snapshot lists them).
    differences.push(...(this.unexplained.get(account) ?? []));
    this.unexplained.delete(account);
    for (const managed of [...this.live]) {
      if (managed.order.account !== account || atBroker.has(managed.order.clientOrderId)) continue;
      const { status } = managed.order;
      // Sent but not acknowledged yet: the broker may list it in its next report.
      if (status === 'pending' || status === 'submitted') continue;
      if (status !== 'cancel-pending')
        differences.push(`order ${managed.order.clientOrderId} is not working at ${broker.name}`);
      this.update(managed, { status: 'cancelled', ts, reason: `not working at ${broker.name} on reconnect` });
      touched.push(managed.order.clientOrderId);
    }
    // A broker that reports on the bus itself (NinjaTrader) has put its account states there already.
    if (broker.reportsOnBus !== true) this.publishAccount(broker.accountState(account, ts));
    if (differences.length > 0) {
      this.publishAlert({
        ts,
        severity: 'warning',
        code: 'EXECUTION_RECONCILIATION_MISMATCH',
        message: `${account}: ${differences.join('; ')}; REDUCING until resolved (enigma resolve --account ${account})`,
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

  /**
   * Takes over an order the broker reports but this manager did not place in this run: a bracket
   * leg the broker placed (`<entry>-sl` / `<entry>-tp`), an order sent before a restart (from the
   * broker's journal), or one placed by hand (`EXECUTION_EXTERNAL_ORDER`).
   */
  private adopt(order: Order, broker: BrokerAdapter): ManagedOrder {
    const id = order.clientOrderId;
    const suffix = id.slice(-3);
    const parent = suffix === '-sl' || suffix === '-tp' ? this.orders.get(id.slice(0, -3)) : undefined;
    const sent = broker.sentOrder?.(id);
    const role: OrderRole = parent
      ? // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: an adopted leg's role is never read as 'stop-loss' or 'take-profit' (roles are only compared with 'entry' and 'flatten'), so which of the two it gets changes nothing; that it is a leg (its parent) is tested
        suffix === '-sl'
        ? 'stop-loss'
        : 'take-profit'
      : // Stryker disable next-line ConditionalExpression,EqualityOperator: `true` for the whole test or for its parentheses, and `false` or `=== undefined` for the take-profit part, only switch an adopted order without a stop loss between 'entry' and 'single', which act the same: trail-stop and breakeven also need a stop loss, and syncBracket places or resizes no leg without a price, while a take profit is only in a request to a broker that owns its brackets (handleSubmit), for which syncBracket returns at once; `false` for the whole test and for its parentheses, `&&`, and `=== undefined` on the stop loss are tested
        sent && (sent.stopLoss !== undefined || sent.takeProfit !== undefined)
        ? 'entry'
        : 'single';
    const adopted: ManagedOrder = {
      order,
      broker,
      role,
      filledValue: (order.averageFillPrice ?? 0) * order.filledQuantity,
      fillQuantity: order.filledQuantity,
      // Stryker disable next-line ObjectLiteral: `{}` leaves an adopted leg without its entry's id, read only to resync the entry's legs when the leg fills (syncBracket), which changes nothing for it: the entry's broker owns its brackets (syncBracket returns at once; the manager registers every leg it places itself before sending it, so never adopts one), or the entry was adopted too, without exit prices, and syncBracket touches no leg without a price; memory shape only
      ...(parent && { parent: parent.order.clientOrderId }),
      ...(sent?.stopLoss !== undefined && { stopLoss: sent.stopLoss }),
      // Stryker disable next-line ObjectLiteral: a take profit is only in a request to a broker that owns its brackets (handleSubmit), and it is read only by syncBracket, which returns at once for such a broker; memory shape only
      ...(sent?.takeProfit !== undefined && { takeProfit: sent.takeProfit }),
    };
    this.orders.set(id, adopted);
    if (!isTerminal(order.status)) this.live.add(adopted);
    adopted.publishedFilled = order.filledQuantity;
    this.publishOrder(order);
    if (!parent && !sent) {
      if (!this.linkUp.has(order.account)) {
        const list = this.unexplained.get(order.account) ?? [];
        list.push(`working order ${id} at ${broker.name} was unknown here`);
        this.unexplained.set(order.account, list);
      }
      this.publishAlert({
        ts: order.ts,
        severity: 'warning',
        code: 'EXECUTION_EXTERNAL_ORDER',
        message: `${order.account}: ${id} (${order.side} ${order.quantity} ${order.symbol}) was not placed by the engine; tracked, not managed`,
        account: order.account,
        symbol: order.symbol,
      });
    }
    return adopted;
  }

  /** Applies a status a snapshot lists for an order known here, when the state machine allows it. */
  private applyReportedStatus(managed: ManagedOrder, reported: Order): void {
    if (reported.status === managed.order.status || !canTransition(managed.order.status, reported.status))
      return;
    this.update(managed, {
      status: reported.status,
      ts: reported.ts,
      ...(reported.brokerOrderId !== undefined && { brokerOrderId: reported.brokerOrderId }),
      filledQuantity: Math.max(managed.order.filledQuantity, reported.filledQuantity),
    });
  }

  private handleBrokerOrder(event: Extract<BrokerEvent, { kind: 'order' }>, broker: BrokerAdapter): void {
    const managed = this.orders.get(event.clientOrderId);
    if (!managed) {
      if (event.order) this.adopt(event.order, broker);
      return;
    }
    if (
      event.filledQuantity !== undefined &&
      event.filledQuantity > managed.order.filledQuantity &&
      event.filledQuantity <= managed.order.quantity
    ) {
      // The broker counts a fill its execution report has not brought yet.
      managed.order = {
        ...managed.order,
        filledQuantity: event.filledQuantity,
        ...(event.averageFillPrice !== undefined && { averageFillPrice: event.averageFillPrice }),
      };
    }
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
    // A refused cancel or replace: the broker repeats the order's status with its reason. A report that
    // repeats the reason the order already has is a repeat (or this manager's own Order event, which a
    // broker listening on the bus, NinjaTrader's, hears again), not a refusal.
    if (event.status === current.status && event.reason !== undefined && event.reason !== current.reason) {
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
    // A cancel on its way is not undone by a report from before it (a snapshot listing the order working).
    if (
      current.status === 'cancel-pending' &&
      (event.status === 'working' || event.status === 'accepted' || event.status === 'submitted') &&
      event.reason === undefined
    )
      return;
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
    if (this.appliedFills.has(fill.fillId)) return;
    this.appliedFills.add(fill.fillId);
    const key = `${fill.account}\u0000${fill.symbol}`;
    this.knownPositions.set(
      key,
      (this.knownPositions.get(key) ?? 0) + (fill.side === 'buy' ? fill.quantity : -fill.quantity),
    );
    const managed = this.orders.get(fill.clientOrderId);
    if (managed) {
      managed.filledValue += fill.price * fill.quantity;
      const fillQuantity = (managed.fillQuantity ?? 0) + fill.quantity;
      managed.fillQuantity = fillQuantity;
      managed.order = {
        ...managed.order,
        filledQuantity: Math.max(managed.order.filledQuantity, fillQuantity),
        averageFillPrice: Number((managed.filledValue / fillQuantity).toPrecision(12)),
      };
    }
    if (!alreadyOnBus) this.publishFill(fill);
  }

  /**
   * Keeps a bracket's legs in step with its entry: each live leg's unfilled quantity equals the
   * bracket's open quantity (entry filled − legs filled); at 0 the legs are cancelled (OCO).
   */
  private syncBracket(entry: ManagedOrder): void {
    if (entry.broker.ownsBrackets === true) return;
    const id = entry.order.clientOrderId;
    const exitSide = entry.order.side === 'buy' ? 'sell' : 'buy';
    const legs: [string, number | undefined][] = [
      [`${id}-sl`, entry.stopLoss],
      [`${id}-tp`, entry.takeProfit],
    ];
    for (const [legId, price] of legs) {
      if (price === undefined) continue;
      // Read afresh for each leg: placing the stop can fill it at once (the price already through
      // it), and then no target may follow for a position that is already closed.
      const stop = this.orders.get(`${id}-sl`);
      const target = this.orders.get(`${id}-tp`);
      const open =
        entry.order.filledQuantity - (stop?.order.filledQuantity ?? 0) - (target?.order.filledQuantity ?? 0);
      const leg = this.orders.get(legId);
      if (!leg) {
        // Stryker disable next-line ArithmeticOperator: a missing leg means a missing target (the stop is placed first, the target after it), so the target's term is 0 and `+` and `-` agree
        if (open <= 0 || (stop?.order.filledQuantity ?? 0) + (target?.order.filledQuantity ?? 0) > 0)
          continue;
        const isStop = legId.endsWith('-sl');
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
      // Stryker disable next-line ConditionalExpression: `isTerminal(…)` → false only sends a finished leg to handleCancel/handleReplace, which refuse it without sending or publishing anything; the whole condition → false is killed by the cancel-pending test
      if (isTerminal(leg.order.status) || leg.order.status === 'cancel-pending') continue;
      if (open <= 0) this.handleCancel(legId);
      else if (leg.order.quantity - leg.order.filledQuantity !== open) {
        this.handleReplace(legId, { quantity: leg.order.filledQuantity + open });
      }
    }
    this.closeSpentBracket(entry);
  }

  /**
   * A bracket whose legs' fills have closed what its entry filled is spent: its entry's unfilled
   * rest is cancelled, as filling it would open a position no leg protects any more (the stop
   * filled at once when placed, or the stop or target filled while the entry still rested). What
   * the entry fills all the same (a fill already on its way), with no working leg to cover it, is
   * closed at market.
   */
  private closeSpentBracket(entry: ManagedOrder): void {
    const id = entry.order.clientOrderId;
    const legs = [this.orders.get(`${id}-sl`), this.orders.get(`${id}-tp`)];
    const closes = (entry.closes ?? []).map((closeId) => this.orders.get(closeId));
    const filled = (sum: number, managed: ManagedOrder | undefined): number =>
      sum + (managed?.order.filledQuantity ?? 0);
    const legsFilled = legs.reduce(filled, 0);
    if (legsFilled === 0) return;
    const working = (managed: ManagedOrder | undefined): managed is ManagedOrder =>
      managed !== undefined && !isTerminal(managed.order.status) && managed.order.status !== 'cancel-pending';
    // A working leg protects what is open (the loop above cancels the legs once nothing is): the
    // bracket goes on, its legs resized to the entry's fills.
    if (legs.some(working)) return;
    if (entry.spent !== true) {
      entry.spent = true;
      if (working(entry)) this.handleCancel(id);
    }
    const open = entry.order.filledQuantity - legsFilled - closes.reduce(filled, 0);
    // Stryker disable next-line ArithmeticOperator: `+ filledQuantity` agrees with `- filledQuantity` because a working close has nothing filled: it is a market order, which the paper broker (the only broker whose brackets this manager keeps) fills whole
    const unfilled = (close: ManagedOrder): number => close.order.quantity - close.order.filledQuantity;
    const closing = closes.filter(working).reduce((sum, close) => sum + unfilled(close), 0);
    if (open - closing <= 0) return;
    const closeId = `${id}-close-${String(closes.length + 1)}`;
    entry.closes = [...(entry.closes ?? []), closeId];
    this.handleSubmit(
      {
        id: closeId,
        account: entry.order.account,
        symbol: entry.order.symbol,
        ts: this.now(),
        side: entry.order.side === 'buy' ? 'sell' : 'buy',
        quantity: open - closing,
        type: 'market',
        timeInForce: 'gtc',
        reason: `close of ${id}: filled after its bracket was spent`,
      },
      'single',
    );
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
  // Stryker disable next-line ArrayDeclaration: never called: NO_BROKER is never given to addBroker, only kept on an order rejected without a broker
  accounts: () => [],
  submit: () => undefined,
  cancel: () => undefined,
  replace: () => undefined,
  positions: () => [],
  workingOrders: () => [],
  accountState: (account, ts) => ({
    account,
    ts,
    // Stryker disable next-line StringLiteral: never called: reconcile reads account states from the brokers of addBroker, never from NO_BROKER
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
