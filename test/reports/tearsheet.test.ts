import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fill, Signal, Tick } from '../../src/core/events.js';
import { ALL_TIME } from '../../src/analytics/period.js';
import { wilsonInterval } from '../../src/analytics/wilson-interval.js';
import { returnHistogram, rollingRatios } from '../../src/analytics/tearsheet-series.js';
import { openReadOnly } from '../../src/reports/open-database.js';
import { underwater } from '../../src/reports/render-tearsheet.js';
import { writeReport, type WrittenReport } from '../../src/reports/write-report.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import type { RiskDecision } from '../../src/risk/risk-events.js';
import { Store } from '../../src/store/store.js';
import { tempDir } from '../store/helpers.js';

/*
 * Two years of a strategy that trades a few times a year, through the real store and
 * writeReport. The monthly heatmap, the worst drawdowns and the benchmark are checked against
 * an implementation written here (Intl for the Chicago trading day, cash + position × mark for
 * equity), not the report's helpers.
 */

const SYMBOL = 'ES 03-27';
const POINT_VALUE = 50;
const CAPITAL = 100_000;
const HOUR_MS = 3_600_000;
const US = 1000;

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

function buildHistory(): { ticks: Tick[]; fills: Fill[]; signals: Signal[] } {
  const next = random(5);
  const ticks: Tick[] = [];
  const fills: Fill[] = [];
  const signals: Signal[] = [];
  let price = 4000;
  let position = 0;
  let holdUntil = 0;
  let waitUntil = 10;
  let weekday = 0;
  for (let dayMs = Date.UTC(2023, 0, 2); dayMs < Date.UTC(2025, 0, 1); dayMs += 24 * HOUR_MS) {
    const dow = new Date(dayMs).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    weekday++;
    for (const hour of [14.5, 18, 20.5]) {
      price = Math.max(100, Math.round((price + (next() - 0.49) * 30) * 4) / 4);
      const ts = (dayMs + hour * HOUR_MS) * US;
      ticks.push({ symbol: SYMBOL, ts, price, size: 1, bid: price - 0.25, ask: price, side: 'buy' });
      if (hour !== 18) continue;
      const trade = (side: Fill['side']): void => {
        const n = fills.length + 1;
        fills.push({
          fillId: `f${n}`,
          clientOrderId: `o${n}`,
          account: 'A',
          symbol: SYMBOL,
          ts: ts + 1,
          side,
          quantity: 1,
          price,
          commission: 2.5,
        });
      };
      if (position === 0 && weekday >= waitUntil) {
        position = next() < 0.6 ? 1 : -1;
        signals.push({
          source: next() < 0.5 ? 'trend.cross' : 'revert.band',
          symbol: SYMBOL,
          ts: ts - 1000,
          direction: position > 0 ? 'long' : 'short',
          strength: 'normal',
          power: Math.floor(next() * 10),
          confluence: 2,
          price,
          metadata: { confidence: 0.5 + next() * 0.4 },
        });
        trade(position > 0 ? 'buy' : 'sell');
        holdUntil = weekday + 10 + Math.floor(next() * 25);
      } else if (position !== 0 && weekday >= holdUntil) {
        trade(position > 0 ? 'sell' : 'buy');
        position = 0;
        waitUntil = weekday + 20 + Math.floor(next() * 30);
      }
    }
  }
  return { ticks, fills, signals };
}

// ---- Independent reference ----

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

const tradingDate = (micros: number): number => {
  const { date, hour } = chicagoParts(Math.floor(micros / US));
  return hour >= 17 ? date + 24 * HOUR_MS : date;
};

function sessionEnd(dateMs: number): number {
  for (const utcHour of [22, 23]) {
    const candidate = dateMs + utcHour * HOUR_MS;
    if (chicagoParts(candidate).hour === 17) return candidate * US;
  }
  throw new Error('no 17:00 Chicago');
}

interface Session {
  readonly date: string;
  readonly end: number;
  readonly equity: number;
  readonly price: number;
}

