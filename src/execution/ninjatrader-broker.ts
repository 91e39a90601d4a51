import { randomUUID } from 'node:crypto';
import type { Subscription } from 'rxjs';
import type { MessageBus } from '../bus/bus.js';
import { TOPICS, type NinjaTraderCommand, type NinjaTraderSessionEvent } from '../bus/topics.js';
import type { Clock } from '../core/clock.js';
import { describeError } from '../core/errors.js';
import type { AccountState, Alert, Order, Position } from '../core/events.js';
import { MICROS_PER_SECOND, type Micros } from '../core/time.js';
import type { BrokerAdapter, BrokerEvent, OrderChanges, OrderRequest } from './broker.js';
import { OrderJournal } from './order-journal.js';

/** A flatten of one position is not sent again while the last one is younger than this. */
const FLATTEN_RESEND_AFTER = 10 * MICROS_PER_SECOND;

export interface NinjaTraderBrokerOptions {
  /** The durable journal of sent orders (`<data-dir>/ninjatrader-orders.jsonl`); default in memory. */
  readonly journal?: OrderJournal;
  readonly clock?: Clock;
}

/**
 * The NinjaTrader broker: orders go to the AddOn as `ninjatrader.commands` on the bus (the gateway
 * delivers them to the session that declared the account, docs/protocol.md); the AddOn's order
 * updates, executions, positions and account states come back through the gateway, which
 * publishes them on the bus after checking the session owns the account. Rules:
 *
 * 1. An account can take orders only while its AddOn session is connected AND has answered the
 *    `snapshot_request` sent on connect (its book reconciled); otherwise an order is rejected here
 *    (the risk engine already denies the intent with `BROKER_DISCONNECTED`).
 * 2. Every order is written to the journal (fsynced) before its frame is published; an id already
 *    in the journal is never sent again, whatever happened in between (a restart, a replay).
 * 3. Brackets go with the entry (`bracket`); the AddOn submits the exits once the entry fills and
 *    reports them as `<id>-sl` / `<id>-tp` (`ownsBrackets`).
 * 4. Flatten is NinjaTrader's own (`flatten` per position), not sent again for the same position
 *    while one is on its way; a `snapshot_request` follows so the flat is confirmed by its reports.
 */
export class NinjaTraderBroker implements BrokerAdapter {
  readonly name = 'ninjatrader';
  readonly displayName = 'NinjaTrader';
  readonly reportsOnBus = true;
  readonly ownsBrackets = true;
  private readonly held: ReadonlySet<string>;
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  private readonly subscriptions: Subscription[] = [];
  private readonly positionsByKey = new Map<string, Position>();
  private readonly ordersById = new Map<string, Order>();
  /** Working orders per account as the last snapshot listed them. */
  private readonly snapshotOrders = new Map<string, readonly Order[]>();
  private readonly states = new Map<string, AccountState>();
  /** Account → the id of the connected session that declared it. */
  private readonly sessions = new Map<string, string>();
  /** Accounts whose session answered its snapshot request since it connected. */
  private readonly ready = new Set<string>();
  /** `account\0symbol` (symbol '' for all) → when its last flatten was sent. */
  private readonly flattensSent = new Map<string, Micros>();
  private readonly send: (command: NinjaTraderCommand) => void;
  private readonly publishAlert: (alert: Alert) => void;
  private readonly journal: OrderJournal;
  private readonly clock: Clock | undefined;
  private commands = 0;
  /** Command ids must differ from those of a previous run: the AddOn skips a command id it has seen. */
  private readonly run = randomUUID().slice(0, 8);

  constructor(
    bus: MessageBus,
    private readonly accountIds: readonly string[],
    options: NinjaTraderBrokerOptions = {},
  ) {
    this.held = new Set(accountIds);
    this.journal = options.journal ?? new OrderJournal();
    this.clock = options.clock;
    this.send = bus.publisher(TOPICS.ninjatraderCommands);
    this.publishAlert = bus.publisher(TOPICS.alerts);
    this.subscriptions.push(
      bus.observe(TOPICS.orders).subscribe((order) => this.handleOrder(order)),
      bus.observe(TOPICS.fills).subscribe((fill) => {
        if (this.held.has(fill.account)) this.emit({ kind: 'fill', fill });
      }),
      bus.observe(TOPICS.positions).subscribe((position) => {
        if (!this.held.has(position.account)) return;
        const key = `${position.account}\u0000${position.symbol}`;
        this.positionsByKey.set(key, position);
        if (position.quantity === 0) {
          this.flattensSent.delete(key);
          this.flattensSent.delete(`${position.account}\u0000`);
        }
        this.emit({ kind: 'report', account: position.account, ts: position.ts });
      }),
      bus.observe(TOPICS.accounts).subscribe((state) => {
        if (this.held.has(state.account)) this.states.set(state.account, state);
      }),
      bus.observe(TOPICS.ninjatraderSessions).subscribe((event) => this.handleSession(event)),
    );
  }

