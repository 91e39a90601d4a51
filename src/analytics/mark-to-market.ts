import type { Micros } from '../core/time.js';
import { dateOfDay, type TradingSessions } from './sessions.js';

/** A fill as the equity walk needs it. */
export interface MtmFill {
  readonly account: string;
  readonly symbol: string;
  readonly ts: Micros;
  readonly side: 'buy' | 'sell';
  readonly quantity: number;
  readonly price: number;
  readonly commission: number;
}

/** A market price: a tick, or a bar's close stamped at the bar's end. */
export interface MarketPrice {
  readonly symbol: string;
  readonly ts: Micros;
  readonly price: number;
}

/** Equity at one instant: after a fill, after a price that moved an open position, at a session's end. */
export interface IntradayPoint {
  readonly ts: Micros;
  /** Index of the session (in the series' `sessions`) the instant falls in. */
  readonly session: number;
  /** Balance plus open P&L at the latest prices. */
  readonly equity: number;
  /** Starting capital plus realised P&L minus commissions. */
  readonly balance: number;
}

/** One point per trading session: equity at the session's end, marked at the last price before it. */
export interface SessionEquity {
  /** Trading day, days since 1970-01-01 (the date the session ends on). */
  readonly day: number;
  readonly date: string;
  /** The session's end: prices strictly before it mark the equity. */
  readonly endTs: Micros;
  /** Equity at the session's start (the previous session's end). */
  readonly startEquity: number;
  readonly equity: number;
  readonly balance: number;
  /** equity − startEquity. */
  readonly pnl: number;
  /** pnl / startEquity: a flat session is exactly 0. */
  readonly return: number;
  /** Symbols of open positions with no price (tick, bar or fill) in the session: marked at the last known price. */
  readonly carried: readonly string[];
  /** Open contracts (absolute, summed over symbols) at the session's end. */
  readonly openContracts: number;
}

/** The marked-to-market equity of one account, or of every account together (`account: 'total'`). */
export interface EquitySeries {
  readonly account: string;
  readonly capital: number;
  /** Equity at the start of the first session (capital plus everything before the period). */
  readonly startEquity: number;
  readonly sessions: readonly SessionEquity[];
  /** Every equity change, plus one point at the series' start and one at each session's end. */
  readonly intraday: readonly IntradayPoint[];
  /** Time with an open position, in microseconds, inside the series' sessions. */
  readonly exposureMicros: number;
  /** From the first session's start to the last session's end (or the last event, if earlier). */
  readonly spanMicros: number;
}

export interface MarkToMarketInput {
  /** Every fill before the period's end, in time order (earlier fills build the opening positions). */
  readonly fills: readonly MtmFill[];
  /** Market prices of the traded symbols, in time order. */
  readonly prices: readonly MarketPrice[];
  /** Each account's starting capital; accounts without fills are left out. */
  readonly capital: ReadonlyMap<string, number>;
  /** Capital of the total series (default: the sum of the accounts'). */
  readonly totalCapital?: number;
  readonly sessions: TradingSessions;
  /** Dollars per point of a symbol. */
  readonly pointValue: (symbol: string) => number;
  /** First and last trading day of the series (inclusive), before trimming to the data. */
  readonly firstDay: number;
  readonly lastDay: number;
}

interface Position {
  quantity: number;
  averagePrice: number;
}

/** An account's cash and positions; equity = balance + Σ quantity × (mark − average price) × point value. */
class Book {
  balance: number;
  equity: number;
  readonly positions = new Map<string, Position>();
  exposureMicros = 0;
  constructor(readonly capital: number) {
    this.balance = capital;
    this.equity = capital;
  }

  apply(fill: MtmFill, pointValue: number): void {
    const position = this.positions.get(fill.symbol) ?? { quantity: 0, averagePrice: 0 };
    const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
    const held = position.quantity;
    if (held === 0 || Math.sign(held) === Math.sign(signed)) {
      // Opening or adding: average cost.
      position.averagePrice =
        (position.averagePrice * Math.abs(held) + fill.price * Math.abs(signed)) / Math.abs(held + signed);
    } else {
      const closed = Math.min(Math.abs(signed), Math.abs(held));
      this.balance += closed * (fill.price - position.averagePrice) * Math.sign(held) * pointValue;
      if (Math.abs(signed) > Math.abs(held)) position.averagePrice = fill.price;
    }
    position.quantity = held + signed;
    if (position.quantity === 0) position.averagePrice = 0;
    this.balance -= fill.commission;
    this.positions.set(fill.symbol, position);
  }

