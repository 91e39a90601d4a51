import type { Fill, Position } from '../core/events.js';
import type { Micros } from '../core/time.js';
import { InstrumentCache, moneyFromTicks, priceToTicks } from '../core/money.js';

/** Open contracts bought or sold at one price, in whole ticks. */
interface Lot {
  priceTicks: number;
  /** Signed: > 0 long, < 0 short. */
  quantity: number;
}

interface Book {
  readonly account: string;
  readonly symbol: string;
  readonly tickSize: number;
  readonly tickValue: number;
  /** Open lots, oldest first (closed first in, first out, as NinjaTrader and the exchanges do). */
  readonly lots: Lot[];
  quantity: number;
  /** Σ priceTicks × quantity over open lots. */
  costTicks: number;
  /** Realised P&L in ticks × contracts, before commissions. */
  realizedTicks: number;
  commissions: number;
  /** Last mark in ticks; NaN before the first price. */
  markTicks: number;
  ts: Micros;
}

/**
 * Positions and P&L from fills, per account and instrument. Everything is kept in integer ticks:
 * a fill's price becomes whole ticks, lots close first in first out, and money is ticks × tick
 * value, so a position is exactly the sum of its fills and P&L matches a hand calculation.
 */
export class PositionBook {
  private readonly books = new Map<string, Book>();
  private readonly bySymbol = new Map<string, Book[]>();
  private readonly instruments = new InstrumentCache();

  private book(account: string, symbol: string): Book {
    const key = `${account}\u0000${symbol}`;
    let book = this.books.get(key);
    if (!book) {
      const instrument = this.instruments.get(symbol);
      if (!instrument) throw new RangeError(`unknown instrument '${symbol}'`);
      book = {
        account,
        symbol,
        tickSize: instrument.tickSize,
        tickValue: instrument.tickValue,
        lots: [],
        quantity: 0,
        costTicks: 0,
        realizedTicks: 0,
        commissions: 0,
        markTicks: Number.NaN,
        ts: 0,
      };
      this.books.set(key, book);
      const list = this.bySymbol.get(symbol) ?? [];
      list.push(book);
      this.bySymbol.set(symbol, list);
    }
    return book;
  }

  /** Applies a fill; returns the P&L it realised (money, before commission). */
  applyFill(fill: Fill): number {
    const book = this.book(fill.account, fill.symbol);
    const priceTicks = priceToTicks(fill.price, book.tickSize);
    let remaining = fill.side === 'buy' ? fill.quantity : -fill.quantity;
    let realized = 0;
    // Either of the first two conditions with the sign test ends the loop (no lot holds 0), so
    // each alone made always true, or the two joined by ||, changes nothing; both gone, an exact
    // close would read no lot.
    while (
      // Stryker disable next-line ConditionalExpression,LogicalOperator: see above
      remaining !== 0 &&
      // Stryker disable next-line ConditionalExpression,EqualityOperator: see above
      book.lots.length > 0 &&
      Math.sign(book.lots[0]?.quantity ?? 0) === -Math.sign(remaining)
    ) {
      const lot = book.lots[0] as Lot;
      const closing = Math.min(Math.abs(lot.quantity), Math.abs(remaining));
      const direction = Math.sign(lot.quantity);
      // Stryker disable ArithmeticOperator: direction is ±1, so multiplying and dividing by it agree
      realized += (priceTicks - lot.priceTicks) * closing * direction;
      lot.quantity -= closing * direction;
      book.costTicks -= lot.priceTicks * closing * direction;
      remaining += closing * direction;
      // Stryker restore ArithmeticOperator
      if (lot.quantity === 0) book.lots.shift();
    }
    if (remaining !== 0) {
      book.lots.push({ priceTicks, quantity: remaining });
      book.costTicks += priceTicks * remaining;
    }
    book.quantity += fill.side === 'buy' ? fill.quantity : -fill.quantity;
    book.realizedTicks += realized;
    book.commissions += fill.commission;
    book.markTicks = priceTicks;
    book.ts = fill.ts;
    return moneyFromTicks(realized, book.tickValue);
  }

  /** Marks every account's position in `symbol` at `price`; returns the accounts whose open P&L changed. */
  mark(symbol: string, price: number, ts: Micros): readonly Book[] {
    const list = this.bySymbol.get(symbol);
    if (!list) return EMPTY;
    const first = list[0];
    if (!first) return EMPTY;
    const ticks = priceToTicks(price, first.tickSize);
    let changed: Book[] | undefined;
    for (const book of list) {
      if (book.markTicks === ticks) continue;
      book.markTicks = ticks;
      book.ts = ts;
      if (book.quantity !== 0) (changed ??= []).push(book);
    }
    return changed ?? EMPTY;
  }

  /** Signed net quantity. */
  quantity(account: string, symbol: string): number {
    return this.books.get(`${account}\u0000${symbol}`)?.quantity ?? 0;
  }

  position(account: string, symbol: string): Position {
    const book = this.books.get(`${account}\u0000${symbol}`);
    if (!book)
      return { account, symbol, ts: 0, quantity: 0, averagePrice: 0, unrealizedPnl: 0, realizedPnl: 0 };
    return toPosition(book);
  }

  /** Every position of an account that has ever traded (flat ones included). */
  positions(account: string): Position[] {
    const result: Position[] = [];
    for (const book of this.books.values()) if (book.account === account) result.push(toPosition(book));
    return result;
  }

  /** Σ realised P&L, commissions and open P&L of an account, in money. */
  totals(account: string): { realized: number; commissions: number; unrealized: number } {
    let realized = 0;
    let commissions = 0;
    let unrealized = 0;
    for (const book of this.books.values()) {
      if (book.account !== account) continue;
      realized += moneyFromTicks(book.realizedTicks, book.tickValue);
      commissions += book.commissions;
      unrealized += unrealizedOf(book);
    }
    return { realized, commissions: Math.round(commissions * 10_000) / 10_000, unrealized };
  }
}

const EMPTY: readonly Book[] = [];

function unrealizedOf(book: Book): number {
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a flat book has no cost left and a book is marked by its first fill, so the guard only spares arithmetic that gives 0
  if (book.quantity === 0 || Number.isNaN(book.markTicks)) return 0;
  return moneyFromTicks(book.markTicks * book.quantity - book.costTicks, book.tickValue);
}

function toPosition(book: Book): Position {
  return {
    account: book.account,
    symbol: book.symbol,
    ts: book.ts,
    quantity: book.quantity,
    averagePrice:
      book.quantity === 0 ? 0 : Number(((book.costTicks / book.quantity) * book.tickSize).toPrecision(12)),
    unrealizedPnl: unrealizedOf(book),
    realizedPnl: moneyFromTicks(book.realizedTicks, book.tickValue),
  };
}
