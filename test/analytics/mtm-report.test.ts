import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fill, Tick } from '../../src/core/events.js';
import { ALL_TIME } from '../../src/analytics/period.js';
import { openReadOnly } from '../../src/reports/open-database.js';
import { writeReport, type WrittenReport } from '../../src/reports/write-report.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../store/helpers.js';

/*
 * A trend strategy that trades a handful of times a year, for three years, through the real
 * store; every headline figure is recomputed here from first principles (Intl for the Chicago
 * trading day, cash + position × mark for the equity) and must agree to 1e-9.
 */

const SYMBOL = 'ES 03-27';
const POINT_VALUE = 50;
const CAPITAL = 100_000;
const COMMISSION = 2.5;
const HOUR_MS = 3_600_000;
const US = 1000;
const STOP = 20;

/** A seeded generator, so the history is the same on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

interface History {
  readonly ticks: Tick[];
  readonly fills: Fill[];
}

function buildHistory(): History {
  const next = random(14);
  const ticks: Tick[] = [];
  const fills: Fill[] = [];
  let price = 4000;
  let position = 0;
  let holdUntil = 0;
  let waitUntil = 20;
  let fillNumber = 0;
  let weekday = 0;
  const start = Date.UTC(2022, 0, 3);
  for (let dayMs = start; dayMs < Date.UTC(2025, 0, 1); dayMs += 24 * HOUR_MS) {
    const dow = new Date(dayMs).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    weekday++;
    // About one weekday in twelve has no print at all: an open position is carried.
    if (next() < 0.08) continue;
    // 14:30, 18:00 and 20:30 UTC belong to the session ending that date; 23:30 UTC to the next one.
    for (const hour of [14.5, 18, 20.5, 23.5]) {
      if (hour === 23.5 && next() < 0.5) continue;
      price = Math.max(100, Math.round((price + (next() - 0.49) * 40) * 4) / 4);
      const ts = (dayMs + hour * HOUR_MS) * US;
      ticks.push({ symbol: SYMBOL, ts, price, size: 1, bid: price - 0.25, ask: price, side: 'buy' });
      if (hour !== 18) continue;
      const trade = (side: Fill['side'], quantity: number): void => {
        fillNumber++;
        fills.push({
          fillId: `f${fillNumber}`,
          clientOrderId: `o${fillNumber}`,
          account: 'A',
          symbol: SYMBOL,
          ts: ts + 1,
          side,
          quantity,
          price: price + (side === 'buy' ? 0.25 : -0.25),
          commission: COMMISSION * quantity,
        });
      };
      if (position === 0 && weekday >= waitUntil) {
        position = next() < 0.6 ? 2 : -2;
        trade(position > 0 ? 'buy' : 'sell', 2);
        holdUntil = weekday + 10 + Math.floor(next() * 30);
      } else if (position !== 0 && weekday >= holdUntil) {
        trade(position > 0 ? 'sell' : 'buy', 2);
        position = 0;
        waitUntil = weekday + 30 + Math.floor(next() * 40);
      }
    }
  }
  return { ticks, fills };
}

// ---- The independent implementation: nothing from src/analytics. ----

const chicago = new Intl.DateTimeFormat('en-US', {
  timeZone: 'America/Chicago',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
});

function chicagoParts(ms: number): { date: number; hour: number } {
  const parts = Object.fromEntries(chicago.formatToParts(ms).map((p) => [p.type, p.value]));
  return {
    date: Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day)),
    hour: Number(parts.hour),
  };
}

/** The CME trading day (UTC midnight of its date, ms) of an instant: from 17:00 Chicago it is tomorrow's. */
function tradingDate(micros: number): number {
  const { date, hour } = chicagoParts(Math.floor(micros / US));
  return hour >= 17 ? date + 24 * HOUR_MS : date;
}

/** 17:00 Chicago on a date, in microseconds. */
function sessionEnd(dateMs: number): number {
  for (const utcHour of [22, 23]) {
    const candidate = dateMs + utcHour * HOUR_MS;
    if (chicagoParts(candidate).hour === 17) return candidate * US;
  }
  throw new Error('no 17:00 Chicago');
}

