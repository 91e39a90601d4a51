// Renders the tearsheet of a demonstration store (four years of an ES trend strategy that trades
// a few times a year, the same shape as the report tests) and photographs it in headless Chromium
// at desktop (1280 px) and phone (390 px) widths: docs/images/tearsheet-{desktop,phone}.png.
// Documentation tooling, not a benchmark, so it lives in scripts/. Runs dist/: `npm run build:ts` first.
//
//   node scripts/screenshot-report.mjs [--chromium /usr/bin/chromium]
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { ALL_TIME } from '../dist/analytics/period.js';
import { openReadOnly } from '../dist/reports/open-database.js';
import { writeReport } from '../dist/reports/write-report.js';
import { loadRuleProfile } from '../dist/risk/load-rule-profile.js';
import { Store } from '../dist/store/store.js';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const { values } = parseArgs({ options: { chromium: { type: 'string', default: '/usr/bin/chromium' } } });
const SYMBOL = 'ES 03-27';
const HOUR_MS = 3_600_000;

/** A seeded generator: the same pictures on every run. */
function random(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function demoStore(file) {
  const next = random(21);
  const store = await Store.open(file);
  let price = 4000;
  let position = 0;
  let holdUntil = 0;
  let waitUntil = 10;
  let weekday = 0;
  let n = 0;
  let first = true;
  for (let dayMs = Date.UTC(2021, 0, 4); dayMs < Date.UTC(2025, 0, 1); dayMs += 24 * HOUR_MS) {
    const dow = new Date(dayMs).getUTCDay();
    if (dow === 0 || dow === 6) continue;
    weekday++;
    for (const hour of [14.5, 18, 20.5]) {
      const before = price;
      price = Math.max(100, Math.round((price + (next() - 0.485) * 30) * 4) / 4);
      const ts = (dayMs + hour * HOUR_MS) * 1000;
      store.writeTick({ symbol: SYMBOL, ts, price, size: 1, bid: price - 0.25, ask: price, side: 'buy' });
      if (hour !== 18) continue;
      const fill = (side) => {
        n++;
        store.writeFill({
          fillId: `f${n}`,
          clientOrderId: `o${n}`,
          account: 'SIM-50K',
          symbol: SYMBOL,
          ts: ts + 1,
          side,
          quantity: 1,
          price,
          commission: 2.5,
        });
      };
      if (position === 0 && weekday >= waitUntil) {
        if (first) {
          store.writeAccount({
            account: 'SIM-50K',
            ts,
            currency: 'USD',
            balance: 50_000,
            equity: 50_000,
            realizedPnlToday: 0,
            unrealizedPnl: 0,
          });
          first = false;
        }
        position = next() < 0.65 ? 1 : -1;
        store.writeSignal({
          source: next() < 0.5 ? 'trend.cross' : 'trend.breakout',
          symbol: SYMBOL,
          ts: ts - 1000,
          direction: position > 0 ? 'long' : 'short',
          strength: next() < 0.3 ? 'strong' : 'normal',
          power: Math.floor(next() * 10),
          confluence: 1 + Math.floor(next() * 3),
          // Signalled on the last price before the fill's tick, so the hour ahead can move.
          price: before,
          metadata: { confidence: 0.5 + next() * 0.45 },
        });
        fill(position > 0 ? 'buy' : 'sell');
        holdUntil = weekday + 10 + Math.floor(next() * 30);
      } else if (position !== 0 && weekday >= holdUntil) {
        fill(position > 0 ? 'sell' : 'buy');
        position = 0;
        waitUntil = weekday + 20 + Math.floor(next() * 40);
      }
    }
  }
  await store.close();
}

const temp = mkdtempSync(join(tmpdir(), 'enigma-screenshot-'));
const browser = await chromium.launch({ executablePath: values.chromium });
try {
  const db = join(temp, 'demo.duckdb');
  await demoStore(db);
  const database = await openReadOnly(db);
  let written;
  try {
    written = await writeReport(database.connection, ALL_TIME, join(temp, 'reports'), {
      generatedAt: 'screenshot',
      profiles: new Map([['SIM-50K', loadRuleProfile('topstep-50k-combine')]]),
    });
  } finally {
    database.close();
  }
  // The desktop picture stops at the compliance tables (the phone one shows them) to stay under 400 KB.
  for (const [name, width, until] of [
    ['desktop', 1280, '#compliance'],
    ['phone', 390, undefined],
  ]) {
    const page = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: 1 });
    await page.goto(pathToFileURL(written.html).href);
    const scroll = await page.evaluate('document.documentElement.scrollWidth - window.innerWidth');
    if (scroll > 0) throw new Error(`${name}: the page scrolls ${scroll} px sideways`);
    const out = join(root, 'docs', 'images', `tearsheet-${name}.png`);
    const box = await page.locator('#tearsheet').boundingBox();
    const end = until === undefined ? undefined : await page.locator(until).boundingBox();
    await page.screenshot({
      path: out,
      fullPage: true,
      clip: { ...box, height: end ? end.y - box.y : box.height },
    });
    process.stdout.write(`${out}: ${width} px wide, ${(statSync(out).size / 1024).toFixed(0)} KB\n`);
    await page.close();
  }
} finally {
  await browser.close();
  rmSync(temp, { recursive: true, force: true });
}
