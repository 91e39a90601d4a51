import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { ReplayClock } from '../../src/core/clock.js';
import type { AuditEntry } from '../../src/core/events.js';
import { intent } from '../execution/execution-helpers.js';
import {
  ARTIFACTS,
  DashboardEngine,
  DESKTOP,
  launchBrowser,
  openDashboard,
  PHONE,
  signIn,
} from './dashboard-rig.js';
import type { Role } from '../../src/server/auth/roles.js';

type Decision = { intentId: string; outcome: string; by: string | null; code: string | null };
const POLL = { timeout: 10_000 };
const MICROS_PER_SECOND = 1_000_000;

describe('the Risk & compliance view in a real browser', () => {
  let rig: DashboardEngine;
  let browser: Browser;
  const audit: AuditEntry[] = [];
  const closers: (() => Promise<void>)[] = [];

  const clock = (): ReplayClock => rig.engine.clock as ReplayClock;
  /** An intent the engine sees now (its clock), so the risk gate never finds it stale. */
  const propose = (overrides: Parameters<typeof intent>[0] = {}) => {
    const order = intent({ ts: clock().now(), ...overrides });
    rig.engine.bus.publish(TOPICS.orderIntents, order);
    return order;
  };
  const send = async (method: string, path: string, role: Role, body?: unknown): Promise<Response> =>
    fetch(`${rig.url}/api/v1${path}`, {
      method,
      headers: { authorization: `Bearer ${rig.tokens[role]}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const openRisk = async (
    role: Role,
    viewport: { width: number; height: number } = DESKTOP,
  ): Promise<Page> => {
    const { context, page } = await openDashboard(browser, rig.url, viewport);
    closers.push(() => context.close());
    await signIn(page, rig.tokens[role]);
    await page.getByRole('link', { name: 'Risk & compliance' }).click();
    await page.getByRole('heading', { name: /^Pending proposals/ }).waitFor();
    return page;
  };
  const card = (page: Page, id: string) => page.locator(`[data-proposal="${id}"]`);

  beforeAll(async () => {
    [rig, browser] = await Promise.all([DashboardEngine.start(), launchBrowser()]);
    rig.engine.bus.observe(TOPICS.audit).subscribe((entry) => audit.push(entry));
    rig.tick(6000);
    const mode = await send('PUT', '/accounts/SIM-50K/mode', 'trader', { mode: 'confirm' });
    expect(mode.status).toBe(200);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(async () => {
    await browser?.close();
    await rig?.stop();
  });

  it('shows a proposal with its countdown; Confirm from the page sends the order to the paper broker', async () => {
    const page = await openRisk('trader');
    expect(page.url()).toBe(`${rig.url}/#/risk`);
    // Proposed while the page is open: it arrives through the stream's decisions, not a reload.
    const order = propose({ quantity: 1 });
    expect(rig.position('SIM-50K')).toBe(0);
    await card(page, order.id).getByText('buy 1 ES 12-26 market').waitFor();
    // The engine's clock has not moved since the intent: the full two minutes are left.
    expect(await card(page, order.id).locator('[data-field="countdown"]').textContent()).toBe('2:00 left');
    await page.screenshot({ path: join(ARTIFACTS, 'risk-desktop.png') });

    const confirm = page.getByRole('button', { name: `Confirm: buy 1 ES 12-26 market on SIM-50K` });
    await confirm.focus();
    await page.keyboard.press('Enter');
    await page
      .getByTestId('proposal-result')
      .getByText(/^Confirm buy 1 ES 12-26 market on SIM-50K: /)
      .waitFor();
    expect(rig.position('SIM-50K')).toBe(1);
    const positions = (await rig.api('/positions')) as { items: { account: string; quantity: number }[] };
    expect(positions.items.filter((p) => p.account === 'SIM-50K').map((p) => p.quantity)).toEqual([1]);
    await card(page, order.id).waitFor({ state: 'detached' });
    const confirmed = page.locator(`tr[data-decision="${order.id}"][data-outcome="confirmed"]`);
    expect(await confirmed.locator('[data-field="by"]').textContent()).toBe('trader-desk');
    expect(audit.filter((entry) => entry.target === order.id)).toMatchObject([
      { action: 'confirm', principal: 'trader-desk', role: 'trader', outcome: 'ok' },
    ]);
  });

  it('rejects a proposal from the page: it is gone, decided `rejected` by the token, in the audit', async () => {
    const order = propose({ quantity: 2, side: 'sell', type: 'limit', limitPrice: 6010 });
    const page = await openRisk('trader');
    await card(page, order.id).waitFor();
    await page.getByRole('button', { name: 'Reject: sell 2 ES 12-26 limit 6010 on SIM-50K' }).click();
    await card(page, order.id).waitFor({ state: 'detached' });
    expect(((await rig.api('/proposals')) as { items: unknown[] }).items).toEqual([]);
    await page
      .locator(`tr[data-decision="${order.id}"][data-outcome="rejected"]`)
      .locator('[data-field="by"]')
      .getByText('trader-desk', { exact: true })
      .waitFor();
    await rig.engine.store?.flush();
    const decisions = ((await rig.api('/decisions')) as { items: Decision[] }).items;
    expect(decisions.find((d) => d.intentId === order.id && d.outcome === 'rejected')?.by).toBe(
      'trader-desk',
    );
    expect(audit.filter((entry) => entry.target === order.id)).toMatchObject([
      { action: 'reject', principal: 'trader-desk', outcome: 'ok' },
    ]);
    expect(rig.position('SIM-50K')).toBe(1); // the rejected sell never reached the broker
  });

  it('shows a viewer the proposals and the rules but no Confirm or Reject', async () => {
    const order = propose({ quantity: 1 });
    const page = await openRisk('viewer');
    await card(page, order.id)
      .getByText(/\d:\d\d left/)
      .waitFor();
    expect(await page.getByRole('button', { name: /Confirm|Reject/ }).count()).toBe(0);
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign out']);
    // The rules are there for a viewer too, each limit beside its live value, in words.
    const contracts = page.locator('[data-rules-account="SIM-50K"] tr[data-rule="contracts"]');
    await contracts.locator('[data-field="live"]').getByText('1 open').waitFor();
    expect(await contracts.locator('[data-field="standing"]').textContent()).toMatch(/within|close/);
    await page.screenshot({ path: join(ARTIFACTS, 'risk-viewer.png') });
    expect((await send('POST', `/proposals/${order.id}/reject`, 'trader')).status).toBe(200);
    await card(page, order.id).waitFor({ state: 'detached' });
  });

  it('logs a denied intent with its reason and the numbers behind it', async () => {
    const page = await openRisk('viewer');
    const order = propose({ account: 'SIM-TS', quantity: 40 });
    const row = page.locator(`tr[data-decision="${order.id}"][data-outcome="denied"]`);
    await row.waitFor();
    expect(await row.locator('[data-field="reason"]').textContent()).toMatch(/^CONTRACT_LIMIT /);
    expect(await row.locator('[data-field="outcome"]').textContent()).toBe('✕ denied');
    await rig.engine.store?.flush();
    const stored = ((await rig.api('/decisions')) as { items: Decision[] }).items;
    expect(stored.find((d) => d.intentId === order.id)).toMatchObject({
      outcome: 'denied',
      code: 'CONTRACT_LIMIT',
    });
    expect(rig.position('SIM-TS')).toBe(0);
  });

  it('keeps the halt history: who halted which account and why, then the resume', async () => {
    const page = await openRisk('viewer');
    const halt = await send('POST', '/accounts/SIM-TS/halt', 'admin', { reason: 'news at 14:30' });
    expect(halt.status).toBe(200);
    const halted = page.locator('li[data-halt="halted"]').filter({ hasText: 'SIM-TS' });
    await halted.getByText(/halted \(\w+\) by admin-desk: news at 14:30/).waitFor();
    await page.locator('[data-rules-account="SIM-TS"] [data-field="state"]').getByText('HALTED').waitFor();
    expect((await send('POST', '/accounts/SIM-TS/resume', 'admin')).status).toBe(200);
    await page
      .locator('li[data-halt="resumed"]')
      .filter({ hasText: 'SIM-TS' })
      .getByText('resumed, now ACTIVE')
      .waitFor();
    expect(await halted.count()).toBe(1);
  });

  it('fits a phone without sideways scrolling', async () => {
    const order = propose({ quantity: 1 });
    const page = await openRisk('trader', PHONE);
    await card(page, order.id).waitFor();
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    const box = await page.getByRole('button', { name: /^Confirm: / }).boundingBox();
    expect(box && box.x + box.width <= PHONE.width).toBe(true);
    await page.screenshot({ path: join(ARTIFACTS, 'risk-phone.png'), fullPage: true });
    expect((await send('POST', `/proposals/${order.id}/reject`, 'trader')).status).toBe(200);
  });

  it('never counts below zero: past its expiry by the engine clock a proposal reads "expired" and cannot be confirmed', async () => {
    const order = propose({ quantity: 1 });
    const page = await openRisk('trader');
    await card(page, order.id)
      .getByText(/\d:\d\d left/)
      .waitFor();
    // The engine's clock moves 3 minutes on (no tick, so the engine has not swept the proposal yet).
    clock().advanceTo(clock().now() + 180 * MICROS_PER_SECOND);
    const countdown = card(page, order.id).locator('[data-field="countdown"]');
    await expect.poll(() => countdown.textContent(), POLL).toBe('expired');
    expect(await page.getByRole('button', { name: /^Confirm: / }).isDisabled()).toBe(true);
    // The engine agrees: confirming it now is refused, nothing reaches the broker.
    const late = await send('POST', `/proposals/${order.id}/confirm`, 'trader');
    expect(late.status).toBe(409);
    expect(rig.position('SIM-50K')).toBe(1);
  });
  it('follows decisions again after the engine comes back: a new proposal shows without a reload', async () => {
    const page = await openRisk('viewer');
    await rig.stop();
    await page.locator('main[data-live="false"]').waitFor();
    await rig.startAgain();
    await page.locator('main[data-live="true"]').waitFor({ timeout: 20_000 });
    rig.tick(6000);
    expect((await send('PUT', '/accounts/SIM-50K/mode', 'trader', { mode: 'confirm' })).status).toBe(200);
    const order = propose({ quantity: 1 });
    await card(page, order.id).getByText('2:00 left').waitFor();
    await page.locator(`tr[data-decision="${order.id}"][data-outcome="proposed"]`).waitFor();
  });
});