type Event = { ts: number; price: number; fill?: Fill };

/** Cash + position × mark, after every event before `before`. */
function equityBefore(events: readonly Event[], before: number): number {
  let cash = CAPITAL;
  let position = 0;
  let mark = 0;
  for (const event of events) {
    if (event.ts >= before) break;
    mark = event.price;
    if (event.fill) {
      const signed = event.fill.side === 'buy' ? event.fill.quantity : -event.fill.quantity;
      cash -= signed * event.fill.price * POINT_VALUE + event.fill.commission;
      position += signed;
    }
  }
  return cash + position * mark * POINT_VALUE;
}

function maxDrawdown(path: readonly number[]): { dollars: number; percent: number } {
  let peak = -Infinity;
  let dollars = 0;
  let percent = 0;
  for (const equity of path) {
    peak = Math.max(peak, equity);
    dollars = Math.max(dollars, peak - equity);
    percent = Math.max(percent, (peak - equity) / peak);
  }
  return { dollars, percent };
}

function reference(history: History) {
  const events: Event[] = [
    ...history.ticks.map((t) => ({ ts: t.ts, price: t.price })),
    ...history.fills.map((f) => ({ ts: f.ts, price: f.price, fill: f })),
  ].sort((a, b) => a.ts - b.ts);
  const first = tradingDate(history.fills[0]?.ts ?? 0);
  const last = tradingDate(events[events.length - 1]?.ts ?? 0);
  const dates: number[] = [];
  for (let d = first; d <= last; d += 24 * HOUR_MS) {
    const dow = new Date(d).getUTCDay();
    if (dow !== 0 && dow !== 6) dates.push(d);
  }
  const equity = dates.map((d) => equityBefore(events, sessionEnd(d)));
  // Sessions whose end finds a position open and no price (tick or fill) since the previous end.
  const carried = dates.filter((d, i) => {
    const end = sessionEnd(d);
    const start = i === 0 ? -Infinity : sessionEnd(dates[i - 1] as number);
    const open = history.fills.filter((f) => f.ts < end).length % 2 === 1;
    return open && !events.some((e) => e.ts >= start && e.ts < end);
  }).length;
  const returns = equity.map(
    (e, i) =>
      (e - (i === 0 ? CAPITAL : (equity[i - 1] as number))) / (i === 0 ? CAPITAL : (equity[i - 1] as number)),
  );
  const n = returns.length;
  const perYear = (5 * 365.2425) / 7;
  const mean = returns.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(returns.reduce((a, r) => a + (r - mean) ** 2, 0) / (n - 1));
  const downside = Math.sqrt(returns.reduce((a, r) => a + Math.min(r, 0) ** 2, 0) / n);
  const growth = (equity[equity.length - 1] as number) / CAPITAL;
  const cagr = growth ** (perYear / n) - 1;
  const endOfDay = maxDrawdown([CAPITAL, ...equity]);
  // Intraday: after every event (a session's end equity is the equity after its last event).
  const intradayPath = [CAPITAL, ...events.map((e) => equityBefore(events, e.ts + 1))];
  const realised: number[] = [CAPITAL];
  let cash = CAPITAL;
  let position = 0;
  for (const fill of history.fills) {
    const signed = fill.side === 'buy' ? fill.quantity : -fill.quantity;
    cash -= signed * fill.price * POINT_VALUE + fill.commission;
    position += signed;
    if (position === 0) realised.push(cash);
  }
  // Time with a position: entry to exit, the last one open until the series' end.
  const seriesEnd = Math.min(sessionEnd(last), events[events.length - 1]?.ts ?? 0);
  const exposure = history.fills.reduce(
    (sum, f, i) => sum + (i % 2 === 1 ? f.ts : -f.ts),
    history.fills.length % 2 === 1 ? seriesEnd : 0,
  );
  const results = realised.slice(1).map((e, i) => e - (realised[i] as number));
  const streak = (sign: number): number => {
    let best = 0;
    let run = 0;
    for (const r of results) {
      run = Math.sign(r) === sign ? run + 1 : 0;
      best = Math.max(best, run);
    }
    return best;
  };
  return {
    sessions: n,
    equity,
    sharpe: (mean / sd) * Math.sqrt(perYear),
    sortino: (mean / downside) * Math.sqrt(perYear),
    volatility: sd * Math.sqrt(perYear),
    arithmetic: mean * perYear,
    geometric: cagr,
    calmar: cagr / endOfDay.percent,
    endOfDay,
    intraday: maxDrawdown(intradayPath),
    realised: maxDrawdown(realised),
    carried,
    timeInMarket: exposure / (seriesEnd - sessionEnd(first - 24 * HOUR_MS)),
    largestWin: Math.max(...results),
    largestLoss: Math.min(...results),
    winningStreak: streak(1),
    losingStreak: streak(-1),
    closingDays: new Set(
      history.fills.filter((_, i) => i % 2 === 1).map((f) => new Date(f.ts / US).toISOString().slice(0, 10)),
    ).size,
  };
}

