import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { ReplayClock } from '../../src/core/clock.js';
import type { AlertSeverity } from '../../src/core/events.js';
import { preparePipeline } from '../../src/engine.js';
import { RawPeer } from '../gateway/harness.js';
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
const GATEWAY_TOKEN = 'dashboard-gateway-token-0123456789';

/**
 * A running pipeline `sys`: a simulated NQ market and 1-minute bars from it. The rig's engine runs
 * on a replay clock; it is moved on with the wall clock here, so the market ticks as it would live.
 * Returns what stops the clock.
 */
async function startPipeline(rig: DashboardEngine): Promise<() => void> {
  const folder = mkdtempSync(join(tmpdir(), 'enigma-system-view-'));
  const file = join(folder, 'sys.yaml');
  writeFileSync(
    file,
    [
      'id: sys',
      'steps:',
      '  - id: market',
      '    op: simulatedMarket',
      '    params: { seed: 7, instruments: [NQ 12-26], ticksPerSecond: 200, backfill: 0s }',
      '  - { id: bars, op: bars, from: market, params: { every: 1m } }',
      '',
    ].join('\n'),
  );
  rig.engine.add((await preparePipeline(file)).compiled);
  rig.engine.start();
  const clock = rig.engine.clock as ReplayClock;
  const from = { engine: clock.now(), wall: Date.now() };
  const timer = setInterval(() => clock.advanceTo(from.engine + (Date.now() - from.wall) * 1000), 50);
  return () => clearInterval(timer);
}

/** Pixels of the plot's canvas in the p50 (#58a6ff) and p99 (#d29922) colours, and all drawn ones. */
async function plotPixels(
  page: Page,
  pipeline: string,
): Promise<{ p50: number; p99: number; drawn: number }> {
  return page.evaluate(`(() => {
    let p50 = 0, p99 = 0, drawn = 0;
    for (const canvas of document.querySelectorAll('figure.latency-plot[data-pipeline="${pipeline}"] canvas')) {
      const context = canvas.getContext('2d');
      if (!context || canvas.width === 0 || canvas.height === 0) continue;
      const data = context.getImageData(0, 0, canvas.width, canvas.height).data;
      for (let i = 0; i < data.length; i += 4) {
        const r = data[i], g = data[i + 1], b = data[i + 2], a = data[i + 3];
        if (a > 0) drawn++;
        if (r === 88 && g === 166 && b === 255) p50++;
        if (r === 210 && g === 153 && b === 34) p99++;
      }
    }
    return { p50, p99, drawn };
  })()`);
}