function referenceSessions(ticks: readonly Tick[], fills: readonly Fill[]): Session[] {
  const events = [
    ...ticks.map((t) => ({ ts: t.ts, price: t.price, fill: undefined as Fill | undefined })),
    ...fills.map((f) => ({ ts: f.ts, price: f.price, fill: f })),
  ].sort((a, b) => a.ts - b.ts);
  const first = tradingDate((fills[0] as Fill).ts);
  const last = tradingDate((events[events.length - 1] as { ts: number }).ts);
  const sessions: Session[] = [];
  for (let d = first; d <= last; d += 24 * HOUR_MS) {
    const dow = new Date(d).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    const end = sessionEnd(d);
    let cash = CAPITAL;
    let held = 0;
    let mark = 0;
    let tick = 0;
    for (const e of events) {
      if (e.ts >= end) break;
      mark = e.price;
      if (!e.fill) tick = e.price;
      if (e.fill) {
        const signed = e.fill.side === 'buy' ? e.fill.quantity : -e.fill.quantity;
        cash -= signed * e.fill.price * POINT_VALUE + e.fill.commission;
        held += signed;
      }
    }
    sessions.push({ date: new Date(d).toISOString().slice(0, 10), end, equity: cash + held * mark * POINT_VALUE, price: tick });
  }
  return sessions;
}

interface Episode {
  depth: number;
  percent: number;
  peak: string;
  trough: string;
  recovery: string;
  sessions: number;
}

/** Every fall below a running peak until equity is back at it, deepest first. */
function referenceEpisodes(path: readonly { date: string; equity: number }[]): Episode[] {
  const episodes: Episode[] = [];
  let peakIndex = 0;
  let troughIndex = -1;
  for (let i = 1; i <= path.length; i++) {
    const point = path[i];
    const peak = path[peakIndex] as { date: string; equity: number };
    if (point === undefined || point.equity >= peak.equity) {
      if (troughIndex >= 0) {
        const trough = path[troughIndex] as { date: string; equity: number };
        episodes.push({
          depth: peak.equity - trough.equity,
          percent: (peak.equity - trough.equity) / peak.equity,
          peak: peak.date,
          trough: trough.date,
          recovery: point === undefined ? 'not recovered' : point.date,
          // Path index 0 is the start, inside session 0 like the first session's end.
          sessions: Math.max(0, (point === undefined ? path.length - 1 : i) - 1) - Math.max(0, peakIndex - 1),
        });
      }
      peakIndex = i;
      troughIndex = -1;
    } else if (troughIndex < 0 || point.equity < (path[troughIndex] as { equity: number }).equity) troughIndex = i;
  }
  return episodes.sort((a, b) => b.depth - a.depth);
}

