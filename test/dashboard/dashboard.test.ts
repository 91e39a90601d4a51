import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  accountField,
  ACCOUNTS,
  ARTIFACTS,
  DashboardEngine,
  DESKTOP,
  launchBrowser,
  openDashboard,
  PHONE,
  signIn,
} from './dashboard-rig.js';

type Json = { items: { id: string; state: string }[] };
/** Page figures change on the engine's schedule (status once a second): wait for them, within reason. */
const POLL = { timeout: 10_000 };

describe('the dashboard in a real browser', () => {
  let rig: DashboardEngine;
  let browser: Browser;
  const closers: (() => Promise<void>)[] = [];

  const open = async (viewport: { width: number; height: number } = DESKTOP): Promise<Page> => {
    const { context, page } = await openDashboard(browser, rig.url, viewport);
    closers.push(() => context.close());
    return page;
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

  it('signs in with a token kept in session storage, never in the URL, and shows live figures that change', async () => {
    rig.tick(6000);
    rig.buy('SIM-50K', 1);
    const page = await open();
    // A CSP violation or a script error shows up here: the page must run clean under its policy.
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));
    await signIn(page, rig.tokens.admin);
    expect(page.url()).not.toContain(rig.tokens.admin);
    expect(await page.evaluate('sessionStorage.getItem("enigma.token")')).toBe(rig.tokens.admin);
    for (const account of ACCOUNTS) await accountField(page, account, 'state').getByText('ACTIVE').waitFor();

    const equity = accountField(page, 'SIM-50K', 'equity');
    const dollars = (text: string | null): number => Number(text?.replace(/[$,]/g, ''));
    const engineEquity = async (): Promise<number> =>
      ((await rig.api('/accounts/SIM-50K')) as { equity: number }).equity;
    const before = dollars(await equity.textContent());
    expect(before).toBeCloseTo(await engineEquity(), 2);
    // The market falls 4 points under the long ES: the card follows without a reload, to the cent
    // of what the engine reports, and today's P&L turns negative (its sign written, not only red).
    rig.tick(5996, 1);
    await expect.poll(async () => dollars(await equity.textContent()), POLL).toBeLessThan(before);
    expect(dollars(await equity.textContent())).toBeCloseTo(await engineEquity(), 2);
    expect(before - dollars(await equity.textContent())).toBeGreaterThanOrEqual(200);
    await expect.poll(() => accountField(page, 'SIM-50K', 'daily-pnl').textContent(), POLL).toMatch(/^−\$/);

    // The engine's status arrives once a second: the uptime moves on its own.
    const uptime = page.locator('[data-field="uptime"]');
    const first = await uptime.textContent();
    await expect.poll(() => uptime.textContent(), POLL).not.toBe(first);
    await page.screenshot({ path: join(ARTIFACTS, 'overview-desktop.png') });
    expect(problems).toEqual([]);
  });

  it('refuses a wrong token with a clear message and keeps nothing', async () => {
    const page = await open();
    await page.getByLabel('Access token').fill('enk_not-a-token-of-this-engine');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('The engine does not accept this token.').waitFor();
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    expect(await page.locator('main[data-live]').count()).toBe(0);
  });

  it('measures the first paint and the time to live figures (reported, not asserted)', async () => {
    const page = await open();
    await signIn(page, rig.tokens.viewer);
    // Reload with the token in session storage: the overview itself is the first thing painted.
    await page.reload();
    await page.locator('main[data-live="true"]').waitFor();
    const figures = (await page.evaluate(`({
      firstContentfulPaintMs: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null,
      liveFiguresMs: performance.now(),
    })`)) as { firstContentfulPaintMs: number | null; liveFiguresMs: number };
    expect(figures.firstContentfulPaintMs).toBeGreaterThan(0);
    writeFileSync(join(ARTIFACTS, 'first-paint.json'), `${JSON.stringify(figures, null, 2)}\n`);
    console.log(`dashboard first paint ${JSON.stringify(figures)}`);
  });

  it('halts every account with the emergency stop after one confirmation, and Resume brings them back (keyboard only)', async () => {
    rig.tick(6000, 2);
    rig.buy('SIM-TS', 1);
    expect(rig.position('SIM-TS')).toBe(1);
    expect(rig.position('SIM-50K')).toBe(1); // bought in the first test
    const page = await open();
    await signIn(page, rig.tokens.admin);

    const stop = page.getByRole('button', { name: /^STOP ALL: emergency stop/ });
    await stop.focus();
    await page.keyboard.press('Enter');
    // One confirmation step, focused; Escape backs out without sending anything.
    const confirm = page.getByRole('button', { name: 'Confirm: halt all' });
    await expect
      .poll(() => confirm.evaluate((element) => element === element.ownerDocument.activeElement), POLL)
      .toBe(true);
    await page.keyboard.press('Escape');
    await stop.waitFor();
    expect(((await rig.api('/accounts')) as Json).items.map((a) => a.state)).toEqual(['ACTIVE', 'ACTIVE']);

    await stop.focus();
    await page.keyboard.press('Enter');
    await expect
      .poll(() => confirm.evaluate((element) => element === element.ownerDocument.activeElement), POLL)
      .toBe(true);
    await page.keyboard.press('Enter');
    await page
      .getByTestId('estop-result')
      .getByText(/^Emergency stop: /)
      .waitFor();
    // Checked where it counts: the engine's API and the paper broker's book.
    const accounts = (await rig.api('/accounts')) as Json;
    expect(accounts.items.map((a) => [a.id, a.state])).toEqual([
      ['SIM-50K', 'HALTED'],
      ['SIM-TS', 'HALTED'],
    ]);
    expect(rig.position('SIM-50K')).toBe(0);
    expect(rig.position('SIM-TS')).toBe(0);
    for (const account of ACCOUNTS) await accountField(page, account, 'state').getByText('HALTED').waitFor();
    await accountField(page, 'SIM-50K', 'halt')
      .getByText(/emergency stop from the dashboard/)
      .waitFor();
    // A halt leaves no room to size orders, but the gauge shows how far the rules' limit still is.
    const ts = (await rig.api('/accounts/SIM-TS')) as { equity: number; threshold: number };
    const distance = (ts.equity - ts.threshold).toLocaleString('en-US', { minimumFractionDigits: 2 });
    await accountField(page, 'SIM-TS', 'SIM-TS-drawdown')
      .getByText(`$${distance} of $2,000.00 left`)
      .waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'overview-halted.png') });

    const resume = page.getByRole('button', { name: /^Resume/ });
    await resume.focus();
    await page.keyboard.press('Enter');
    await page
      .getByTestId('estop-result')
      .getByText(/^Resume: /)
      .waitFor();
    expect(((await rig.api('/accounts')) as Json).items.map((a) => a.state)).toEqual(['ACTIVE', 'ACTIVE']);
    for (const account of ACCOUNTS) await accountField(page, account, 'state').getByText('ACTIVE').waitFor();
  });

  it('stops everything by a plain API call while the live stream is down', async () => {
    const page = await open();
    await signIn(page, rig.tokens.admin);
    // From here on the page's stream connections go nowhere: the page knows it is not live.
    await page.routeWebSocket(/\/api\/v1\/stream/, (ws) => ws.close({ code: 1006 }));
    await page.evaluate('window.dispatchEvent(new Event("offline"))');
    await page.locator('main[data-live="false"]').waitFor();
    await page.getByRole('button', { name: /^STOP ALL: emergency stop/ }).click();
    await page.getByRole('button', { name: 'Confirm: halt all' }).click();
    await page
      .getByTestId('estop-result')
      .getByText(/^Emergency stop: /)
      .waitFor();
    expect(((await rig.api('/accounts')) as Json).items.map((a) => a.state)).toEqual(['HALTED', 'HALTED']);
    await page.getByRole('button', { name: /^Resume/ }).click();
    await page
      .getByTestId('estop-result')
      .getByText(/^Resume: /)
      .waitFor();
    expect(((await rig.api('/accounts')) as Json).items.map((a) => a.state)).toEqual(['ACTIVE', 'ACTIVE']);
  });

  it('shows a viewer no controls, and neither a trader (halting is for admins)', async () => {
    for (const role of ['viewer', 'trader'] as const) {
      const page = await open();
      await signIn(page, rig.tokens[role]);
      await page.getByTestId('who').getByText(`(${role})`).waitFor();
      expect(await page.getByRole('button', { name: /STOP ALL|Emergency stop|Resume|Confirm/ }).count()).toBe(
        0,
      );
      expect(await page.getByRole('button').allTextContents()).toEqual(['Sign out']);
    }
  });

  it('fits a phone: no sideways scrolling, the emergency stop on screen', async () => {
    const page = await open(PHONE);
    await signIn(page, rig.tokens.admin);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    const box = await page.getByRole('button', { name: /^STOP ALL: emergency stop/ }).boundingBox();
    expect(box && box.y + box.height <= PHONE.height && box.x + box.width <= PHONE.width).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'overview-phone.png') });
    // The confirmation fits the phone too, and Cancel sends nothing.
    await page.getByRole('button', { name: /^STOP ALL: emergency stop/ }).click();
    const confirm = await page.getByRole('button', { name: 'Confirm: halt all' }).boundingBox();
    expect(
      confirm && confirm.x + confirm.width <= PHONE.width && confirm.y + confirm.height <= PHONE.height,
    ).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'confirm-phone.png') });
    await page.getByRole('button', { name: 'Cancel' }).click();
    expect(((await rig.api('/accounts')) as Json).items.map((a) => a.state)).toEqual(['ACTIVE', 'ACTIVE']);
  });

  it('gives each view its own URL and keeps the emergency stop on all of them', async () => {
    const page = await open();
    await signIn(page, rig.tokens.admin);
    await page.goto(`${rig.url}/#/trading`);
    await page.getByRole('heading', { name: 'Trading', exact: true }).waitFor();
    await page.getByRole('button', { name: /^STOP ALL: emergency stop/ }).waitFor();
    await page.getByRole('link', { name: 'Overview' }).first().click();
    expect(page.url()).toBe(`${rig.url}/#/overview`);
    await accountField(page, 'SIM-50K', 'state').waitFor();
    await page.getByRole('button', { name: /^STOP ALL: emergency stop/ }).waitFor();
  });

  it('says "disconnected" at once when the engine stops, and recovers by itself when it returns', async () => {
    const page = await open();
    await signIn(page, rig.tokens.viewer);
    await rig.stop();
    // Said on the engine's close frame, not after the 3 s silence watchdog.
    await page
      .getByTestId('banner')
      .getByText(/Disconnected from the engine \(STREAM_SHUTTING_DOWN\)/)
      .waitFor();
    await page
      .getByTestId('banner')
      .getByText(/are NOT live/)
      .waitFor();
    expect(await page.getByTestId('connection').textContent()).toContain('Disconnected');
    expect(await page.locator('main').getAttribute('data-live')).toBe('false');
    await page.screenshot({ path: join(ARTIFACTS, 'overview-disconnected.png') });

    await rig.startAgain();
    await page.locator('main[data-live="true"]').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('connection').textContent()).toContain('Live');
    expect(await page.getByTestId('banner').count()).toBe(0);
  });
});
