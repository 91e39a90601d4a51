import type { AccountState, Bar, Fill, Order, OrderStatus, Position, Tick } from '../core/events.js';
import { roundToTick, type Instrument } from '../core/instruments.js';
import type { Micros } from '../core/time.js';
import { SessionCalendar } from '../core/session-calendar.js';
import type { BrokerAdapter, BrokerEvent, OrderChanges, OrderRequest } from './broker.js';
import { InstrumentCache } from '../core/money.js';
import { PositionBook } from './position-book.js';
import { isTerminal } from './order-state-machine.js';

/** Commission and exchange fees per contract per side, by contract root (typical retail all-in, 2026). */
export const DEFAULT_COMMISSIONS: Readonly<Record<string, number>> = {
  ES: 2.25,
  NQ: 2.25,
  YM: 2.25,
  RTY: 2.25,
  CL: 2.5,
  GC: 2.5,
  '6E': 2.5,
  ZN: 1.85,
  ZB: 1.95,
  MES: 0.62,
  MNQ: 0.62,
  MYM: 0.62,
  M2K: 0.62,
  MCL: 0.72,
  MGC: 0.72,
  M6E: 0.52,
};

export interface PaperAccountOptions {
  readonly id: string;
  readonly startingBalance: number;
}

export interface PaperBrokerOptions {
  readonly accounts: readonly PaperAccountOptions[];
  /** Time from submit until the order can fill, in microseconds (default 0: the next quote). */
  readonly latencyMicros?: number;
  /** Adverse ticks added to market orders and triggered stops (default 1). */
  readonly slippageTicks?: number;
  /** Share of each print's size a resting limit order can take (default 1: the whole print). */
  readonly participation?: number;
  /** `through` (default): a resting limit fills only when price trades through it; `touch`: at it. */
  readonly limitFill?: 'touch' | 'through';
  /** Commission per contract per side by root; roots not listed pay `defaultCommission`. */
  readonly commissions?: Readonly<Record<string, number>>;
  readonly defaultCommission?: number;
}

/** The best prices and the last print of an instrument. */
interface Quote {
  bid: number;
  ask: number;
  high: number;
  low: number;
  size: number;
  ts: Micros;
}

interface PaperOrder {
  readonly request: OrderRequest;
  readonly instrument: Instrument;
  readonly brokerOrderId: string;
  quantity: number;
  limitPrice: number | undefined;
  stopPrice: number | undefined;
  filled: number;
  /** Σ price × quantity of fills, for the average. */
  filledValue: number;
  status: OrderStatus;
  readonly activeAt: Micros;
  /** A stop or stop-limit whose stop price has been reached. */
  triggered: boolean;
  /** Has been matched against a quote once: later limit fills are at the limit price. */
  rested: boolean;
  fills: number;
  /** CME trading day the order was accepted on; a `day` order expires when the next one starts. */
  readonly tradingDay: number;
}

const GLOBEX_DAY = {
  timeZone: 'America/Chicago',
  open: '17:00',
  forcedFlat: '16:00',
  openDays: [0, 1, 2, 3, 4],
};

/**
 * The embedded broker: fills orders against the live or replayed market (ticks or bars) with a
 * latency, slippage and partial-fill model, charges commissions per instrument and keeps
 * positions and P&L as the sum of its fills. It is the default broker and the one tests and
 * replays use; it never reads the wall clock (time comes from requests and market data).
 *
 * Matching rules, per market update and per order in submission order:
 * 1. An order can fill only once `ts ≥ submit ts + latency`.
 * 2. Market: the whole quantity at the ask (buy) or bid (sell), moved `slippageTicks` against.
 * 3. Limit: marketable on arrival → whole quantity at the ask/bid (never worse than the limit);
 *    resting → at the limit when the quote crosses it or a print trades through it, at most
 *    ⌊print size × participation⌋ (at least 1) per update: partial fills.
 * 4. Stop: triggers when a print reaches the stop (CME triggers on trades), then fills as a market order;
 *    stop-limit then rests as a limit.
 * 5. IOC fills what it can on its first match and cancels the rest; FOK fills all or cancels;
 *    a DAY order expires when the CME trading day it was accepted on ends (17:00 Chicago).
 */
export class PaperBroker implements BrokerAdapter {
  readonly name = 'paper';
  private readonly options: Required<Omit<PaperBrokerOptions, 'accounts' | 'commissions'>> & {
    readonly commissions: Readonly<Record<string, number>>;
  };
  private readonly startingBalances = new Map<string, number>();
  private readonly book = new PositionBook();
  private readonly instruments = new InstrumentCache();
  private readonly orders = new Map<string, PaperOrder>();
  private readonly liveBySymbol = new Map<string, PaperOrder[]>();
  private readonly quotes = new Map<string, Quote>();
  /** Instruments priced by ticks: their bars only repeat those prints, after the fact. */
  private readonly tickedSymbols = new Set<string>();
  private readonly listeners = new Set<(event: BrokerEvent) => void>();
  private readonly calendar = new SessionCalendar(GLOBEX_DAY);
  private readonly realizedAtDayStart = new Map<string, { day: number; realized: number }>();
  private sequence = 0;
  private currentTradingDay = Number.NaN;

