import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import { Engine } from '../../src/engine.js';
import { TokenRegistry } from '../../src/server/auth/index.js';
import { ROLES, type Role } from '../../src/server/auth/roles.js';
import { DASHBOARD_BUILD_DIR } from '../../src/server/dashboard/index.js';
import { esTick, intent, T0 } from '../execution/execution-helpers.js';

/** Debian's chromium (`.ci/run` installs it); ENIGMA_CHROMIUM points elsewhere. */
export const CHROMIUM = process.env['ENIGMA_CHROMIUM'] ?? '/usr/bin/chromium';
/** Screenshots and figures the browser tests write (gitignored). */
export const ARTIFACTS = join(import.meta.dirname, '..', '..', 'artifacts', 'dashboard');
export const ACCOUNTS = ['SIM-50K', 'SIM-TS'] as const;

/**
 * A real engine for the dashboard: paper trading on two accounts (Apex and Topstep profiles), a
 * DuckDB store, listening on loopback, with real registry tokens of every role. `restart` stops
 * it and starts a new one on the same port and data directory (the page must find it again).
 */
export class DashboardEngine {
  private constructor(
    public engine: Engine,
    readonly dataDir: string,
    readonly port: number,
    readonly tokens: Readonly<Record<Role, string>>,
  ) {}

  static async start(): Promise<DashboardEngine> {
    if (!existsSync(join(DASHBOARD_BUILD_DIR, 'index.html')))
      throw new Error('the dashboard is not built: run `npm run build:dashboard` first');
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-dashboard-'));
    const registry = TokenRegistry.open(dataDir);
    const tokens = Object.fromEntries(
      ROLES.map((role) => [role, registry.create(`${role}-desk`, role).token]),
    ) as Record<Role, string>;
    const engine = await DashboardEngine.create(dataDir, 0);
    return new DashboardEngine(engine, dataDir, engine.gateway?.http.port ?? 0, tokens);
  }

  private static async create(dataDir: string, port: number): Promise<Engine> {
    return Engine.create({
      mode: 'live',
      clock: new ReplayClock(T0),
      dataDir,
      wasm: false,
      trading: {
        accounts: [
          { id: 'SIM-50K', profile: 'apex-50k-evaluation', mode: 'auto' },
          { id: 'SIM-TS', profile: 'topstep-50k-combine', mode: 'auto' },
        ],
        watchHaltFile: false,
        paper: { slippageTicks: 0, commissions: { ES: 2 } },
      },
      storePath: join(dataDir, 'enigma.duckdb'),
      listen: { host: '127.0.0.1', port, token: 'dashboard-gateway-token-0123456789' },
    });
  }

  get url(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  /** The ES market at `price`, as the paper broker and the accounts see it. */
  tick(price: number, seconds = 0): void {
    this.engine.bus.publish(TOPICS.ticks, esTick(T0 + seconds * 1_000_000, price));
  }

  /** A market buy of `quantity` ES on `account`, filled by the paper broker at the last tick. */
  buy(account: string, quantity: number): void {
    this.engine.bus.publish(TOPICS.orderIntents, intent({ account, quantity }));
  }

  position(account: string): number {
    return this.engine.trading?.paper.position(account, 'ES 12-26').quantity ?? Number.NaN;
  }

  /** What `GET /api/v1/<path>` answers with this token. */
  async api(path: string, role: Role = 'viewer'): Promise<unknown> {
    const response = await fetch(`${this.url}/api/v1${path}`, {
      headers: { authorization: `Bearer ${this.tokens[role]}` },
    });
    return response.json();
  }

  async stop(): Promise<void> {
    await this.engine.stop();
  }

  /** A new engine on the same port and data directory (same tokens). */
  async startAgain(): Promise<void> {
    this.engine = await DashboardEngine.create(this.dataDir, this.port);
  }
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox'] });
}

export const DESKTOP = { width: 1440, height: 900 } as const;
export const PHONE = { width: 390, height: 844 } as const;

/** A fresh tab (its own session storage) at `viewport`, on the dashboard's login page. */
export async function openDashboard(
  browser: Browser,
  url: string,
  viewport: { width: number; height: number } = DESKTOP,
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(url);
  return { context, page };
}

/** Signs in the way a person does (type the token, press Enter) and waits for live figures. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Access token').fill(token);
  await page.keyboard.press('Enter');
  await page.locator('main[data-live="true"]').waitFor();
}

/** The text of one figure of one account's card. */
export function accountField(page: Page, account: string, field: string) {
  return page.locator(`article[data-account="${account}"] [data-field="${field}"]`);
}
