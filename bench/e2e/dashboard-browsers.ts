import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';

/** Debian's chromium (`.ci/run` installs it); ENIGMA_CHROMIUM points elsewhere, as in the browser tests. */
export const CHROMIUM = process.env['ENIGMA_CHROMIUM'] ?? '/usr/bin/chromium';

export function chromiumInstalled(): boolean {
  return existsSync(CHROMIUM);
}

/** The views the two browsers keep open: the Overview and the Trading view. */
export const DASHBOARD_VIEWS = ['#/overview', '#/trading'] as const;

export interface DashboardBrowsers {
  /** First contentful paint of each signed-in view (ms after navigation), in DASHBOARD_VIEWS order. */
  readonly firstPaintsMs: readonly (number | null)[];
  /** Closes both browsers; resolves with the script errors the pages reported meanwhile. */
  close(): Promise<string[]>;
}

/**
 * Two headless Chromium browsers (two processes, as two people's screens), each signed in on the
 * engine's dashboard with `token`, one on the Overview and one on the Trading view, live (their
 * stream snapshots have come). Each view is reloaded once signed in, so its first paint is the
 * signed-in view's, as the browser test measures it.
 */
export async function openDashboardBrowsers(url: string, token: string): Promise<DashboardBrowsers> {
  const browsers: Browser[] = [];
  const errors: string[] = [];
  try {
    const firstPaintsMs: (number | null)[] = [];
    for (const view of DASHBOARD_VIEWS) {
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        headless: true,
        args: ['--no-sandbox'],
      });
      browsers.push(browser);
      const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
      const page = await context.newPage();
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`${url}/${view}`);
      await page.getByLabel('Access token').fill(token);
      await page.keyboard.press('Enter');
      await live(page, view);
      await page.reload();
      await live(page, view);
      firstPaintsMs.push(
        (await page.evaluate(
          `performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null`,
        )) as number | null,
      );
    }
    return {
      firstPaintsMs,
      async close() {
        await Promise.all(browsers.map((browser) => browser.close()));
        return errors;
      },
    };
  } catch (error) {
    await Promise.all(browsers.map((browser) => browser.close()));
    throw error;
  }
}

/** Waits until the view shows live figures (its stream snapshots have come). */
async function live(page: Page, view: string): Promise<void> {
  await page.locator('main[data-live="true"]').waitFor({ timeout: 30_000 });
  if (view === '#/trading') await page.locator('[data-trading-live="true"]').waitFor({ timeout: 30_000 });
}
