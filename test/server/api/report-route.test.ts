import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { slippage } from '../../../src/analytics/execution-quality.js';
import { dailyPnl, equityCurve } from '../../../src/analytics/performance.js';
import { periodOf } from '../../../src/analytics/period.js';
import { signalEffectiveness } from '../../../src/analytics/signal-effectiveness.js';
import { roundTrips } from '../../../src/analytics/trades.js';
import { TOPICS } from '../../../src/bus/topics.js';
import type { Signal } from '../../../src/core/events.js';
import { MICROS_PER_SECOND } from '../../../src/core/time.js';
import { buildReport } from '../../../src/reports/build-report.js';
import { openReadOnly } from '../../../src/reports/open-database.js';
import { renderHtml } from '../../../src/reports/render-html.js';
import { esTick, intent, T0 } from '../../execution/execution-helpers.js';
import { startApiEngine, type ApiEngine, type Json } from './api-engine.js';

let api: ApiEngine | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

const S = MICROS_PER_SECOND;
const signal = (ts: number, confidence: number, source: string): Signal => ({
  source,
  symbol: 'ES 12-26',
  ts,
  direction: 'long',
  strength: 'strong',
  power: 3.5,
  confluence: 3,
  price: 6000,
  stop: 5997,
  targets: [6006, 6010],
  metadata: { confidence },
});

/**
 * Two round trips on 2026-11-24 (a win of $471 and a loss), two signals of different sources and
 * confidence, and ticks for an hour and more after them, so every horizon has a price.
 */
async function tradeADay(running: ApiEngine): Promise<void> {
  const { engine, clock } = running;
  const at = (seconds: number, price: number): void => {
    clock.advanceTo(T0 + seconds * S);
    engine.bus.publish(TOPICS.ticks, esTick(T0 + seconds * S, price));
  };
  at(0, 6000);
  engine.bus.publish(TOPICS.signals, signal(T0, 0.72, 'default.enigma'));
  engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 1, signalTs: T0 }));
  at(60, 6010);
  engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 1, side: 'sell', ts: clock.now() }));
  engine.bus.publish(TOPICS.signals, signal(T0 + 60 * S, 0.35, 'trend.cross'));
  engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 2, ts: clock.now() }));
  at(600, 6004);
  engine.bus.publish(TOPICS.orderIntents, intent({ quantity: 2, side: 'sell', ts: clock.now() }));
  at(4000, 6008);
  await engine.store?.flush();
}

