import { GatewayClient, type EngineCommand } from '../../src/gateway/client.js';

export const TEST_TOKEN = 'nt-link-test-token';
export const NQ = 'NQ 12-26';

interface WorkingOrder {
  readonly id: string;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly type: 'market' | 'limit' | 'stop' | 'stop-limit';
  readonly limitPrice?: number;
  readonly stopPrice?: number;
  readonly timeInForce: 'day' | 'gtc' | 'ioc' | 'fok';
}

/**
 * Stands where NinjaTrader and the AddOn would be, on a real GatewayClient: keeps one account's
 * position and working orders, answers `snapshot_request` with them, records every command, and
 * carries out `cancel` and `flatten` (after `delayMs`, reporting what NinjaTrader would). Orders are
 * filled only when the test says so.
 */
export class ScriptedNinjaTrader {
  readonly client: GatewayClient;
  readonly commands: EngineCommand[] = [];
  readonly errors: { code: string; message: string }[] = [];
  position = 0;
  averagePrice = 0;
  readonly working = new Map<string, WorkingOrder>();
  /** When the last flat report (position 0, no working order) was sent. */
  flatReportedAt: number | undefined;
  private fills = 0;

  constructor(
    url: string,
    readonly account: string,
    private readonly options: { delayMs?: number; price?: number } = {},
  ) {
    this.client = new GatewayClient({
      url,
      token: TEST_TOKEN,
      accounts: [account],
      minBackoffMs: 50,
      maxBackoffMs: 200,
      onCommand: (command) => this.handle(command),
      onError: (error) => this.errors.push({ code: error.code, message: error.message }),
    });
  }

  async connect(): Promise<void> {
    await this.client.connect();
  }

  /** How many commands of a kind arrived. */
  count(type: EngineCommand['type']): number {
    return this.commands.filter((command) => command.type === type).length;
  }

  async waitFor(predicate: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(
          `timed out waiting for ${what}; commands: ${JSON.stringify(this.commands.map((c) => c.type))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  sendAccount(balance = 50_000): void {
    this.client.send({
      type: 'account',
      account: this.account,
      currency: 'USD',
      balance,
      equity: balance,
      realized_pnl_today: 0,
      unrealized_pnl: 0,
    });
  }

  /** NinjaTrader fills a working order completely at `price`; returns the fill id. */
  fill(id: string, price: number, fillId = `nt-x-${++this.fills}`): string {
    const order = this.working.get(id);
    if (!order) throw new Error(`no working order ${id}`);
    this.working.delete(id);
    const signed = order.side === 'buy' ? order.quantity : -order.quantity;
    this.orderUpdate(order, 'filled', order.quantity, price);
    this.execution(id, fillId, order.side, order.quantity, price);
    this.averagePrice = this.position + signed === 0 ? 0 : price;
    this.position += signed;
    this.sendPosition();
    return fillId;
  }

  execution(id: string, fillId: string, side: 'buy' | 'sell', quantity: number, price: number): number {
    return this.client.send({
      type: 'execution',
      fill_id: fillId,
      client_order_id: id,
      account: this.account,
      symbol: NQ,
      side,
      quantity,
      price,
      commission: 2.09,
    });
  }

  sendPosition(): void {
    this.client.send({
      type: 'position',
      account: this.account,
      symbol: NQ,
      quantity: this.position,
      average_price: this.averagePrice,
      unrealized_pnl: 0,
      realized_pnl: 0,
    });
  }

  private orderUpdate(
    order: WorkingOrder,
    status: 'working' | 'filled' | 'cancelled',
    filled: number,
    price?: number,
  ): void {
    this.client.send({
      type: 'order_update',
      client_order_id: order.id,
      broker_order_id: `nt-${order.id}`,
      account: this.account,
      symbol: NQ,
      side: order.side,
      quantity: order.quantity,
      filled_quantity: filled,
      ...(price !== undefined && { average_fill_price: price }),
      order_type: order.type,
      ...(order.limitPrice !== undefined && { limit_price: order.limitPrice }),
      ...(order.stopPrice !== undefined && { stop_price: order.stopPrice }),
      time_in_force: order.timeInForce,
      status,
    });
  }

  private handle(command: EngineCommand): void {
    this.commands.push(command);
    switch (command.type) {
      case 'order': {
        const order: WorkingOrder = {
          id: command.client_order_id,
          side: command.side,
          quantity: command.quantity,
          type: command.order_type,
          ...(command.limit_price !== undefined && { limitPrice: command.limit_price }),
          ...(command.stop_price !== undefined && { stopPrice: command.stop_price }),
          timeInForce: command.time_in_force,
        };
        this.working.set(order.id, order);
        this.orderUpdate(order, 'working', 0);
        return;
      }
      case 'snapshot_request':
        this.sendSnapshot(command.request_id);
        return;
      case 'cancel':
        this.later(() => {
          const order = this.working.get(command.client_order_id);
          if (!order) return;
          this.working.delete(order.id);
          this.orderUpdate(order, 'cancelled', 0);
          this.reportFlatIfFlat();
        });
        return;
      case 'flatten':
        this.later(() => {
          if (this.position !== 0) {
            const side = this.position > 0 ? 'sell' : 'buy';
            const quantity = Math.abs(this.position);
            this.execution(
              `Close-${command.command_id}`,
              `nt-x-${++this.fills}`,
              side,
              quantity,
              this.options.price ?? 21000,
            );
            this.position = 0;
            this.averagePrice = 0;
            this.sendPosition();
          }
          for (const order of [...this.working.values()]) {
            this.working.delete(order.id);
            this.orderUpdate(order, 'cancelled', 0);
          }
          this.reportFlatIfFlat();
        });
        return;
      default:
        return;
    }
  }

  private reportFlatIfFlat(): void {
    if (this.position === 0 && this.working.size === 0) this.flatReportedAt = Date.now();
  }

  private sendSnapshot(requestId: string): void {
    this.client.send({
      type: 'snapshot',
      request_id: requestId,
      accounts: [
        {
          ts: Date.now() * 1000,
          account: this.account,
          currency: 'USD',
          balance: 50_000,
          equity: 50_000,
          realized_pnl_today: 0,
          unrealized_pnl: 0,
        },
      ],
      positions:
        this.position === 0
          ? []
          : [
              {
                ts: Date.now() * 1000,
                account: this.account,
                symbol: NQ,
                quantity: this.position,
                average_price: this.averagePrice,
                unrealized_pnl: 0,
                realized_pnl: 0,
              },
            ],
      orders: [...this.working.values()].map((order) => ({
        ts: Date.now() * 1000,
        client_order_id: order.id,
        account: this.account,
        symbol: NQ,
        side: order.side,
        quantity: order.quantity,
        filled_quantity: 0,
        order_type: order.type,
        ...(order.limitPrice !== undefined && { limit_price: order.limitPrice }),
        ...(order.stopPrice !== undefined && { stop_price: order.stopPrice }),
        time_in_force: order.timeInForce,
        status: 'working' as const,
      })),
    });
  }

  private later(action: () => void): void {
    const delay = this.options.delayMs ?? 0;
    if (delay === 0) action();
    else setTimeout(action, delay);
  }

  async close(): Promise<void> {
    await this.client.close();
  }
}
