import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { Signal } from '../../src/core/events.js';
import { count, signedMoney } from '../../src/dashboard/format.js';
import { intent, T0 } from '../execution/execution-helpers.js';
import {
  ARTIFACTS,
  DashboardEngine,
  DESKTOP,
  launchBrowser,
  openDashboard,
  PHONE,
  signIn,
} from './dashboard-rig.js';

const POLL = { timeout: 15_000 };
type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const signal = (seconds: number, confidence: number, source: string): Signal => ({
  source,
  symbol: 'ES 12-26',
  ts: T0 + seconds * 1_000_000,
  direction: 'long',
  strength: 'strong',
  power: 3.5,
  confluence: 3,
  price: 6000,
  stop: 5997,
  targets: [6006],
  metadata: { confidence },
});

/**
 * Two round trips on SIM-50K through the paper broker: a win of $471 (bought 6000.25 from the
 * signal at 6000, sold 6009.75) and a loss of $658 (2 at 6010.25, sold 6003.75, $2 a side), then
 * prices for an hour more so the signals have an outcome at every horizon.
 */
function tradeADay(rig: DashboardEngine): void {
  const publish = rig.engine.bus.publish.bind(rig.engine.bus);
  rig.tick(6000, 0);
  publish(TOPICS.signals, signal(0, 0.72, 'default.enigma'));
  publish(TOPICS.orderIntents, intent({ account: 'SIM-50K', quantity: 1, signalTs: T0 }));
  rig.tick(6010, 60);
  publish(TOPICS.orderIntents, intent({ account: 'SIM-50K', quantity: 1, side: 'sell' }));
  publish(TOPICS.signals, signal(60, 0.35, 'trend.cross'));
  publish(TOPICS.orderIntents, intent({ account: 'SIM-50K', quantity: 2 }));
  rig.tick(6004, 600);
  publish(TOPICS.orderIntents, intent({ account: 'SIM-50K', quantity: 2, side: 'sell' }));
  rig.tick(6008, 4000);
}

/** Pixels of `rgb` on the canvases of one plot (read back from what uPlot drew). */
async function pixelsOf(page: Page, testId: string, rgb: readonly [number, number, number]): Promise<number> {
  return page.evaluate(`(() => {
    let n = 0;
    for (const canvas of document.querySelectorAll('[data-testid="${testId}"] canvas')) {
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0 || canvas.height === 0) continue;
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4)
        if (data[i] === ${String(rgb[0])} && data[i + 1] === ${String(rgb[1])} && data[i + 2] === ${String(rgb[2])}) n++;
    }
    return n;
  })()`);
}

const figure = (page: Page, field: string) => page.locator(`[data-field="${field}"] .kpi-value`);
const reason = (page: Page, field: string) => page.locator(`[data-field="${field}"] .kpi-why`);