describe('the system view in a real browser', () => {
  let rig: DashboardEngine;
  let browser: Browser;
  let stopClock: () => void = () => undefined;
  const closers: (() => Promise<void>)[] = [];

  const open = async (viewport: { width: number; height: number } = DESKTOP): Promise<Page> => {
    const { context, page } = await openDashboard(browser, `${rig.url}/#/system`, viewport);
    closers.push(() => context.close());
    await signIn(page, rig.tokens.viewer);
    await page.locator('[data-system-live="true"]').waitFor();
    return page;
  };
  const stepField = (page: Page, step: string, field: string) =>
    page.locator(`section[data-pipeline="sys"] tr[data-step="${step}"] [data-field="${field}"]`);
  const number = (text: string | null): number => Number(text?.replace(/,/g, ''));

  beforeAll(async () => {
    [rig, browser] = await Promise.all([DashboardEngine.start(), launchBrowser()]);
    stopClock = await startPipeline(rig);
  });
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  afterAll(async () => {
    stopClock();
    await browser?.close();
    await rig?.stop();
  });

  it("shows the running pipeline's steps with rates and latencies that change, and plots p50/p99 as points arrive", async () => {
    const page = await open();
    const problems: string[] = [];
    page.on('console', (message) => message.type() === 'error' && problems.push(message.text()));
    page.on('pageerror', (error) => problems.push(error.message));

    const rows = page.locator('section[data-pipeline="sys"] tbody tr');
    await expect
      .poll(() => rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-step'))), POLL)
      .toEqual(['market', 'bars']);
    const messagesIn = stepField(page, 'bars', 'in');
    await expect.poll(async () => number(await messagesIn.textContent()), POLL).toBeGreaterThan(0);
    const first = number(await messagesIn.textContent());
    await expect.poll(async () => number(await messagesIn.textContent()), POLL).toBeGreaterThan(first);
    await expect
      .poll(async () => number(await stepField(page, 'bars', 'in-rate').textContent()), POLL)
      .toBeGreaterThan(0);
    await expect
      .poll(() => stepField(page, 'bars', 'p99').textContent(), POLL)
      .toMatch(/^[\d.]+ (ns|µs|ms)$/);

    const plot = page.locator('figure.latency-plot[data-pipeline="sys"]');
    const points = async (): Promise<number> => Number(await plot.getAttribute('data-points'));
    await expect.poll(points, POLL).toBeGreaterThanOrEqual(2);
    // Both lines are drawn on the canvas, in their own colours.
    const drawn = async (): Promise<boolean> => {
      const pixels = await plotPixels(page, 'sys');
      return pixels.p50 > 0 && pixels.p99 > 0;
    };
    await expect.poll(drawn, POLL).toBe(true);
    // Each status adds a point, and the line grows with it.
    const before = { points: await points(), p50: (await plotPixels(page, 'sys')).p50 };
    await expect.poll(points, POLL).toBeGreaterThan(before.points + 1);
    await expect.poll(async () => (await plotPixels(page, 'sys')).p50, POLL).toBeGreaterThan(before.p50);
    // The plot is labelled with its figures in words, not only drawn.
    await expect
      .poll(() => page.getByRole('img', { name: /^Latency of sys: latest p50 .+, p99 .+/ }).count(), POLL)
      .toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'system-desktop.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('lists a frame the gateway refused with its reason, and the AddOn session beside the store backlog', async () => {
    const page = await open();
    const { peer } = await RawPeer.open(`ws://127.0.0.1:${String(rig.port)}/v1/stream`, {
      token: GATEWAY_TOKEN,
    }).then(async (opened) => {
      const welcome = opened.next('welcome');
      opened.send({
        type: 'hello',
        seq: 0,
        ts: 1,
        protocol: 1,
        client: { name: 'system-view-test', version: '1' },
        accounts: ['Sim101'],
        last_seq: 0,
      });
      await welcome;
      return { peer: opened };
    });
    closers.push(async () => peer.close());
    peer.send('{"type":"tick","seq":1,');
    await peer.next('error', (error) => error.code === 'GATEWAY_NOT_JSON');

    const row = page.locator('[data-testid="dead-letters"] li[data-code="GATEWAY_NOT_JSON"]').first();
    await row.waitFor(POLL);
    expect(await row.locator('[data-field="reason"]').textContent()).toMatch(/not JSON/);
    expect(await row.locator('[data-field="origin"]').textContent()).toMatch(/^gateway/);
    expect(await row.locator('.payload code').textContent()).toBe('{"type":"tick","seq":1,');
    // A step's dead letter (as a pipeline step reports one on the bus) shows beside that step too.
    rig.engine.bus.publish(TOPICS.deadLetters, {
      ts: rig.engine.clock.now(),
      origin: 'sys.bars',
      code: 'STEP_FAILED',
      reason: 'a tick from before the current bar',
      message: { symbol: 'NQ 12-26' },
    });
    await stepField(page, 'bars', 'last-reason')
      .getByText('a tick from before the current bar')
      .waitFor(POLL);
    expect(await stepField(page, 'market', 'last-reason').textContent()).toBe('—');
    await page.locator('[data-field="gateway"]').getByText('Sim101').waitFor(POLL);
    expect(await page.locator('[data-field="store-backlog"]').textContent()).toMatch(/^\d[\d,]* rows/);
  });

  it('shows an alert raised in the engine at the top of the feed without a reload, its severity in words', async () => {
    const page = await open();
    const raise = (severity: AlertSeverity, code: string, message: string): void =>
      rig.engine.bus.publish(TOPICS.alerts, {
        ts: rig.engine.clock.now(),
        severity,
        code,
        message,
        account: 'SIM-50K',
      });
    raise('warning', 'TEST_SYSTEM_WARNING', 'the store is slow');
    await page.locator('[data-testid="alerts"] li[data-code="TEST_SYSTEM_WARNING"]').waitFor(POLL);
    raise('critical', 'TEST_SYSTEM_CRITICAL', 'the feed went quiet');
    const newest = page.locator('[data-testid="alerts"] li').first();
    await expect.poll(() => newest.getAttribute('data-code'), POLL).toBe('TEST_SYSTEM_CRITICAL');
    expect(await newest.locator('.severity').textContent()).toContain('CRITICAL');
    expect(await newest.textContent()).toContain('the feed went quiet (SIM-50K)');
    const warning = page.locator('[data-testid="alerts"] li[data-code="TEST_SYSTEM_WARNING"]');
    expect(await warning.locator('.severity').textContent()).toContain('WARNING');
  });

  it('marks the figures NOT live when the stream drops, and is reached by keyboard from another view', async () => {
    const { context, page } = await openDashboard(browser, `${rig.url}/#/overview`, DESKTOP);
    closers.push(() => context.close());
    await signIn(page, rig.tokens.viewer);
    const link = page.getByRole('link', { name: 'System', exact: true });
    await link.focus();
    await page.keyboard.press('Enter');
    await page.locator('[data-system-live="true"]').waitFor(POLL);
    expect(page.url()).toBe(`${rig.url}/#/system`);

    await page.routeWebSocket(/\/api\/v1\/stream/, (ws) => ws.close({ code: 1006 }));
    await page.evaluate('window.dispatchEvent(new Event("offline"))');
    await page.locator('[data-system-live="false"]').waitFor(POLL);
    await page
      .getByTestId('system-as-of')
      .getByText(/^NOT live: figures below are from /)
      .waitFor();
    expect(await page.locator('.system-figures.is-stale').count()).toBeGreaterThan(0);
    await page
      .getByText(/NOT live: last figures from/)
      .first()
      .waitFor();
  });

  it('fits a phone without sideways scrolling', async () => {
    const page = await open(PHONE);
    await page.locator('figure.latency-plot[data-pipeline="sys"] canvas').first().waitFor(POLL);
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(PHONE.width);
    await page.screenshot({ path: join(ARTIFACTS, 'system-phone.png'), fullPage: true });
  });
});
