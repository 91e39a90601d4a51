import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { Bar, Signal } from '../../src/core/events.js';
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

const ES = 'ES 12-26';
const MINUTE = 60_000_000;
const POLL = { timeout: 10_000 };

/** One-minute ES bars ending at T0, alternating up and down so both candle colours are drawn. */
function bars(n: number): Bar[] {
  return Array.from({ length: n }, (_, i) => {
    const ts = T0 - (n - i) * MINUTE;
    const open = 6000 + (i % 7);
    const close = i % 2 === 0 ? open + 2 : open - 2;
    return {
      symbol: ES,
      ts,
      end: ts + MINUTE,
      open,
      high: Math.max(open, close) + 1,
      low: Math.min(open, close) - 1,
      close,
      volume: 100,
      buyVolume: 50,
      sellVolume: 50,
      trades: 40,
      source: 'gateway:test',
    };
  });
}

/**
 * How many pixels of the chart's canvases are in each candle colour (#3fb950 up, #f85149 down),
 * and a digest of every pixel, read back from the canvases the chart drew on.
 */
async function canvasPixels(page: Page): Promise<{ up: number; down: number; digest: number }> {
  // A string, run in the page: the test's own TypeScript has no DOM types.
  return page.evaluate(`(() => {
    let up = 0, down = 0, digest = 0;
    for (const canvas of document.querySelectorAll('figure.chart canvas')) {
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0 || canvas.height === 0) continue;
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i], g = data[i + 1], b = data[i + 2];
        if (r === 63 && g === 185 && b === 80) up++;
        if (r === 248 && g === 81 && b === 73) down++;
        digest = (digest * 31 + r * 7 + g * 3 + b + i) % 1000000007;
      }
    }
    return { up, down, digest };
  })()`);
}