function cellsOfTable(html: string, heading: string): string[][] {
  const start = html.indexOf(heading);
  const body = html.slice(start, html.indexOf('</table>', start));
  return [...body.matchAll(/<tr>(.*?)<\/tr>/g)]
    .slice(1)
    .map((row) => [...(row[1] as string).matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((c) => c[1] as string));
}

describe('the tearsheet of a strategy that trades a few times a year', () => {
  const temp = tempDir('enigma-tearsheet-');
  const db = temp.file('enigma.duckdb');
  const history = buildHistory();
  const sessions = referenceSessions(history.ticks, history.fills);
  let written: WrittenReport;
  let html: string;

  beforeAll(async () => {
    const store = await Store.open(db);
    store.writeAccount({
      account: 'A',
      ts: (history.fills[0] as Fill).ts - 1,
      currency: 'USD',
      balance: CAPITAL,
      equity: CAPITAL,
      realizedPnlToday: 0,
      unrealizedPnl: 0,
    });
    for (const tick of history.ticks) store.writeTick(tick);
    for (const signal of history.signals) store.writeSignal(signal);
    for (const fill of history.fills) store.writeFill(fill);
    const decision = (id: string, ts: number, outcome: RiskDecision['outcome'], code?: RiskDecision['code']): RiskDecision => ({
      ts,
      intentId: id,
      account: 'A',
      symbol: SYMBOL,
      outcome,
      ...(code !== undefined && { code }),
      reason: code ?? 'passed every rule',
      numbers: {},
      intent: { id, account: 'A', symbol: SYMBOL, ts, side: 'buy', quantity: 1, type: 'market', timeInForce: 'day', reason: 't' },
    });
    const at = (history.fills[0] as Fill).ts;
    store.writeDecision(decision('d1', at - 10, 'approved'));
    store.writeDecision(decision('d2', at + 10, 'denied', 'STALE_INTENT'));
    store.writeDecision(decision('d3', at + 20, 'denied', 'STALE_INTENT'));
    await store.close();
    const database = await openReadOnly(db);
    try {
      written = await writeReport(database.connection, ALL_TIME, temp.file('reports'), {
        generatedAt: 'test',
        profiles: new Map([['A', loadRuleProfile('topstep-50k-combine')]]),
      });
    } finally {
      database.close();
    }
    html = readFileSync(written.html, 'utf8');
  }, 120_000);
  afterAll(() => temp.remove());

  it('runs over two years with a handful of round trips a year', () => {
    expect(history.fills.length / 2).toBeGreaterThanOrEqual(4);
    expect(history.fills.length / 2 / 2).toBeLessThan(10);
    expect(written.data.markedToMarket.total.series.sessions).toHaveLength(sessions.length);
  });

  it('draws every chart of the tearsheet with a date axis or labelled bins, as scalable SVG', () => {
    const charts = [...html.matchAll(/<svg [^>]*class="chart"[^>]*>(.*?)<\/svg>/gs)].map((m) => m[1] as string);
    const titles = charts.map((c) => /<title>(.*?)<\/title>/.exec(c)?.[1]);
    expect(titles).toEqual([
      'Cumulative equity at each session end',
      'Under water: below the running peak (end of session)',
      'Monthly returns (%), compounded from session returns',
      'Yearly returns',
      'Rolling Sharpe, 63 sessions',
      'Rolling volatility, 63 sessions, annualised',
      'Distribution of session returns',
    ]);
    for (const chart of [charts[0], charts[1], charts[4], charts[5]] as string[]) {
      const ticks = [...chart.matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1]);
      // A real time axis: dates in order across the two years.
      expect(ticks.length).toBeGreaterThanOrEqual(3);
      expect(ticks.every((t) => /^\d{4}(-\d{2})?$/.test(t as string))).toBe(true);
      expect([...ticks].sort()).toEqual(ticks);
      expect(chart).toMatch(/class="y-label"/);
      expect(chart).toMatch(/<polyline /);
    }
    expect(charts[2]).toContain('>2024<');
    expect(charts[2]).toContain('>Dec<');
    expect([...(charts[3] as string).matchAll(/class="x-tick"[^>]*>([^<]*)</g)].map((m) => m[1])).toEqual([
      '2023',
      '2024',
    ]);
    expect(charts[6]).toContain('session return');
    // Scales to the screen's width: a viewBox and no fixed pixel width.
    expect(html).toMatch(/<svg [^>]*viewBox="0 0 600 \d+" width="100%"/);
    expect(html).not.toMatch(/<script|<link|<img|\bsrc=|url\(/i);
  });

  it('draws the under-water chart from the path the end-of-session drawdown is measured on', () => {
    const { total } = written.data.markedToMarket;
    const path = underwater(total);
    expect(path).toHaveLength(sessions.length);
    expect(Math.abs(-Math.min(...path) - total.drawdown.endOfDay.maxDepthPercent)).toBeLessThan(1e-12);
  });

  it('gives the rolling Sharpe and volatility of the last 63 daily marked-to-market returns, none before 63 sessions', () => {
    const returns = sessions.map((s, i) => s.equity / (i === 0 ? CAPITAL : (sessions[i - 1] as Session).equity) - 1);
    const perYear = (5 * 365.2425) / 7;
    const rolling = rollingRatios(written.data.markedToMarket.total.series.sessions, {
      sessionsPerYear: perYear,
      riskFreeRate: 0,
    });
    expect(rolling.slice(0, 62).every((r) => 'missing' in r.sharpe && 'missing' in r.volatility)).toBe(true);
    let compared = 0;
    for (let end = 62; end < returns.length; end++) {
      const window = returns.slice(end - 62, end + 1);
      const mean = window.reduce((a, b) => a + b, 0) / 63;
      const sd = Math.sqrt(window.reduce((a, r) => a + (r - mean) ** 2, 0) / 62);
      const point = rolling[end] as (typeof rolling)[number];
      if (sd === 0) {
        expect('missing' in point.sharpe).toBe(true);
        continue;
      }
      compared++;
      expect(Math.abs(('value' in point.sharpe ? point.sharpe.value : NaN) - (mean / sd) * Math.sqrt(perYear))).toBeLessThan(1e-9);
      expect(Math.abs(('value' in point.volatility ? point.volatility.value : NaN) - sd * Math.sqrt(perYear))).toBeLessThan(1e-12);
    }
    expect(compared).toBeGreaterThan(returns.length / 2);
    // The distribution counts every session once, flat ones included.
    const bins = returnHistogram(returns);
    expect(bins.reduce((a, b) => a + b.count, 0)).toBe(sessions.length);
  });

  it('draws the strategy against buy and hold of the traded instrument, from the last price before each session end', () => {
    const benchmark = written.data.benchmark;
    expect(benchmark?.symbol).toBe(SYMBOL);
    const start = written.data.markedToMarket.total.series.startEquity;
    // The price the series starts at: the last tick before its start (17:00 Chicago the day before the first session).
    const seriesStart = sessionEnd(Date.parse((sessions[0] as Session).date) - 24 * HOUR_MS);
    const before = history.ticks.filter((t) => t.ts < seriesStart);
    const startPrice = (before[before.length - 1] ?? (history.ticks.find((t) => t.ts >= seriesStart) as Tick)).price;
    expect(benchmark?.startPrice).toBe(startPrice);
    expect(benchmark?.equity).toHaveLength(sessions.length);
    sessions.forEach((s, i) =>
      expect(Math.abs((benchmark?.equity[i] as number) - (start * s.price) / startPrice)).toBeLessThan(1e-6),
    );
    expect(html).toContain(`buy and hold ${SYMBOL}`);
  });

  it('fills each heatmap cell with the month compounded from daily marked-to-market returns', () => {
    const months = new Map<string, number>();
    let previous = CAPITAL;
    for (const s of sessions) {
      const month = s.date.slice(0, 7);
      months.set(month, (1 + (months.get(month) ?? 0)) * (s.equity / previous) - 1);
      previous = s.equity;
    }
    const cells = [...html.matchAll(/data-month="(\d{4}-\d{2})" data-return="([^"]+)"/g)].map(
      (m) => [m[1] as string, Number(m[2])] as const,
    );
    expect(cells.map(([month]) => month)).toEqual([...months.keys()]);
    for (const [month, value] of cells) expect(Math.abs(value - (months.get(month) as number))).toBeLessThan(1e-12);
  });

  it('lists the worst drawdowns as an independent walk over the session equity finds them', () => {
    // The series starts at the end of the session before the first (17:00 Chicago, the day before).
    const startDate = new Date(Date.parse((sessions[0] as Session).date) - 24 * HOUR_MS).toISOString().slice(0, 10);
    const path = [{ date: startDate, equity: CAPITAL }, ...sessions];
    const episodes = referenceEpisodes(path).slice(0, 10);
    expect(episodes.length).toBeGreaterThanOrEqual(3);
    const rows = cellsOfTable(html, 'Worst 10 drawdowns');
    expect(rows).toHaveLength(episodes.length);
    rows.forEach((row, i) => {
      const e = episodes[i] as Episode;
      const money = e.depth.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
      expect(row.slice(0, 7)).toEqual([
        String(i + 1),
        money,
        `${(e.percent * 100).toFixed(2)}%`,
        e.peak,
        e.trough,
        e.recovery,
        String(e.sessions),
      ]);
    });
    // The deepest equals the maximum drawdown of the ratios table.
    const deepest = written.data.markedToMarket.total.drawdown.endOfDay.maxDepth;
    expect(Math.abs(deepest - (episodes[0] as Episode).depth)).toBeLessThan(1e-9);
  });

  it("shows each account's rules, closest approaches and decisions by code", () => {
    const rows = cellsOfTable(html, '<h4>A · profile topstep-50k-combine</h4>');
    expect(rows.map((r) => r[0])).toContain('trailing drawdown');
    expect(rows.map((r) => r[0])).toContain('daily loss');
    expect(rows.map((r) => r[0])).toContain('halts and reductions');
    // The contract rule's closest approach: the largest position the fills built, counted here.
    let position = 0;
    let peak = 0;
    for (const fill of history.fills) {
      position += fill.side === 'buy' ? fill.quantity : -fill.quantity;
      peak = Math.max(peak, Math.abs(position));
    }
    const contracts = rows.find((r) => r[0] === 'contracts');
    expect(contracts?.[1]).toBe('5 full-size (a scaling plan may lower it)');
    expect(contracts?.[2]).toMatch(new RegExp(`^held ${String(peak)} at most, `));
    const afterRules = html.indexOf('</table>', html.indexOf('<h4>A · profile'));
    expect(html.slice(afterRules)).toMatch(/<td>denied<\/td><td>STALE_INTENT<\/td><td class="n">2<\/td>/);
  });

  it('gives each signal bucket its hit rate with a Wilson interval', () => {
    const rows = cellsOfTable(html, '<h3>Signal effectiveness</h3>');
    const source = rows.filter((r) => r[0] === 'source');
    expect(source.length).toBeGreaterThan(0);
    for (const row of source) {
      const interval = wilsonInterval(Number(row[3]), Number(row[2]));
      expect(row[5]).toBe(`${((interval?.low ?? 0) * 100).toFixed(1)}% – ${((interval?.high ?? 0) * 100).toFixed(1)}%`);
    }
  });
});