describe('the performance view in a real browser', () => {
  let rig: DashboardEngine;
  let browser: Browser;
  const closers: (() => Promise<void>)[] = [];

  const open = async (viewport: { width: number; height: number } = DESKTOP) => {
    const { context, page } = await openDashboard(browser, `${rig.url}/#/performance`, viewport);
    closers.push(() => context.close());
    const reports: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/api/v1/report')) reports.push(new URL(request.url()).search);
    });
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await signIn(page, rig.tokens.viewer);
    await page.locator('[data-testid="key-figures"]').waitFor(POLL);
    return { page, reports, problems };
  };

  beforeAll(async () => {
    [rig, browser] = await Promise.all([DashboardEngine.start(), launchBrowser()]);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  });

  it("follows fills with the engine's figures, draws the curves, and shows – with the reason for a ratio of too few days", async () => {
    const { page, reports, problems } = await open();
    expect(await figure(page, 'trades').textContent()).toBe('0 (0 won, 0 lost)');
    expect(await figure(page, 'winRate').textContent()).toBe('–');
    expect(await reason(page, 'winRate').textContent()).toBe('no closed trade');

    // Fills on the live stream make the page read the figures again, without a reload.
    tradeADay(rig);
    await expect.poll(() => figure(page, 'trades').textContent(), POLL).toBe('2 (1 won, 1 lost)');
    const api = (await rig.api('/report?period=day')) as Json;
    expect(api.total.trades).toBe(2);
    expect(await figure(page, 'netPnl').textContent()).toBe(signedMoney(api.total.netPnl));
    expect(api.total.netPnl).toBe(471 - 658);
    expect(await figure(page, 'winRate').textContent()).toBe(`${(api.total.winRate * 100).toFixed(1)} %`);
    expect(await figure(page, 'profitFactor').textContent()).toBe(api.total.profitFactor.toFixed(2));
    expect(await figure(page, 'maxDrawdown').textContent()).toBe(signedMoney(-api.total.maxDrawdown));
    expect(await figure(page, 'slippage').textContent()).toBe('$12.50 cost on 1 contract');
    // One closing day: the API gives no Sharpe and says why; the page shows – and the reason.
    expect(api.total.sharpe).toEqual({ missing: '1 closing day, fewer than 20' });
    expect(await figure(page, 'sharpe').textContent()).toBe('–');
    expect(await reason(page, 'sharpe').textContent()).toBe('1 closing day, fewer than 20');
    expect(await figure(page, 'sortino').textContent()).toBe('–');
    expect(await page.locator('[data-testid="computed"]').textContent()).toContain(
      `computed ${new Date(api.computedAt / 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`,
    );

    // The curves are drawn on their canvases: equity (blue line), drawdown and the day's loss (red).
    await expect
      .poll(() => page.locator('[data-testid="equity-plot"]').getAttribute('data-points'), POLL)
      .toBe('3');
    await expect.poll(() => pixelsOf(page, 'equity-plot', [88, 166, 255]), POLL).toBeGreaterThan(50);
    await expect.poll(() => pixelsOf(page, 'drawdown-plot', [248, 81, 73]), POLL).toBeGreaterThan(50);
    await expect.poll(() => pixelsOf(page, 'daily-plot', [248, 81, 73]), POLL).toBeGreaterThan(50);
    expect(await page.locator('[data-testid="daily"] tbody tr').first().textContent()).toContain(
      signedMoney(api.daily[0].netPnl),
    );

    // Signal effectiveness by confidence and by source, at the longest horizon reached (1 h).
    const byConfidence = page.locator('[data-testid="signals-confidence"]');
    const high = api.signals.find(
      (s: Json) => s.dimension === 'confidence' && s.bucket === '0.7–0.8' && s.horizonSeconds === 3600,
    );
    expect(await byConfidence.locator('tr[data-bucket="0.7–0.8"]').textContent()).toContain(
      `${count(high.signals)}${count(high.hits)}${(high.hitRate * 100).toFixed(1)} %`,
    );
    expect(await page.locator('[data-testid="signals-source"] tbody th').allTextContents()).toEqual([
      'default.enigma',
      'trend.cross',
    ]);
    expect(await page.locator('[data-testid="slippage"] tr[data-account="SIM-50K"]').textContent()).toContain(
      '1.00 worse',
    );
    expect(reports.every((search) => search === '?period=day')).toBe(true);

    // The period's HTML report, as the engine renders it, saved as a file (the token never in a URL).
    const [download] = await Promise.all([
      page.waitForEvent('download', POLL),
      page.getByRole('button', { name: 'Download the HTML report (today)' }).click(),
    ]);
    expect(download.suggestedFilename()).toBe('enigma-report-day-today.html');
    const html = readFileSync(await download.path(), 'utf8');
    expect(html).toContain('<h1>Enigma-Apex report: 2026-11-24</h1>');
    expect(html).not.toMatch(/<script/i);
    await page
      .getByTestId('report-download-status')
      .getByText('Saved enigma-report-day-today.html')
      .waitFor(POLL);
    await page.screenshot({ path: join(ARTIFACTS, 'performance-desktop.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('switches the period from the keyboard: the request names the period and the figures are its own', async () => {
    const { page, reports } = await open();
    await expect.poll(() => figure(page, 'trades').textContent(), POLL).toBe('2 (1 won, 1 lost)');
    const month = page.getByRole('group', { name: 'Period' }).getByRole('button', { name: 'This month' });
    await month.focus();
    await page.keyboard.press('Enter');
    await expect.poll(() => month.getAttribute('aria-pressed'), POLL).toBe('true');
    expect(reports).toContain('?period=month');
    const api = (await rig.api('/report?period=month')) as Json;
    await expect
      .poll(() => page.locator('[data-testid="computed"]').textContent(), POLL)
      .toContain(`${api.period.label as string}:`);
    expect(await figure(page, 'netPnl').textContent()).toBe(signedMoney(api.total.netPnl));

    const week = page.getByRole('button', { name: 'This week' });
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Space');
    await expect.poll(() => week.getAttribute('aria-pressed'), POLL).toBe('true');
    expect(reports).toContain('?period=week');
    await expect
      .poll(() => page.locator('[data-testid="computed"]').textContent(), POLL)
      .toContain('week-2026-11-23:');
    // The horizon is a labelled control too.
    await page.getByLabel('Horizon').selectOption('60');
    expect(await page.locator('[data-testid="signals-source"] caption').textContent()).toContain('1 min');
  });

  it('fits a phone', async () => {
    const { page } = await open(PHONE);
    await expect.poll(() => figure(page, 'trades').textContent(), POLL).toBe('2 (1 won, 1 lost)');
    await expect.poll(() => pixelsOf(page, 'equity-plot', [88, 166, 255]), POLL).toBeGreaterThan(20);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, 'performance-phone.png'), fullPage: true });
  });
});