describe('the trading view in a real browser', () => {
  let rig: DashboardEngine;
  let browser: Browser;
  const closers: (() => Promise<void>)[] = [];

  const open = async (
    token: string,
    viewport: { width: number; height: number } = DESKTOP,
  ): Promise<Page> => {
    const { context, page } = await openDashboard(browser, `${rig.url}/#/trading`, viewport);
    closers.push(() => context.close());
    await signIn(page, token);
    await page.locator('[data-trading-live="true"]').waitFor();
    return page;
  };
  const workingOrders = async (): Promise<string[]> =>
    ((await rig.api('/orders')) as { items: { clientOrderId: string }[] }).items.map((o) => o.clientOrderId);

  beforeAll(async () => {
    [rig, browser] = await Promise.all([DashboardEngine.start(), launchBrowser()]);
    rig.tick(6000);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  });

  it('draws live candles from bars:<symbol> and puts a marker on the chart when a signal is published', async () => {
    const page = await open(rig.tokens.trader);
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));

    // A position makes the instrument known, so the page subscribes to its bars.
    rig.buy('SIM-50K', 1);
    const chart = page.locator(`figure.chart[data-symbol="${ES}"]`);
    await chart.waitFor(POLL);
    await page
      .locator('[data-testid="positions"] tr[data-account="SIM-50K"]')
      .getByText('long 1')
      .waitFor(POLL);
    const series = bars(30);
    // Published one by one, as the AddOn's gateway does: the page subscribed before, so all arrive.
    await expect
      .poll(async () => {
        for (const bar of series) rig.engine.bus.publish(TOPICS.bars, bar);
        return Number(await chart.getAttribute('data-bars'));
      }, POLL)
      .toBe(30);
    await expect.poll(async () => (await canvasPixels(page)).up, POLL).toBeGreaterThan(50);
    expect((await canvasPixels(page)).down).toBeGreaterThan(50);
    const markersBefore = Number(await chart.getAttribute('data-markers'));
    const before = await canvasPixels(page);

    const signal: Signal = {
      source: 'enigma',
      symbol: ES,
      ts: T0 - MINUTE / 2,
      direction: 'long',
      strength: 'strong',
      power: 17,
      confluence: 3,
      price: 6001,
      stop: 5995,
      targets: [6010],
    };
    rig.engine.bus.publish(TOPICS.signals, signal);
    await expect
      .poll(async () => Number(await chart.getAttribute('data-markers')), POLL)
      .toBeGreaterThan(markersBefore);
    await chart
      .locator('figcaption')
      .getByText(/entry 6001, stop 5995, target 1 6010/)
      .waitFor(POLL);
    // The marker and the lines are drawn on the canvas, not only counted.
    await expect.poll(async () => (await canvasPixels(page)).digest, POLL).not.toBe(before.digest);
    const row = page.locator('[data-testid="signals"] tbody tr').first();
    await expect.poll(() => row.textContent(), POLL).toContain('long');
    expect(await row.textContent()).toContain('3/4');
    // No intent was sized from this signal: the manual buy's decision (earlier, live) is not its.
    expect(await row.locator('[data-field="decision"]').textContent()).toBe('no order');

    await page.screenshot({ path: join(ARTIFACTS, 'trading-desktop.png'), fullPage: true });
    const phone = await open(rig.tokens.trader, PHONE);
    const phoneChart = phone.locator(`figure.chart[data-symbol="${ES}"]`);
    await phoneChart.waitFor(POLL);
    // `bars:<symbol>` starts with a snapshot: a page opened later draws the bars so far at once.
    await expect.poll(async () => Number(await phoneChart.getAttribute('data-bars')), POLL).toBe(30);
    await expect
      .poll(async () => {
        for (const bar of bars(30))
          rig.engine.bus.publish(TOPICS.bars, {
            ...bar,
            ts: bar.ts + 30 * MINUTE,
            end: bar.end + 30 * MINUTE,
          });
        return Number(await phoneChart.getAttribute('data-bars'));
      }, POLL)
      .toBe(60);
    await expect.poll(async () => Number(await chart.getAttribute('data-bars')), POLL).toBe(60);
    // The page fits the phone: wide tables scroll inside their panels, not the page sideways.
    expect(await phone.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await phone.screenshot({ path: join(ARTIFACTS, 'trading-phone.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('lists a working order and cancels it from the page; the engine no longer has it', async () => {
    const order = intent({ account: 'SIM-50K', type: 'limit', limitPrice: 5900, quantity: 1 });
    rig.engine.bus.publish(TOPICS.orderIntents, order);
    await expect.poll(workingOrders, POLL).toHaveLength(1);
    const [id] = await workingOrders();
    const page = await open(rig.tokens.trader);
    const row = page.locator(`[data-testid="orders"] tr[data-order="${id ?? ''}"]`);
    await row.waitFor(POLL);
    await row.getByRole('button', { name: `Cancel order ${id ?? ''}` }).click();
    await row.waitFor({ state: 'detached', ...POLL });
    expect(await workingOrders()).toEqual([]);
    expect(rig.engine.trading?.paper.workingOrders('SIM-50K')).toEqual([]);
  });

  it('shows a viewer the working orders but no Cancel button', async () => {
    rig.engine.bus.publish(
      TOPICS.orderIntents,
      intent({ account: 'SIM-TS', type: 'limit', limitPrice: 5900 }),
    );
    await expect.poll(workingOrders, POLL).toHaveLength(1);
    const page = await open(rig.tokens.viewer);
    await page.locator('[data-testid="orders"] tbody tr').first().waitFor(POLL);
    expect(await page.getByRole('button', { name: /^Cancel/ }).count()).toBe(0);
    // A trader on the same engine does see it: the button's absence is the viewer's role, not the page.
    const trader = await open(rig.tokens.trader);
    await trader
      .getByRole('button', { name: /^Cancel order/ })
      .first()
      .waitFor(POLL);
  });

  it('greys its panels when the engine stops and is live again by itself when a new engine starts', async () => {
    const page = await open(rig.tokens.viewer);
    await rig.stop();
    await page.locator('[data-trading-live="false"]').waitFor(POLL);
    expect(await page.locator('div.trading').getAttribute('class')).toContain('is-stale');
    await rig.startAgain();
    await page.locator('[data-trading-live="true"]').waitFor({ timeout: 20_000 });
    expect(await page.locator('div.trading').getAttribute('class')).not.toContain('is-stale');
  });
});