describe('the Wilson score interval', () => {
  it('equals the closed form (x + z²/2 ± z√(x(n − x)/n + z²/4)) / (n + z²)', () => {
    const z = 1.959963984540054;
    for (const [x, n] of [
      [7, 10],
      [1, 3],
      [45, 100],
      [999, 1000],
    ] as const) {
      const root = z * Math.sqrt((x * (n - x)) / n + (z * z) / 4);
      const interval = wilsonInterval(x, n);
      expect(interval?.low).toBeCloseTo((x + (z * z) / 2 - root) / (n + z * z), 12);
      expect(interval?.high).toBeCloseTo((x + (z * z) / 2 + root) / (n + z * z), 12);
    }
  });

  it('is not zero-width at no successes: 0 of 10 gives 0 to z² / (10 + z²) = 27.75 %', () => {
    const interval = wilsonInterval(0, 10);
    expect(interval?.low).toBe(0);
    expect(interval?.high).toBeCloseTo(0.27753, 5);
  });

  it("matches docs/analytics.md's worked example: 7 of 10 gives 39.7 % to 89.2 %", () => {
    const interval = wilsonInterval(7, 10);
    const doc = readFileSync(new URL('../../docs/analytics.md', import.meta.url), 'utf8');
    expect(doc).toContain(
      `${((interval?.low ?? 0) * 100).toFixed(1)} % to ${((interval?.high ?? 0) * 100).toFixed(1)} %`,
    );
  });

  it('has no interval without trials', () => {
    expect(wilsonInterval(0, 0)).toBeNull();
  });
});