  revalue(marks: ReadonlyMap<string, number>, pointValue: (symbol: string) => number): void {
    let open = 0;
    for (const [symbol, position] of this.positions) {
      if (position.quantity === 0) continue;
      const mark = marks.get(symbol) ?? position.averagePrice;
      open += position.quantity * (mark - position.averagePrice) * pointValue(symbol);
    }
    this.equity = this.balance + open;
  }

  holds(symbol: string): boolean {
    return (this.positions.get(symbol)?.quantity ?? 0) !== 0;
  }

  openContracts(): number {
    let contracts = 0;
    for (const position of this.positions.values()) contracts += Math.abs(position.quantity);
    return contracts;
  }
}

interface SeriesBuilder {
  readonly account: string;
  readonly capital: number;
  startEquity: number;
  readonly sessions: SessionEquity[];
  readonly intraday: IntradayPoint[];
  exposureMicros: number;
}

function builder(account: string, capital: number): SeriesBuilder {
  return { account, capital, startEquity: capital, sessions: [], intraday: [], exposureMicros: 0 };
}

function push(series: SeriesBuilder, point: IntradayPoint): void {
  const last = series.intraday[series.intraday.length - 1];
  if (
    last &&
    last.equity === point.equity &&
    last.balance === point.balance &&
    last.session === point.session
  )
    return;
  series.intraday.push(point);
}

/**
 * Walks fills and prices in time order and marks every account to market: one equity point per
 * session (at its end, with the last price before it; a position without a price that session is
 * carried at the last known price and listed in `carried`) and every intraday change. Fills set
 * the mark of their symbol too (a traded price), so a position is never marked at nothing.
 * Returns per account (accounts with at least one fill) and in total; no sessions without fills.
 */
