import { LIVE_ORDER_STATUSES, type Order, type Position, type Side } from '../core/events.js';

interface SymbolExposure {
  /** Signed net position. */
  position: number;
  /** Unfilled quantity of live buy and sell orders. */
  workingBuys: number;
  workingSells: number;
}

/**
 * One account's open exposure as the risk engine sees it: net positions from position events and
 * the unfilled quantity of live orders from order events. The worst case for a symbol is that
 * every live order on one side fills.
 */
export class AccountExposure {
  private readonly bySymbol = new Map<string, SymbolExposure>();
  /** Remaining quantity and side of each live order, to apply order updates as deltas. */
  private readonly live = new Map<string, { symbol: string; side: Side; remaining: number }>();

  private entry(symbol: string): SymbolExposure {
    let exposure = this.bySymbol.get(symbol);
    if (!exposure) {
      exposure = { position: 0, workingBuys: 0, workingSells: 0 };
      this.bySymbol.set(symbol, exposure);
    }
    return exposure;
  }

  applyPosition(position: Position): void {
    this.entry(position.symbol).position = position.quantity;
  }

  applyOrder(order: Order): void {
    const previous = this.live.get(order.clientOrderId);
    const remaining = LIVE_ORDER_STATUSES.has(order.status) ? order.quantity - order.filledQuantity : 0;
    const exposure = this.entry(order.symbol);
    const delta = remaining - (previous?.remaining ?? 0);
    if (order.side === 'buy') exposure.workingBuys += delta;
    else exposure.workingSells += delta;
    if (remaining > 0)
      this.live.set(order.clientOrderId, { symbol: order.symbol, side: order.side, remaining });
    else this.live.delete(order.clientOrderId);
  }

  position(symbol: string): number {
    return this.bySymbol.get(symbol)?.position ?? 0;
  }

  /** Symbols with a position or live orders. */
  symbols(): IterableIterator<string> {
    return this.bySymbol.keys();
  }

  /**
   * Worst-case absolute position in `symbol` if every live order on one side filled, plus an
   * extra `buy`/`sell` quantity (the order being checked).
   */
  worstCase(symbol: string, extraBuy = 0, extraSell = 0): number {
    const exposure = this.bySymbol.get(symbol);
    const position = exposure?.position ?? 0;
    const long = position + (exposure?.workingBuys ?? 0) + extraBuy;
    const short = position - (exposure?.workingSells ?? 0) - extraSell;
    return Math.max(Math.abs(long), Math.abs(short));
  }

  /** True when no symbol has a position. */
  isFlat(): boolean {
    for (const exposure of this.bySymbol.values()) if (exposure.position !== 0) return false;
    return true;
  }

  /** True while the order is live with quantity left to fill. */
  isLive(clientOrderId: string): boolean {
    return this.live.has(clientOrderId);
  }

  liveOrderCount(): number {
    return this.live.size;
  }
}
