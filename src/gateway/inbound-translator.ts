import type { MessageBus } from '../bus/bus.js';
import { TOPICS } from '../bus/topics.js';
import type {
  AccountState,
  Alert,
  Bar,
  Fill,
  Order,
  OrderStatus,
  Position,
  Signal,
  Tick,
} from '../core/events.js';
import { CONTRACT_SPECS, findInstrument, roundToTick, type ContractSpec } from '../core/instruments.js';
import { MICROS_PER_SECOND, type Micros } from '../core/time.js';
import type { MarketGuard } from './market-guard.js';
import type { MessageRejection } from './protocol/codec.js';
import type {
  AccountMessage,
  BarMessage,
  ClientMessage,
  ExecutionMessage,
  OrderUpdateMessage,
  PositionMessage,
  SignalMessage,
  TickMessage,
} from './protocol/schemas.js';

type AccountBody = Omit<AccountMessage, 'type' | 'seq'>;
type PositionBody = Omit<PositionMessage, 'type' | 'seq'>;
type OrderBody = Omit<OrderUpdateMessage, 'type' | 'seq'>;

/** At most one price-band alert per session and instrument in this long. */
const BAND_ALERT_INTERVAL_MICROS = 10 * MICROS_PER_SECOND;

/**
 * Turns valid client messages into the engine's domain events: checks what a schema cannot
 * (known instrument; for market data, with the session's own {@link MarketGuard}: time not going
 * backwards per instrument, not in the future, not absurdly old, and the price inside its band),
 * rounds prices to the tick, and publishes on the bus topic of each event; ticks and bars carry
 * the session's market source (`gateway:<session>`).
 */
export class InboundTranslator {
  private readonly tickSizes = new Map<string, number>();
  /** Last price-band alert per `session\u0000symbol`. */
  private readonly bandAlerts = new Map<string, Micros>();
  private readonly publishAlert: (alert: Alert) => void;
  private readonly publishTick: (tick: Tick) => void;
  private readonly publishBar: (bar: Bar) => void;
  private readonly publishSignal: (signal: Signal) => void;
  private readonly publishAccount: (account: AccountState) => void;
  private readonly publishPosition: (position: Position) => void;
  private readonly publishOrder: (order: Order) => void;
  private readonly publishFill: (fill: Fill) => void;

  constructor(
    bus: MessageBus,
    private readonly specs: ReadonlyMap<string, ContractSpec> = CONTRACT_SPECS,
  ) {
    this.publishAlert = bus.publisher(TOPICS.alerts);
    this.publishTick = bus.publisher(TOPICS.ticks);
    this.publishBar = bus.publisher(TOPICS.bars);
    this.publishSignal = bus.publisher(TOPICS.signals);
    this.publishAccount = bus.publisher(TOPICS.accounts);
    this.publishPosition = bus.publisher(TOPICS.positions);
    this.publishOrder = bus.publisher(TOPICS.orders);
    this.publishFill = bus.publisher(TOPICS.fills);
  }

  /** The instrument's tick size, or undefined when the symbol is not a known contract. */
  private tickSize(symbol: string): number | undefined {
    let size = this.tickSizes.get(symbol);
    if (size === undefined) {
      size = findInstrument(symbol, this.specs)?.tickSize;
      if (size !== undefined) this.tickSizes.set(symbol, size);
    }
    return size;
  }

  private round(price: number, tickSize: number): number {
    // Prices on the tick (almost all) come back unchanged without the string round trip.
    return Math.round(price / tickSize) * tickSize === price ? price : roundToTick(price, tickSize);
  }