  constructor(options: PaperBrokerOptions) {
    this.options = {
      latencyMicros: options.latencyMicros ?? 0,
      slippageTicks: options.slippageTicks ?? 1,
      participation: options.participation ?? 1,
      limitFill: options.limitFill ?? 'through',
      commissions: options.commissions ?? DEFAULT_COMMISSIONS,
      defaultCommission: options.defaultCommission ?? 2.5,
    };
    for (const account of options.accounts) this.startingBalances.set(account.id, account.startingBalance);
  }

  accounts(): readonly string[] {
    return [...this.startingBalances.keys()];
  }

  subscribe(listener: (event: BrokerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  connect(): Promise<void> {
    return Promise.resolve();
  }

  close(): Promise<void> {
    this.listeners.clear();
    return Promise.resolve();
  }

  submit(request: OrderRequest): void {
    if (this.orders.has(request.clientOrderId)) return;
    const instrument = this.instruments.get(request.symbol);
    const reject = (reason: string): void =>
      this.emit({
        kind: 'order',
        clientOrderId: request.clientOrderId,
        ts: request.ts,
        status: 'rejected',
        reason,
      });
    if (!this.startingBalances.has(request.account)) return reject(`unknown account '${request.account}'`);
    if (!instrument) return reject(`unknown instrument '${request.symbol}'`);
    if (!(request.quantity > 0) || !Number.isInteger(request.quantity))
      return reject('quantity must be a positive whole number');
    if ((request.type === 'limit' || request.type === 'stop-limit') && request.limitPrice === undefined) {
      return reject(`a ${request.type} order needs a limit price`);
    }
    if ((request.type === 'stop' || request.type === 'stop-limit') && request.stopPrice === undefined) {
      return reject(`a ${request.type} order needs a stop price`);
    }
    this.sequence++;
    const order: PaperOrder = {
      request,
      instrument,
      brokerOrderId: `PAPER-${this.sequence}`,
      quantity: request.quantity,
      limitPrice: request.limitPrice,
      stopPrice: request.stopPrice,
      filled: 0,
      filledValue: 0,
      status: 'accepted',
      activeAt: request.ts + this.options.latencyMicros,
      triggered: false,
      rested: false,
      fills: 0,
      tradingDay: this.calendar.at(request.ts).tradingDay,
    };
    this.orders.set(request.clientOrderId, order);
    const live = this.liveBySymbol.get(request.symbol) ?? [];
    live.push(order);
    this.liveBySymbol.set(request.symbol, live);
    this.emit({
      kind: 'order',
      clientOrderId: request.clientOrderId,
      ts: request.ts,
      status: 'accepted',
      brokerOrderId: order.brokerOrderId,
    });
    const quote = this.quotes.get(request.symbol);
    if (quote && order.activeAt <= request.ts) this.matchOrder(order, quote, request.ts);
    this.prune(request.symbol);
  }

  cancel(clientOrderId: string, ts: Micros): void {
    const order = this.orders.get(clientOrderId);
    if (!order || isTerminal(order.status)) return;
    this.finish(order, 'cancelled', ts);
    this.prune(order.request.symbol);
  }

  replace(clientOrderId: string, changes: OrderChanges, ts: Micros): void {
    const order = this.orders.get(clientOrderId);
    if (!order || isTerminal(order.status)) return;
    if (
      changes.quantity !== undefined &&
      !(changes.quantity > order.filled && Number.isInteger(changes.quantity))
    ) {
      this.emit({
        kind: 'order',
        clientOrderId,
        ts,
        status: order.status,
        reason: `replace refused: quantity ${changes.quantity} is not above the ${order.filled} already filled`,
      });
      return;
    }
    if (changes.quantity !== undefined) order.quantity = changes.quantity;
    if (changes.limitPrice !== undefined) order.limitPrice = changes.limitPrice;
    if (changes.stopPrice !== undefined) order.stopPrice = changes.stopPrice;
    this.emit({ kind: 'order', clientOrderId, ts, status: order.status, changes });
    const quote = this.quotes.get(order.request.symbol);
    if (quote && order.activeAt <= ts) this.matchOrder(order, quote, ts);
    this.prune(order.request.symbol);
  }

  /** Market data from ticks: the quote is the tick's bid and ask, the print its price and size. */
  onTick(tick: Tick): void {
    this.tickedSymbols.add(tick.symbol);
    this.onQuote(tick.symbol, tick.ts, tick.bid, tick.ask, tick.price, tick.price, tick.size, tick.price);
  }

  /**
   * Market data from bars: bid = ask = close; the bar's range is the prints. Only for an
   * instrument that has no ticks: its bar comes after the ticks it sums up, and its range would
   * trigger a stop on prices from before the stop was placed.
   */
  onBar(bar: Bar): void {
    if (this.tickedSymbols.has(bar.symbol)) return;
    this.onQuote(bar.symbol, bar.end, bar.close, bar.close, bar.high, bar.low, bar.volume, bar.close);
  }

  positions(account: string): readonly Position[] {
    return this.book.positions(account);
  }

  position(account: string, symbol: string): Position {
    return this.book.position(account, symbol);
  }

  workingOrders(account: string): readonly Order[] {
    const result: Order[] = [];
    for (const order of this.orders.values()) {
      if (order.request.account === account && !isTerminal(order.status)) result.push(this.snapshot(order));
    }
    return result;
  }

  accountState(account: string, ts: Micros = 0): AccountState {
    const start = this.startingBalances.get(account) ?? 0;
    const { realized, commissions, unrealized } = this.book.totals(account);
    const net = round2(realized - commissions);
    const base = this.rollDay(account, ts, net);
    const balance = round2(start + net);
    return {
      account,
      ts,
      currency: 'USD',
      balance,
      equity: round2(balance + unrealized),
      realizedPnlToday: round2(net - base.realized),
      unrealizedPnl: round2(unrealized),
    };
  }

  /** Keeps the net P&L realised before the current trading day (17:00 Chicago), for `realizedPnlToday`. */
  private rollDay(account: string, ts: Micros, net: number): { day: number; realized: number } {
    const day = this.calendar.at(ts).tradingDay;
    let base = this.realizedAtDayStart.get(account);
    if (!base) {
      base = { day, realized: 0 };
      this.realizedAtDayStart.set(account, base);
    } else if (base.day < day) {
      base.day = day;
      base.realized = net;
    }
    return base;
  }

  private onQuote(
    symbol: string,
    ts: Micros,
    bid: number,
    ask: number,
    high: number,
    low: number,
    size: number,
    last: number,
  ): void {
    let quote = this.quotes.get(symbol);
    if (!quote) {
      quote = { bid, ask, high, low, size, ts };
      this.quotes.set(symbol, quote);
    } else {
      quote.bid = bid;
      quote.ask = ask;
      quote.high = high;
      quote.low = low;
      quote.size = size;
      quote.ts = ts;
    }
    const tradingDay = this.calendar.at(ts).tradingDay;
    if (tradingDay !== this.currentTradingDay) {
      this.expireDayOrders(tradingDay, ts);
      this.currentTradingDay = tradingDay;
    }
    const live = this.liveBySymbol.get(symbol);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: `length > 0` always true or `>= 0`: an empty list matches nothing and prunes to itself, only a copy and a loop are saved
    if (live && live.length > 0) {
      for (const order of live.slice())
        if (!isTerminal(order.status) && order.activeAt <= ts) this.matchOrder(order, quote, ts);
      this.prune(symbol);
    }
    const marked = this.book.mark(symbol, last, ts);
    for (const book of marked) this.emit({ kind: 'account', state: this.accountState(book.account, ts) });
  }

  private matchOrder(order: PaperOrder, quote: Quote, ts: Micros): void {
    const { request, instrument } = order;
    const buy = request.side === 'buy';
    const tick = instrument.tickSize;
    const slip = this.options.slippageTicks * tick;
    const firstMatch = !order.rested;
    order.rested = true;
    let type = request.type;
    if ((type === 'stop' || type === 'stop-limit') && !order.triggered) {
      const stop = order.stopPrice as number;
      const reached = buy ? quote.high >= stop : quote.low <= stop;
      if (!reached) return this.markWorking(order, ts);
      order.triggered = true;
    }
    if (type === 'stop') type = 'market';
    if (type === 'market') {
      const price = roundToTick(buy ? quote.ask + slip : quote.bid - slip, tick);
      // Stryker disable next-line ArithmeticOperator: a market order or triggered stop fills whole on its first match, so nothing is filled yet and `- filled` and `+ filled` agree
      return this.fill(order, order.quantity - order.filled, price, ts);
    }
    const limit = order.limitPrice as number;
    const marketable = buy ? quote.ask <= limit : quote.bid >= limit;
    if (firstMatch && marketable && !order.triggered) {
      // Stryker disable next-line ArithmeticOperator: on its first match an order has no fills yet, so `- filled` and `+ filled` agree
      return this.fill(order, order.quantity - order.filled, buy ? quote.ask : quote.bid, ts);
    }
    const through = this.options.limitFill === 'through';
    const traded = buy
      ? through
        ? quote.low < limit
        : quote.low <= limit
      : through
        ? quote.high > limit
        : quote.high >= limit;
    if (!marketable && !traded) return this.markWorking(order, ts);
    const available = Math.max(1, Math.floor(quote.size * this.options.participation));
    const remaining = order.quantity - order.filled;
    if (request.timeInForce === 'fok' && available < remaining) return this.finish(order, 'cancelled', ts);
    this.fill(order, Math.min(remaining, available), limit, ts);
    if (request.timeInForce === 'ioc' && !isTerminal(order.status)) this.finish(order, 'cancelled', ts);
  }

  /**
   * An order that cannot fill now rests (`working` from its first match); an IOC or FOK is
   * cancelled instead: each ends on its first match, filled or cancelled, so never comes here twice.
   */
  private markWorking(order: PaperOrder, ts: Micros): void {
    if (order.request.timeInForce === 'ioc' || order.request.timeInForce === 'fok') {
      return this.finish(order, 'cancelled', ts);
    }
    if (order.status === 'accepted') {
      order.status = 'working';
      this.emit({ kind: 'order', clientOrderId: order.request.clientOrderId, ts, status: 'working' });
    }
  }

  private fill(order: PaperOrder, quantity: number, price: number, ts: Micros): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: callers pass at least 1 (a live order has quantity > filled: a replace keeps it above, the fill that reaches it ends the order; a print offers at least 1), so the guard only defends
    if (quantity <= 0) return;
    const { request, instrument } = order;
    order.filled += quantity;
    order.filledValue += price * quantity;
    order.fills++;
    const before = this.book.totals(request.account);
    this.rollDay(request.account, ts, round2(before.realized - before.commissions));
    const perSide = this.options.commissions[instrument.root] ?? this.options.defaultCommission;
    const fill: Fill = {
      fillId: `${order.brokerOrderId}-${order.fills}`,
      clientOrderId: request.clientOrderId,
      account: request.account,
      symbol: request.symbol,
      ts,
      side: request.side,
      quantity,
      price,
      commission: round2(perSide * quantity),
    };
    this.book.applyFill(fill);
    order.status = order.filled >= order.quantity ? 'filled' : 'partially-filled';
    this.emit({ kind: 'fill', fill });
    this.emit({ kind: 'order', clientOrderId: request.clientOrderId, ts, status: order.status });
    this.emit({ kind: 'position', position: this.book.position(request.account, request.symbol) });
    this.emit({ kind: 'account', state: this.accountState(request.account, ts) });
  }

  private finish(order: PaperOrder, status: 'cancelled' | 'expired', ts: Micros): void {
    order.status = status;
    this.emit({ kind: 'order', clientOrderId: order.request.clientOrderId, ts, status });
  }

  /** Expires every live `day` order accepted before `tradingDay` (the CME day rolls at 17:00 Chicago). */
  private expireDayOrders(tradingDay: number, ts: Micros): void {
    for (const [symbol, live] of this.liveBySymbol) {
      for (const order of live) {
        if (
          order.request.timeInForce === 'day' &&
          order.tradingDay < tradingDay &&
          !isTerminal(order.status)
        ) {
          this.finish(order, 'expired', ts);
        }
      }
      this.prune(symbol);
    }
  }

  /** Drops finished orders from the per-symbol live list. */
  // Stryker disable next-line BlockStatement: memory only: every reader of the live list skips finished orders itself
  private prune(symbol: string): void {
    const live = this.liveBySymbol.get(symbol);
    if (!live) return;
    let write = 0;
    for (const order of live) if (!isTerminal(order.status)) live[write++] = order;
    live.length = write;
  }

  private snapshot(order: PaperOrder): Order {
    const { request } = order;
    return {
      clientOrderId: request.clientOrderId,
      brokerOrderId: order.brokerOrderId,
      account: request.account,
      symbol: request.symbol,
      ts: request.ts,
      side: request.side,
      quantity: order.quantity,
      filledQuantity: order.filled,
      ...(order.filled > 0 && { averageFillPrice: averagePrice(order) }),
      type: request.type,
      ...(order.limitPrice !== undefined && { limitPrice: order.limitPrice }),
      ...(order.stopPrice !== undefined && { stopPrice: order.stopPrice }),
      timeInForce: request.timeInForce,
      status: order.status,
    };
  }

  private emit(event: BrokerEvent): void {
    for (const listener of this.listeners) listener(event);
  }
}

function averagePrice(order: PaperOrder): number {
  return Number((order.filledValue / order.filled).toPrecision(12));
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}