  accounts(): readonly string[] {
    return this.accountIds;
  }

  /** True while the account's AddOn is connected and its snapshot reconciled. */
  isReady(account: string): boolean {
    return this.ready.has(account);
  }

  /** The order the journal holds under this id (sent in this run or before a restart). */
  sentOrder(clientOrderId: string): OrderRequest | undefined {
    return this.journal.get(clientOrderId);
  }

  submit(request: OrderRequest): void {
    const { clientOrderId, account } = request;
    if (this.journal.get(clientOrderId)) {
      this.publishAlert({
        ts: request.ts,
        severity: 'warning',
        code: 'EXECUTION_ALREADY_SENT',
        message: `${clientOrderId} was already sent to NinjaTrader (journal ${this.journal.path ?? 'in memory'}); not sending it again`,
        account,
        symbol: request.symbol,
      });
      return;
    }
    if (!this.ready.has(account)) {
      this.reject(
        request,
        `NinjaTrader AddOn for ${account} is not connected (or its snapshot is not reconciled yet)`,
      );
      return;
    }
    try {
      this.journal.record(request);
    } catch (error) {
      this.publishAlert({
        ts: request.ts,
        severity: 'critical',
        code: 'EXECUTION_JOURNAL_FAILED',
        message: `${clientOrderId} not sent: the order journal cannot be written (${describeError(error)})`,
        account,
      });
      this.reject(request, `the order journal cannot be written [EXECUTION_JOURNAL_FAILED]`);
      return;
    }
    this.send({
      kind: 'order',
      intent: {
        id: clientOrderId,
        account,
        symbol: request.symbol,
        ts: request.ts,
        side: request.side,
        quantity: request.quantity,
        type: request.type,
        // Stryker disable ConditionalExpression: `true` adds the key with the value undefined, which the only reader (the gateway's orderBody, field by field, then JSON) sends exactly as an absent key; the `false` side is tested
        ...(request.limitPrice !== undefined && { limitPrice: request.limitPrice }),
        ...(request.stopPrice !== undefined && { stopPrice: request.stopPrice }),
        timeInForce: request.timeInForce,
        ...(request.stopLoss !== undefined && { stopLoss: request.stopLoss }),
        ...(request.takeProfit !== undefined && { takeProfit: request.takeProfit }),
        ...(request.signalTs !== undefined && { signalTs: request.signalTs }),
        // Stryker restore ConditionalExpression
        reason: request.reason ?? 'enigma-apex order manager',
      },
    });
  }

  cancel(clientOrderId: string, _ts: Micros): void {
    const account = this.accountOf(clientOrderId);
    this.send({ kind: 'cancel', commandId: this.commandId('cancel'), account, clientOrderId });
  }

  replace(clientOrderId: string, changes: OrderChanges, _ts: Micros): void {
    const account = this.accountOf(clientOrderId);
    this.send({ kind: 'replace', commandId: this.commandId('replace'), account, clientOrderId, ...changes });
  }

  flatten(account: string, symbol: string | undefined, reason: string, ts: Micros): void {
    const key = `${account}\u0000${symbol ?? ''}`;
    const sent = this.flattensSent.get(key);
    if (sent !== undefined && ts - sent < FLATTEN_RESEND_AFTER) return;
    this.flattensSent.set(key, ts);
    this.send({
      kind: 'flatten',
      commandId: this.commandId('flatten'),
      account,
      // Stryker disable next-line ConditionalExpression: `true` adds `symbol: undefined`, which the gateway's flatten message (field by field, then JSON) sends exactly as an absent symbol: the whole account; the `false` side is tested
      ...(symbol !== undefined && { symbol }),
      reason,
    });
  }

  requestSnapshot(account: string, reason: string): void {
    if (this.sessions.has(account)) this.send({ kind: 'snapshot_request', account, reason });
  }

  positions(account: string): readonly Position[] {
    return [...this.positionsByKey.values()].filter((position) => position.account === account);
  }

  /** Working orders as the AddOn's last snapshot listed them (the truth on reconnect). */
  workingOrders(account: string): readonly Order[] {
    return this.snapshotOrders.get(account) ?? [];
  }

