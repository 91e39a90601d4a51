import { spawn } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { SessionClock } from '../../src/core/clock.js';
import type { Fill, OrderIntent, Signal } from '../../src/core/events.js';
import type { OrderDenied } from '../../src/risk/risk-events.js';
import { microsFromIso } from '../../src/core/time.js';
import { createEngineClock, Engine, preparePipeline } from '../../src/engine.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

interface Result {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bin/enigma.js run pipelines/default.yaml --duration 30 …`, as `npm start -- --duration 30` runs it. */
async function npmStart(start: string): Promise<Result> {
  return enigmaRun(['pipelines/default.yaml', '--duration', '30', '--start', start]);
}

async function enigmaRun(args: readonly string[]): Promise<Result> {
  const dataDir = await mkdtemp(join(tmpdir(), 'enigma-first-minute-'));
  const child = spawn(process.execPath, ['bin/enigma.js', 'run', ...args, '--data-dir', dataDir], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The last status line's trading part: `orders 3 (denied 0) fills 4 | SIM-50K ACTIVE $50,123.50`. */
const TRADING = /orders [\d,]+ \(denied [^)]*\) fills ([\d,]+) \| SIM-50K (ACTIVE|REDUCING) \$[\d,]+\.\d\d/g;

function lastFills(stderr: string): number {
  const matches = [...stderr.matchAll(TRADING)];
  return Number(matches.at(-1)?.[1]?.replaceAll(',', '') ?? 0);
}

/** The lines of a Markdown text's plain fenced blocks (a fence without a language: screen output). */
function plainBlocks(markdown: string): string[] {
  const lines: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fence = fence === undefined ? line : undefined;
    else if (fence === '```') lines.push(line);
  }
  return lines;
}

describe('the first minute of npm start', () => {
  let saturday: Result;
  let tuesday: Result;

  beforeAll(async () => {
    // Both runs at once: a Saturday (the market is closed) and a Tuesday morning.
    [saturday, tuesday] = await Promise.all([
      npmStart('2026-12-05T15:00:00Z'),
      npmStart('2026-12-08T15:00:00Z'),
    ]);
  }, 120_000);

  it('on a Saturday plays Friday session, and fills live signals on the paper account', () => {
    expect(saturday.code, saturday.stderr).toBe(0);
    expect(saturday.stderr).toContain(
      'simulated market: session of Fri 2026-12-04 09:30 New York (14:30 UTC) at 20× real time',
    );
    expect(saturday.stdout).toMatch(/--- Fri 2026-12-04 09:30 New York \(14:30 UTC\): the session opens/);
    expect(lastFills(saturday.stderr), saturday.stderr).toBeGreaterThanOrEqual(1);
  });

  it("shows what the README's Run it section shows (the same session, the same signals, the status line's shape)", async () => {
    const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## Run it'), readme.indexOf('## The `enigma` command'));
    const shown = plainBlocks(section).filter((line) => line !== '…');
    const screen = `${saturday.stdout}\n${saturday.stderr}`.split('\n');
    const status = shown.filter((line) => line.startsWith('enigma 00:'));
    expect(status).toHaveLength(1);
    // The signals and the session lines are the same on any run of this session; the status line's figures vary.
    for (const line of shown.filter((candidate) => !status.includes(candidate)))
      expect(screen).toContain(line);
    const shape = new RegExp(
      `^${(status[0] ?? '')
        .replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
        .replace(/\d[\d,]*(\\\.\d+)?/g, '[\\d,.]+')
        .replace(/ (ns|µs|ms)\b/g, ' (ns|µs|ms|s)')}$`,
    );
    expect(
      screen.some((line) => shape.test(line)),
      `${shape.source}\n${saturday.stderr}`,
    ).toBe(true);
  });

  it('on a Tuesday plays that morning session, and fills live signals on the paper account', () => {
    expect(tuesday.code, tuesday.stderr).toBe(0);
    expect(tuesday.stderr).toContain(
      'simulated market: session of Tue 2026-12-08 10:00 New York (15:00 UTC) at 20× real time',
    );
    expect(lastFills(tuesday.stderr), tuesday.stderr).toBeGreaterThanOrEqual(1);
    const live = tuesday.stdout.split('the session opens')[1] ?? '';
    expect(live).toMatch(/^2026-12-08T15:\d\d:\d\d\.\d{6}Z (ES|NQ|CL) \S+ (LONG|SHORT) /m);
  });
});

describe('enigma run --start', () => {
  it('refuses a time that is not ISO 8601, and a pipeline without a simulated market', async () => {
    const [badTime, noMarket] = await Promise.all([
      enigmaRun(['pipelines/default.yaml', '--start', 'next tuesday']),
      enigmaRun(['test/fixtures/pipelines/gateway-roundtrip.yaml', '--start', '2026-12-08T15:00:00Z']),
    ]);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain(
      "--start takes an ISO 8601 time (2026-12-08T15:00:00Z), got 'next tuesday' [CLI_USAGE]",
    );
    expect(noMarket.code).toBe(2);
    expect(noMarket.stderr).toContain('--start sets the session of a simulated market');
  });
});

describe('the backfill only warms the indicators', () => {
  it('signals from the backfill are shown but never sized; live intents are judged in market time and fill', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-warm-up-'));
    const text = (await readFile(join(ROOT, 'pipelines/default.yaml'), 'utf8'))
      .replace('speed: 20', 'speed: 300')
      .replace(/^ {2}- \{ id: show, op: console.*\n/m, '');
    expect(text).toContain('speed: 300');
    const file = join(dir, 'default.yaml');
    await writeFile(file, text);
    const { compiled } = await preparePipeline(file);
    const start = microsFromIso('2026-12-05T15:00:00Z'); // Saturday → Friday's session
    const clock = createEngineClock('live', compiled, { start });
    expect(clock).toBeInstanceOf(SessionClock);
    const session = (clock as SessionClock).start;
    const engine = await Engine.create({
      mode: 'live',
      clock,
      dataDir: dir,
      wasm: true,
      trading: { watchHaltFile: false },
    });
    const signals: Signal[] = [];
    const intents: OrderIntent[] = [];
    const denials: OrderDenied[] = [];
    const fills: Fill[] = [];
    engine.bus.observe(TOPICS.signals).subscribe((signal) => signals.push(signal));
    engine.bus.observe(TOPICS.orderIntents).subscribe((intent) => intents.push(intent));
    engine.bus.observe(TOPICS.orderDenials).subscribe((denial) => denials.push(denial));
    engine.bus.observe(TOPICS.fills).subscribe((fill) => fills.push(fill));
    engine.add(compiled);
    engine.start();
    const deadline = Date.now() + 40_000;
    while ((fills.length < 2 || intents.length < 3) && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 50));
    await engine.stop();

    expect(session).toBe(microsFromIso('2026-12-04T14:30:00Z'));
    expect(signals.filter((signal) => signal.ts < session).length).toBeGreaterThan(5);
    expect(intents.length).toBeGreaterThanOrEqual(3);
    expect(intents.filter((intent) => intent.ts < session)).toEqual([]);
    expect(denials.filter((denial) => denial.code === 'STALE_INTENT')).toEqual([]);
    expect(fills.length).toBeGreaterThanOrEqual(2);
    expect(fills.every((fill) => fill.ts >= session)).toBe(true);
  });
});
