import type { Subscription } from 'rxjs';
import type { MessageBus } from '../bus/bus.js';
import { TOPICS, type NinjaTraderCommand } from '../bus/topics.js';
import { LIVE_ORDER_STATUSES, type AccountState, type Order, type Position } from '../core/events.js';
import type { Micros } from '../core/time.js';
import type { BrokerAdapter, BrokerEvent, OrderChanges, OrderRequest } from './broker.js';

/**
 * The NinjaTrader broker: orders go to the AddOn as `ninjatrader.commands` on the bus (the gateway
 * delivers them to the session trading the account, docs/protocol.md); the AddOn's order
 * updates, executions, positions and account states come back through the gateway, which
 * publishes them on the bus itself. This adapter reads them from there for the order manager, so
 * it sets `reportsOnBus`: the order manager does not publish its fills a second time.
 */
export class NinjaTraderBroker implements BrokerAdapter {
  readonly name = 'ninjatrader';
  readonly reportsOnBus = true;
  private readonly held: ReadonlySet<string>;
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  private readonly subscriptions: Subscription[] = [];
  private readonly positionsByKey = new Map<string, Position>();
  private readonly ordersById = new Map<string, Order>();
  private readonly states = new Map<string, AccountState>();
  private readonly send: (command: NinjaTraderCommand) => void;
  private commands = 0;

  constructor(
    bus: MessageBus,
    private readonly accountIds: readonly string[],
  ) {
    this.held = new Set(accountIds);
    this.send = bus.publisher(TOPICS.ninjatraderCommands);
    this.subscriptions.push(
      bus.observe(TOPICS.orders).subscribe((order) => {
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
          ...(order.brokerOrderId !== undefined && { brokerOrderId: order.brokerOrderId }),
        });
      }),
      bus.observe(TOPICS.fills).subscribe((fill) => {
        if (this.held.has(fill.account)) this.emit({ kind: 'fill', fill });
      }),
      bus.observe(TOPICS.positions).subscribe((position) => {
        if (this.held.has(position.account))
          this.positionsByKey.set(`${position.account}\u0000${position.symbol}`, position);
      }),
      bus.observe(TOPICS.accounts).subscribe((state) => {
        if (this.held.has(state.account)) this.states.set(state.account, state);
      }),
    );
  }

  accounts(): readonly string[] {
    return this.accountIds;
  }

  submit(request: OrderRequest): void {
    this.send({
      kind: 'order',
      intent: {
        id: request.clientOrderId,
        account: request.account,
        symbol: request.symbol,
        ts: request.ts,
        side: request.side,
        quantity: request.quantity,
        type: request.type,
        ...(request.limitPrice !== undefined && { limitPrice: request.limitPrice }),
        ...(request.stopPrice !== undefined && { stopPrice: request.stopPrice }),
        timeInForce: request.timeInForce,
        reason: 'enigma-apex order manager',
      },
    });
  }

  cancel(clientOrderId: string, _ts: Micros): void {
    const account = this.ordersById.get(clientOrderId)?.account ?? this.accountIds[0] ?? '';
    this.send({ kind: 'cancel', commandId: this.commandId('cancel'), account, clientOrderId });
  }

  replace(clientOrderId: string, changes: OrderChanges, _ts: Micros): void {
    const account = this.ordersById.get(clientOrderId)?.account ?? this.accountIds[0] ?? '';
    this.send({ kind: 'replace', commandId: this.commandId('replace'), account, clientOrderId, ...changes });
  }

  positions(account: string): readonly Position[] {
    return [...this.positionsByKey.values()].filter((position) => position.account === account);
  }

  workingOrders(account: string): readonly Order[] {
    return [...this.ordersById.values()].filter(
      (order) => order.account === account && LIVE_ORDER_STATUSES.has(order.status),
    );
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

  /** The gateway's session for these accounts (re)connected and sent its snapshot: reconcile. */
  connected(ts: Micros): void {
    this.emit({ kind: 'connection', connected: true, ts });
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    this.listeners.clear();
    return Promise.resolve();
  }

  private commandId(kind: string): string {
    this.commands++;
    return `${kind}-${this.commands}`;
  }

  private emit(event: BrokerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}
