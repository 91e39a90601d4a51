import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDefaultRun, type DefaultRun } from '../server/stream/default-run.js';
import { ARTIFACTS, DESKTOP, launchBrowser, openDashboard, signIn } from './dashboard-rig.js';

const INSTRUMENTS = ['ES 12-26', 'NQ 12-26', 'CL 01-27'] as const;
const POLL = { timeout: 15_000 };

/** Pixels of the chart canvases in the up (#3fb950) and down (#f85149) candle colours. */
async function candlePixels(page: Page, symbol: string): Promise<{ up: number; down: number }> {
  // A string, run in the page: the test's own TypeScript has no DOM types.
  return page.evaluate(`(() => {
    let up = 0, down = 0;
    const figure = document.querySelector('figure.chart[data-symbol=${JSON.stringify(symbol)}]');
    for (const canvas of figure ? figure.querySelectorAll('canvas') : []) {
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0 || canvas.height === 0) continue;
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i] === 63 && data[i + 1] === 185 && data[i + 2] === 80) up++;
        if (data[i] === 248 && data[i + 1] === 81 && data[i + 2] === 73) down++;
      }
    }
    return { up, down };
  })()`);
}

describe('the trading view on the default pipeline (npm start -- --listen)', () => {
  let run: DefaultRun;
  let browser: Browser;

  beforeAll(async () => {
    [run, browser] = await Promise.all([startDefaultRun(), launchBrowser()]);
  });
  afterAll(async () => {
    await browser?.close();
    await run?.stop();
  });

  it('draws each instrument’s candles at once from the snapshot, and adds bars as they close', async () => {
    // Opened mid-session: the backfill's half hour of bars is behind us.
    await Promise.all(INSTRUMENTS.map((symbol) => run.barsOf(symbol, 20)));
    const { context, page } = await openDashboard(browser, `${run.url}/#/trading`, DESKTOP);
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    try {
      await signIn(page, run.viewerToken);
      await page.locator('[data-trading-live="true"]').waitFor();
      // The instruments are learnt from the recent signals; each chart gets its bars' snapshot.
      for (const symbol of INSTRUMENTS) {
        const chart = page.locator(`figure.chart[data-symbol="${symbol}"]`);
        await expect
          .poll(async () => Number(await chart.getAttribute('data-bars')), POLL)
          .toBeGreaterThanOrEqual(20);
        await expect.poll(async () => (await candlePixels(page, symbol)).up, POLL).toBeGreaterThan(50);
        expect((await candlePixels(page, symbol)).down).toBeGreaterThan(50);
      }
      // At 20× a minute closes about every 3 s: the chart grows without a reload.
      const es = page.locator(`figure.chart[data-symbol="${INSTRUMENTS[0]}"]`);
      const drawn = Number(await es.getAttribute('data-bars'));
      await expect.poll(async () => Number(await es.getAttribute('data-bars')), POLL).toBeGreaterThan(drawn);
      await page.screenshot({ path: join(ARTIFACTS, 'trading-default-desktop.png') });
      expect(problems).toEqual([]);
    } finally {
      await context.close();
    }
  }, 90_000);
});