describe('GET /report: the figures the Performance view draws', () => {
  it("answers the curves, daily P&L, slippage and signal effectiveness the report's own analytics compute", async () => {
    api = await startApiEngine();
    await tradeADay(api);
    const { status, body } = await api.call('GET', '/report?period=day&date=2026-11-24', api.tokens.viewer);
    expect(status).toBe(200);
    const report = body as Json;
    const storePath = join(api.engine.options.dataDir ?? '', 'enigma.duckdb');
    await api.close();
    api = undefined;

    // The same analytics over the same store, read the way `enigma report` reads it.
    const period = periodOf('day', '2026-11-24');
    const { connection, close } = await openReadOnly(storePath);
    try {
      const trades = await roundTrips(connection, period);
      const options = { initialCapital: report.initialCapital };
      expect(report.equity).toEqual(equityCurve(trades, options));
      expect(report.daily).toEqual(dailyPnl(trades, options));
      expect(report.slippage).toEqual(await slippage(connection, period));
      const expected = await signalEffectiveness(connection, {
        period,
        dimensions: ['confidence', 'source'],
      });
      expect(report.signals.map(({ hits: _h, hitInterval: _i, ...rest }: Json) => rest)).toEqual(expected);
    } finally {
      close();
    }

    // Closed forms: +$471 (bought 6000.25, sold 6009.75), then 2 × (6003.75 − 6010.25) × $50 − 4 × $2 = −$658.
    expect(report.total).toMatchObject({ trades: 2, wins: 1, losses: 1, netPnl: 471 - 658 });
    expect(report.equity.map((p: Json) => p.drawdown)).toEqual([0, 658]);
    expect(report.daily).toMatchObject([{ day: '2026-11-24', netPnl: -187, trades: 2 }]);
    // The buy of signal T0 paid one tick over the signal's 6000: $12.50.
    expect(report.slippage).toMatchObject([
      { account: 'SIM-50K', fills: 1, averageTicks: 1, totalDollars: 12.5 },
    ]);
    const sources = report.signals.filter((s: Json) => s.dimension === 'source' && s.horizonSeconds === 3600);
    expect(sources.map((s: Json) => s.bucket)).toEqual(['default.enigma', 'trend.cross']);
    const confident = report.signals.find(
      (s: Json) => s.dimension === 'confidence' && s.bucket === '0.7–0.8' && s.horizonSeconds === 60,
    );
    expect(confident).toMatchObject({ signals: 1, hits: 1, hitRate: 1 });
    expect(confident.hitInterval.low).toBeGreaterThan(0);
    expect(confident.hitInterval.high).toBe(1);
  });

  it('gives no Sharpe or Sortino under 20 closing days, and says why', async () => {
    api = await startApiEngine();
    await tradeADay(api);
    const { body } = await api.call('GET', '/report?period=month&date=2026-11-24', api.tokens.viewer);
    expect(body.total.sharpe).toEqual({ missing: '1 closing day, fewer than 20' });
    expect(body.total.sortino).toEqual({ missing: '1 closing day, fewer than 20' });
    expect(body.accounts[0].figures.sharpe).toEqual({ missing: '1 closing day, fewer than 20' });
    expect(body.computedAt).toBe(api.clock.now());
  });

  it('renders one HTML report at a time: a second asked for meanwhile gets 429 API_BUSY, and one asked for after it gets the report', async () => {
    api = await startApiEngine();
    await tradeADay(api);
    const ask = () =>
      fetch(`${api?.url ?? ''}/report.html?period=day&date=2026-11-24`, {
        headers: { authorization: `Bearer ${api?.tokens.viewer ?? ''}` },
      });
    const both = await Promise.all([ask(), ask()]);
    expect(both.map((response) => response.status).sort()).toEqual([200, 429]);
    const refused = both.find((response) => response.status === 429);
    expect(refused?.headers.get('retry-after')).toBe('1');
    expect(((await refused?.json()) as { error: { code: string } }).error.code).toBe('API_BUSY');
    expect((await ask()).status).toBe(200);
  });

  it('serves the HTML report of a period, the document `enigma report` renders from the same store, with no script and a strict CSP', async () => {
    api = await startApiEngine();
    await tradeADay(api);
    const response = await fetch(`${api.url}/report.html?period=day&date=2026-11-24`, {
      headers: { authorization: `Bearer ${api.tokens.viewer}` },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="enigma-report-day-2026-11-24.html"',
    );
    const html = await response.text();
    expect(html).toContain('<h1>Enigma-Apex report: 2026-11-24</h1>');
    expect(html).not.toMatch(/<script/i);
    const generatedAt = new Date(api.clock.now() / 1000).toISOString();
    const profile = api.engine.trading?.risk.evaluator('SIM-50K')?.profile;
    expect((await api.call('GET', '/report.html?period=day')).status).toBe(401);
    const storePath = join(api.engine.options.dataDir ?? '', 'enigma.duckdb');
    await api.close();
    api = undefined;

    // The CLI's way: a read-only connection of its own, once the engine has stopped.
    const { connection, close } = await openReadOnly(storePath);
    try {
      const data = await buildReport(connection, periodOf('day', '2026-11-24'), {
        ...(profile && { profiles: new Map([['SIM-50K', profile]]) }),
      });
      expect(html).toBe(renderHtml(data, generatedAt));
    } finally {
      close();
    }
  });
});