export function markToMarket(input: MarkToMarketInput): {
  accounts: Map<string, EquitySeries>;
  total: EquitySeries;
} {
  const { fills, prices, sessions: calendar, pointValue } = input;
  const accounts = [...new Set(fills.map((fill) => fill.account))].sort();
  const books = new Map(accounts.map((account) => [account, new Book(input.capital.get(account) ?? 0)]));
  const totalCapital =
    input.totalCapital ?? accounts.reduce((sum, account) => sum + (input.capital.get(account) ?? 0), 0);
  const series = new Map(
    accounts.map((account) => [account, builder(account, books.get(account)?.capital ?? 0)]),
  );
  const total = builder('total', totalCapital);
  const firstFill = fills[0];
  if (!firstFill) return { accounts: new Map(), total: finish(total, 0) };

  const lastEventTs = Math.max(
    fills[fills.length - 1]?.ts ?? -Infinity,
    prices[prices.length - 1]?.ts ?? -Infinity,
  );
  const firstDay = Math.max(input.firstDay, calendar.tradingDayOf(firstFill.ts));
  const lastDay = Math.min(input.lastDay, calendar.tradingDayOf(lastEventTs));
  const activity = fills.map((fill) => calendar.tradingDayOf(fill.ts));
  const days = calendar.between(firstDay, lastDay, activity);
  const windowStart = calendar.endOf(firstDay - 1);
  const marks = new Map<string, number>();
  const markTs = new Map<string, Micros>();

  const totalEquity = (): number => {
    let sum = totalCapital;
    for (const book of books.values()) sum += book.equity - book.capital;
    return sum;
  };
  const totalBalance = (): number => {
    let sum = totalCapital;
    for (const book of books.values()) sum += book.balance - book.capital;
    return sum;
  };

  let fillIndex = 0;
  let priceIndex = 0;
  let session = -1;
  let sessionStartTs = windowStart;
  let clock = windowStart;
  const advanceExposure = (to: Micros): void => {
    if (session < 0 || to <= clock) return;
    let any = false;
    for (const [account, book] of books) {
      if (book.openContracts() > 0) {
        const s = series.get(account);
        if (s) s.exposureMicros += to - clock;
        any = true;
      }
    }
    if (any) total.exposureMicros += to - clock;
    clock = to;
  };

  // One event: a price (before a fill at the same instant) or a fill.
  const step = (until: Micros): void => {
    for (;;) {
      const price = prices[priceIndex];
      const fill = fills[fillIndex];
      const priceFirst =
        price !== undefined && price.ts < until && (fill === undefined || price.ts <= fill.ts);
      const fillNext = !priceFirst && fill !== undefined && fill.ts < until;
      if (!priceFirst && !fillNext) return;
      const ts = priceFirst ? (price as MarketPrice).ts : (fill as MtmFill).ts;
      advanceExposure(ts);
      const touched: string[] = [];
      if (priceFirst) {
        const p = price as MarketPrice;
        priceIndex++;
        marks.set(p.symbol, p.price);
        markTs.set(p.symbol, p.ts);
        for (const [account, book] of books)
          if (book.holds(p.symbol)) {
            book.revalue(marks, pointValue);
            touched.push(account);
          }
      } else {
        const f = fill as MtmFill;
        fillIndex++;
        marks.set(f.symbol, f.price);
        markTs.set(f.symbol, f.ts);
        const book = books.get(f.account) as Book;
        book.apply(f, pointValue(f.symbol));
        // The mark moved for every holder of the symbol.
        for (const [account, other] of books)
          if (other === book || other.holds(f.symbol)) {
            other.revalue(marks, pointValue);
            touched.push(account);
          }
      }
      if (session < 0 || touched.length === 0) continue;
      for (const account of touched) {
        const book = books.get(account) as Book;
        push(series.get(account) as SeriesBuilder, {
          ts,
          session,
          equity: book.equity,
          balance: book.balance,
        });
      }
      push(total, { ts, session, equity: totalEquity(), balance: totalBalance() });
    }
  };

  // Everything before the first session builds the opening positions and equity.
  step(windowStart);
  for (const account of accounts) {
    const book = books.get(account) as Book;
    const s = series.get(account) as SeriesBuilder;
    s.startEquity = book.equity;
    s.intraday.push({ ts: windowStart, session: 0, equity: book.equity, balance: book.balance });
  }
  total.startEquity = totalEquity();
  total.intraday.push({ ts: windowStart, session: 0, equity: total.startEquity, balance: totalBalance() });

  let endTs = windowStart;
  for (const [index, day] of days.entries()) {
    session = index;
    endTs = calendar.endOf(day);
    step(endTs);
    const stop = Math.min(endTs, Math.max(lastEventTs, sessionStartTs));
    advanceExposure(stop);
    const carried = [...marks.keys()]
      .filter((symbol) => (markTs.get(symbol) ?? -Infinity) < sessionStartTs)
      .filter((symbol) => [...books.values()].some((book) => book.holds(symbol)))
      .sort();
    const record = (s: SeriesBuilder, equity: number, balance: number, openContracts: number): void => {
      const startEquity = s.sessions[s.sessions.length - 1]?.equity ?? s.startEquity;
      const pnl = equity - startEquity;
      s.sessions.push({
        day,
        date: dateOfDay(day),
        endTs,
        startEquity,
        equity,
        balance,
        pnl,
        return: pnl / startEquity,
        carried,
        openContracts,
      });
      push(s, { ts: endTs, session: index, equity, balance });
    };
    let contracts = 0;
    for (const account of accounts) {
      const book = books.get(account) as Book;
      const own = carried.filter((symbol) => book.holds(symbol));
      const s = series.get(account) as SeriesBuilder;
      const before = s.sessions.length;
      record(s, book.equity, book.balance, book.openContracts());
      contracts += book.openContracts();
      const recorded = s.sessions[before] as SessionEquity;
      s.sessions[before] = { ...recorded, carried: own };
    }
    record(total, totalEquity(), totalBalance(), contracts);
    sessionStartTs = endTs;
  }
  const span = Math.max(0, Math.min(endTs, Math.max(lastEventTs, windowStart)) - windowStart);
  return {
    accounts: new Map(
      accounts.map((account) => [account, finish(series.get(account) as SeriesBuilder, span)]),
    ),
    total: finish(total, span),
  };
}

function finish(s: SeriesBuilder, spanMicros: number): EquitySeries {
  return {
    account: s.account,
    capital: s.capital,
    startEquity: s.startEquity,
    sessions: s.sessions,
    intraday: s.intraday,
    exposureMicros: s.exposureMicros,
    spanMicros,
  };
}