  /**
   * Why `message` cannot be accepted beyond its schema, or undefined when it can. Market data is
   * judged by the sending session's `market` guard against the engine's clock (`now`).
   */
  check(
    message: ClientMessage,
    market: MarketGuard,
    now: Micros,
    source: string,
  ): MessageRejection | undefined {
    switch (message.type) {
      case 'tick':
      case 'bar':
        return this.checkSymbol(message.symbol, message) ?? this.checkMarket(message, market, now, source);
      case 'quote':
      case 'signal':
      case 'position':
      case 'order_update':
      case 'execution':
        return this.checkSymbol(message.symbol, message);
      case 'snapshot': {
        for (const item of [...message.positions, ...message.orders]) {
          const rejection = this.checkSymbol(item.symbol, message);
          if (rejection) return rejection;
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** Time and price of a print, by its own session's guard; a refusal moves nothing. */
  private checkMarket(
    message: TickMessage | BarMessage,
    market: MarketGuard,
    now: Micros,
    source: string,
  ): MessageRejection | undefined {
    const { type, symbol, ts, seq } = message;
    const time = market.checkTime(type, symbol, ts, now);
    if (time !== undefined) {
      const reason =
        time.kind === 'backwards'
          ? `${type}.ts ${String(ts)} is older than the previous ${type} of ${symbol} from this session (${String(time.last)})`
          : time.kind === 'future'
            ? `${type}.ts ${String(ts)} is more than 60 s ahead of the engine's clock (${String(now)}); check the client's clock and that ts is in microseconds`
            : `${type}.ts ${String(ts)} is before 1980: not live market data (is it in microseconds?)`;
      return {
        code: time.kind === 'backwards' ? 'GATEWAY_TIME_BACKWARDS' : 'GATEWAY_TIME_IMPLAUSIBLE',
        reason,
        seq,
        type,
      };
    }
    const price = type === 'tick' ? message.price : message.close;
    const band = market.checkPrice(symbol, price, this.tickSize(symbol) ?? 0, ts);
    if (band.ok) {
      if (band.reanchored)
        this.alertBand(
          source,
          symbol,
          ts,
          `${symbol}: prices from ${source} moved beyond the band and held there; the band follows them to ${String(price)}`,
          'info',
        );
      return undefined;
    }
    const reason = `${type} price ${String(price)} of ${symbol} is more than ${band.limit.toPrecision(6)} from the last accepted ${String(band.reference)} (price band); refused`;
    this.alertBand(source, symbol, ts, `${symbol}: ${reason} (from ${source})`, 'warning');
    return { code: 'GATEWAY_PRICE_BAND', reason, seq, type };
  }

  private alertBand(
    source: string,
    symbol: string,
    ts: Micros,
    message: string,
    severity: 'info' | 'warning',
  ): void {
    const key = `${source}\u0000${symbol}`;
    const last = this.bandAlerts.get(key);
    if (severity === 'warning' && last !== undefined && ts - last < BAND_ALERT_INTERVAL_MICROS) return;
    this.bandAlerts.set(key, ts);
    this.publishAlert({ ts, severity, code: 'GATEWAY_PRICE_BAND', message, symbol });
  }

  private checkSymbol(symbol: string, message: ClientMessage): MessageRejection | undefined {
    if (this.tickSize(symbol) !== undefined) return undefined;
    return {
      code: 'GATEWAY_UNKNOWN_SYMBOL',
      reason: `${message.type}.symbol '${symbol.slice(0, 64)}' is not ROOT MM-YY with a known contract root`,
      seq: message.seq,
      type: message.type,
    };
  }

  /**
   * Publishes the domain events of a checked message; returns the event when there is exactly
   * one (the edge envelope then carries that same object, so the store can link the two).
   */
  publish(message: ClientMessage, market: MarketGuard, source: string): object | undefined {
    switch (message.type) {
      case 'tick': {
        market.accept('tick', message.symbol, message.ts);
        const tick = this.tick(message, source);
        this.publishTick(tick);
        return tick;
      }
      case 'bar': {
        market.accept('bar', message.symbol, message.ts);
        const bar = this.bar(message, source);
        this.publishBar(bar);
        return bar;
      }
      case 'signal': {
        const signal = this.signal(message);
        this.publishSignal(signal);
        return signal;
      }
      case 'account': {
        const account = accountState(message);
        this.publishAccount(account);
        return account;
      }
      case 'position': {
        const position = this.position(message);
        this.publishPosition(position);
        return position;
      }
      case 'order_update': {
        const order = this.order(message);
        this.publishOrder(order);
        return order;
      }
      case 'execution': {
        const fill = this.fill(message);
        this.publishFill(fill);
        return fill;
      }
      case 'snapshot': {
        // Published item by item, and returned whole: the session event carries it for reconciliation.
        const accounts = message.accounts.map(accountState);
        const positions = message.positions.map((position) => this.position(position));
        const orders = message.orders.map((order) => this.order(order));
        for (const account of accounts) this.publishAccount(account);
        for (const position of positions) this.publishPosition(position);
        for (const order of orders) this.publishOrder(order);
        return { accounts, positions, orders };
      }
      default:
        return undefined;
    }
  }

  private tick(m: TickMessage, source: string): Tick {
    const tickSize = this.tickSize(m.symbol) as number;
    return {
      symbol: m.symbol,
      ts: m.ts,
      price: this.round(m.price, tickSize),
      size: m.size,
      bid: this.round(m.bid, tickSize),
      ask: this.round(m.ask, tickSize),
      side: m.side,
      source,
    };
  }

  private bar(m: BarMessage, source: string): Bar {
    const tickSize = this.tickSize(m.symbol) as number;
    return {
      symbol: m.symbol,
      ts: m.ts,
      end: m.end,
      open: this.round(m.open, tickSize),
      high: this.round(m.high, tickSize),
      low: this.round(m.low, tickSize),
      close: this.round(m.close, tickSize),
      volume: m.volume,
      buyVolume: m.buy_volume,
      sellVolume: m.sell_volume,
      trades: m.trades,
      source,
    };
  }

  private signal(m: SignalMessage): Signal {
    const tickSize = this.tickSize(m.symbol) as number;
    return {
      source: m.source ?? 'enigma',
      symbol: m.symbol,
      ts: m.ts,
      direction: m.direction,
      strength: m.strength,
      power: m.power,
      confluence: m.confluence,
      price: this.round(m.price, tickSize),
      ...(m.stop !== undefined && { stop: this.round(m.stop, tickSize) }),
      ...(m.targets !== undefined && { targets: m.targets.map((target) => this.round(target, tickSize)) }),
      ...(m.metadata !== undefined && { metadata: m.metadata }),
    };
  }

  private position(m: PositionBody): Position {
    return {
      account: m.account,
      symbol: m.symbol,
      ts: m.ts,
      quantity: m.quantity,
      averagePrice: m.average_price,
      unrealizedPnl: m.unrealized_pnl,
      realizedPnl: m.realized_pnl,
    };
  }

  private order(m: OrderBody): Order {
    return {
      clientOrderId: m.client_order_id,
      ...(m.broker_order_id !== undefined && { brokerOrderId: m.broker_order_id }),
      account: m.account,
      symbol: m.symbol,
      ts: m.ts,
      side: m.side,
      quantity: m.quantity,
      filledQuantity: m.filled_quantity,
      ...(m.average_fill_price !== undefined && { averageFillPrice: m.average_fill_price }),
      type: m.order_type,
      ...(m.limit_price !== undefined && { limitPrice: m.limit_price }),
      ...(m.stop_price !== undefined && { stopPrice: m.stop_price }),
      timeInForce: m.time_in_force,
      status: m.status as OrderStatus,
      ...(m.reason !== undefined && { reason: m.reason }),
    };
  }

  private fill(m: ExecutionMessage): Fill {
    const tickSize = this.tickSize(m.symbol) as number;
    return {
      fillId: m.fill_id,
      clientOrderId: m.client_order_id,
      account: m.account,
      symbol: m.symbol,
      ts: m.ts,
      side: m.side,
      quantity: m.quantity,
      price: this.round(m.price, tickSize),
      commission: m.commission,
    };
  }
}

function accountState(m: AccountBody): AccountState {
  return {
    account: m.account,
    ts: m.ts,
    currency: m.currency,
    balance: m.balance,
    equity: m.equity,
    realizedPnlToday: m.realized_pnl_today,
    unrealizedPnl: m.unrealized_pnl,
  };
}