  accountState(account: string, ts: Micros): AccountState {
    return (
      this.states.get(account) ?? {
        account,
        ts,
        currency: 'USD',
        balance: 0,
        equity: 0,
        realizedPnlToday: 0,
        unrealizedPnl: 0,
      }
    );
  }

  subscribe(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    this.listeners.clear();
    this.journal.close();
    return Promise.resolve();
  }

  private handleOrder(order: Order): void {
    if (!this.held.has(order.account)) return;
    const previous = this.ordersById.get(order.clientOrderId);
    this.ordersById.set(order.clientOrderId, order);
    if (previous) {
      const changes = {
        ...(order.quantity !== previous.quantity && { quantity: order.quantity }),
        ...(order.limitPrice !== previous.limitPrice &&
          order.limitPrice !== undefined && { limitPrice: order.limitPrice }),
        ...(order.stopPrice !== previous.stopPrice &&
          order.stopPrice !== undefined && { stopPrice: order.stopPrice }),
      };
      if (Object.keys(changes).length > 0) {
        this.emit({
          kind: 'order',
          clientOrderId: order.clientOrderId,
          ts: order.ts,
          status: order.status,
          changes,
        });
      }
    }
    this.emit({
      kind: 'order',
      clientOrderId: order.clientOrderId,
      ts: order.ts,
      status: order.status,
      filledQuantity: order.filledQuantity,
      // Stryker disable ConditionalExpression: `true` adds the key with the value undefined; the order manager, the only listener, reads each of these fields with `!== undefined`, as an absent key; the `false` side is tested
      ...(order.averageFillPrice !== undefined && { averageFillPrice: order.averageFillPrice }),
      ...(order.brokerOrderId !== undefined && { brokerOrderId: order.brokerOrderId }),
      ...(order.reason !== undefined && { reason: order.reason }),
      // Stryker restore ConditionalExpression
      order,
    });
  }

  private handleSession(event: NinjaTraderSessionEvent): void {
    const accounts = event.accounts.filter((account) => this.held.has(account));
    if (accounts.length === 0) return;
    switch (event.kind) {
      case 'connected': {
        for (const account of accounts) {
          this.sessions.set(account, event.sessionId);
          this.ready.delete(account);
        }
        // Trading waits for the AddOn's own view of the account: never on a guessed position.
        this.send({
          kind: 'snapshot_request',
          account: accounts[0] as string,
          reason: 'connected: the engine reconciles its book with NinjaTrader before trading',
        });
        return;
      }
      case 'disconnected': {
        const lost = accounts.filter((account) => this.sessions.get(account) === event.sessionId);
        if (lost.length === 0) return;
        for (const account of lost) {
          this.sessions.delete(account);
          this.ready.delete(account);
        }
        this.emit({
          kind: 'connection',
          connected: false,
          ts: event.ts,
          accounts: lost,
          reason: `NinjaTrader AddOn session ${event.sessionId} disconnected`,
        });
        return;
      }
      case 'snapshot': {
        const snapshot = event.snapshot;
        if (!snapshot) return;
        for (const account of accounts) {
          // Positions the snapshot does not list are flat; orders it does not list are not working.
          for (const [key, position] of this.positionsByKey) {
            if (position.account !== account || position.quantity === 0) continue;
            if (snapshot.positions.some((p) => p.account === account && p.symbol === position.symbol))
              continue;
            this.positionsByKey.set(key, { ...position, ts: event.ts, quantity: 0, unrealizedPnl: 0 });
          }
          this.snapshotOrders.set(
            account,
            snapshot.orders.filter((order) => order.account === account),
          );
          if (this.sessions.get(account) === event.sessionId) this.ready.add(account);
        }
        this.emit({
          kind: 'connection',
          connected: true,
          ts: event.ts,
          accounts: accounts.filter((account) => this.ready.has(account)),
          reason: `NinjaTrader AddOn session ${event.sessionId} reported its snapshot`,
        });
        return;
      }
    }
  }

  private reject(request: OrderRequest, reason: string): void {
    this.emit({
      kind: 'order',
      clientOrderId: request.clientOrderId,
      ts: this.clock?.now() ?? request.ts,
      status: 'rejected',
      reason,
    });
  }

  private accountOf(clientOrderId: string): string {
    return (
      this.ordersById.get(clientOrderId)?.account ??
      this.journal.get(clientOrderId)?.account ??
      this.accountIds[0] ??
      ''
    );
  }

  private commandId(kind: string): string {
    this.commands++;
    return `${kind}-${this.run}-${this.commands}`;
  }

  private emit(event: BrokerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