const value = (statistic: { value: number } | { missing: string }): number => {
  if (!('value' in statistic)) throw new Error(`missing: ${statistic.missing}`);
  return statistic.value;
};

describe('the report on a strategy that trades a few times a year, marked to market', () => {
  const temp = tempDir('enigma-mtm-');
  const db = temp.file('enigma.duckdb');
  const history = buildHistory();
  const expected = reference(history);
  let written: WrittenReport;

  beforeAll(async () => {
    const store = await Store.open(db);
    store.writeAccount({
      account: 'A',
      ts: (history.fills[0]?.ts ?? 0) - 1,
      currency: 'USD',
      balance: CAPITAL,
      equity: CAPITAL,
      realizedPnlToday: 0,
      unrealizedPnl: 0,
    });
    let f = 0;
    for (const tick of history.ticks) {
      while (f < history.fills.length && (history.fills[f] as Fill).ts <= tick.ts)
        store.writeFill(history.fills[f++] as Fill);
      store.writeTick(tick);
    }
    while (f < history.fills.length) store.writeFill(history.fills[f++] as Fill);
    // Each entry order carried a protective stop 20 points away.
    history.fills.forEach((fill, i) => {
      if (i % 2 === 1) return;
      store.writeOrderIntent({
        id: fill.clientOrderId,
        account: 'A',
        symbol: SYMBOL,
        ts: fill.ts - 1,
        side: fill.side,
        quantity: fill.quantity,
        type: 'market',
        timeInForce: 'day',
        stopLoss: fill.price + (fill.side === 'buy' ? -STOP : STOP),
        reason: 'trend',
      });
    });
    await store.close();
    const database = await openReadOnly(db);
    try {
      written = await writeReport(database.connection, ALL_TIME, temp.file('reports'), {
        generatedAt: 'test',
      });
    } finally {
      database.close();
    }
  }, 120_000);
  afterAll(() => temp.remove());

  it('builds a history of several years with only a few round trips a year', () => {
    expect(history.fills.length / 2).toBeGreaterThanOrEqual(6);
    expect(history.fills.length / 2 / 3).toBeLessThan(6);
    expect(expected.sessions).toBeGreaterThan(700);
  });

  it('has one equity point per CME session, equal to cash plus the position marked at the last price', () => {
    const sessions = written.data.markedToMarket.total.series.sessions;
    expect(sessions).toHaveLength(expected.sessions);
    sessions.forEach((session, i) => expect(session.equity).toBeCloseTo(expected.equity[i] as number, 9));
  });

  it('gives the Sharpe, Sortino, volatility, annualised returns and Calmar of the daily marked-to-market returns', () => {
    const returns = written.data.markedToMarket.total.returns;
    expect(returns.sessions).toBe(expected.sessions);
    expect(Math.abs(value(returns.sharpe) - expected.sharpe)).toBeLessThan(1e-9);
    expect(Math.abs(value(returns.sortino) - expected.sortino)).toBeLessThan(1e-9);
    expect(Math.abs(value(returns.volatility) - expected.volatility)).toBeLessThan(1e-9);
    expect(Math.abs(value(returns.annualReturnArithmetic) - expected.arithmetic)).toBeLessThan(1e-9);
    expect(Math.abs(value(returns.annualReturnGeometric) - expected.geometric)).toBeLessThan(1e-9);
    expect(Math.abs(value(returns.calmar) - expected.calmar)).toBeLessThan(1e-9);
  });

  it('measures drawdown realised, at each session end and intraday, the marked-to-market ones at least as deep', () => {
    const { drawdown } = written.data.markedToMarket.total;
    for (const [actual, wanted] of [
      [drawdown.realised, expected.realised],
      [drawdown.endOfDay, expected.endOfDay],
      [drawdown.intraday, expected.intraday],
    ] as const) {
      expect(Math.abs(actual.maxDepth - wanted.dollars)).toBeLessThan(1e-9);
      expect(Math.abs(actual.maxDepthPercent - wanted.percent)).toBeLessThan(1e-9);
    }
    expect(drawdown.intraday.maxDepth).toBeGreaterThan(drawdown.realised.maxDepth);
    expect(drawdown.intraday.maxDepth).toBeGreaterThanOrEqual(drawdown.endOfDay.maxDepth);
  });

  it('carries the last price over sessions without one, and says how many', () => {
    const sessions = written.data.markedToMarket.total.series.sessions;
    expect(expected.carried).toBeGreaterThan(0);
    expect(sessions.filter((s) => s.carried.length > 0)).toHaveLength(expected.carried);
    expect(readFileSync(written.html, 'utf8')).toContain(
      `${expected.carried} sessions had an open position without a price`,
    );
  });

  it('gives the largest win and loss and the longest streaks of the round trips', () => {
    const { trades } = written.data.markedToMarket.total;
    expect(trades.largestWin).toBeCloseTo(expected.largestWin, 9);
    expect(trades.largestLoss).toBeCloseTo(expected.largestLoss, 9);
    expect(trades.longestWinningStreak).toBe(expected.winningStreak);
    expect(trades.longestLosingStreak).toBe(expected.losingStreak);
    expect(Math.abs(value(trades.timeInMarket) - expected.timeInMarket)).toBeLessThan(1e-12);
  });

  it('gives each round trip its MAE, MFE and R-multiple from the ticks it was open through', () => {
    const { excursions } = written.data.markedToMarket.total;
    expect(excursions).toHaveLength(Math.floor(history.fills.length / 2));
    excursions.forEach((excursion, k) => {
      const entry = history.fills[2 * k] as Fill;
      const exit = history.fills[2 * k + 1] as Fill;
      const path = [
        entry.price,
        exit.price,
        ...history.ticks.filter((t) => t.ts >= entry.ts && t.ts <= exit.ts).map((t) => t.price),
      ];
      const long = entry.side === 'buy';
      const adverse = long ? entry.price - Math.min(...path) : Math.max(...path) - entry.price;
      const favourable = long ? Math.max(...path) - entry.price : entry.price - Math.min(...path);
      expect(excursion.maeDollars).toBeCloseTo(adverse * 2 * POINT_VALUE, 9);
      expect(excursion.mfeDollars).toBeCloseTo(favourable * 2 * POINT_VALUE, 9);
      // Two contracts, two fills of $2.50 a contract each.
      const net = ((long ? 1 : -1) * (exit.price - entry.price) * POINT_VALUE - 2 * COMMISSION) * 2;
      expect(excursion.rMultiple).toBeCloseTo(net / (STOP * 2 * POINT_VALUE), 9);
    });
  });

  it('keeps the realised-only figures, on closing days only, and labels them as such', () => {
    const old = written.data.overall;
    expect(old.tradingDays).toBe(expected.closingDays);
    expect(old.sharpe).not.toBeNull();
    const html = readFileSync(written.html, 'utf8');
    expect(html).toContain('Realised only');
    expect(html).toContain(value(written.data.markedToMarket.total.returns.sharpe).toFixed(2));
    expect(html).toContain('risk-free rate 0.00%');
  });
});
