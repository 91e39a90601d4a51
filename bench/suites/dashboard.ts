/**
 * The dashboard's cost to the engine (issue 16): signal → order at 10,000 msg/s offered, end to
 * end over loopback (load generator, engine and browsers in separate processes), without and with
 * two headless Chromium browsers signed in on the dashboard (one on the Overview, one on the
 * Trading view), alternating on one engine built as `enigma run --listen` builds it. Reports the
 * median p99 of each half and their ratio (target ≤ 1.05), the bundle's gzipped size and the
 * views' first paint. Full run only for the cost: a quick run's 2 s steps cannot resolve 5 %, and
 * each round starts two browsers; the quick run reports the bundle's size alone.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromiumInstalled, CHROMIUM, DASHBOARD_VIEWS } from '../e2e/dashboard-browsers.js';
import { runDashboardComparison } from '../e2e/dashboard-comparison.js';
import { p99Spread } from '../e2e/format-row.js';
import type { LoadReport } from '../e2e/load-generator.js';
import { median } from '../support/bench-registry.js';
import type { Suite } from '../suite.js';

const RATE = 10_000;
const ROUNDS = 6;
const SIZE_FILE = fileURLToPath(new URL('../../build/dashboard/size.json', import.meta.url));
const SOURCES = fileURLToPath(new URL('../../src/dashboard/', import.meta.url));
const BUILD_SCRIPT = fileURLToPath(new URL('../../scripts/build-dashboard.mjs', import.meta.url));

/**
 * Builds the bundle when it is missing or older than a file of src/dashboard/: the browsers must
 * load the page as it is now (`npx tsx bench/index.ts` does not build first, `npm run bench` does).
 * True when it built.
 */
function buildIfStale(): boolean {
  const builtAt = existsSync(SIZE_FILE) ? statSync(SIZE_FILE).mtimeMs : 0;
  const newest = Math.max(
    ...readdirSync(SOURCES, { recursive: true }).map((file) => statSync(join(SOURCES, String(file))).mtimeMs),
  );
  if (newest <= builtAt) return false;
  execFileSync(process.execPath, [BUILD_SCRIPT], { stdio: ['ignore', 'ignore', 'inherit'] });
  return true;
}

const ms = (micros: number): number => Number((micros / 1000).toFixed(3));

/** The bundle as the build measured it (`build/dashboard/size.json`), or undefined when not built. */
function bundleSize(): { bytes: number; gzipBytes: number } | undefined {
  if (!existsSync(SIZE_FILE)) return undefined;
  const files = JSON.parse(readFileSync(SIZE_FILE, 'utf8')) as { bytes: number; gzipBytes: number }[];
  return files.reduce(
    (sum, file) => ({ bytes: sum.bytes + file.bytes, gzipBytes: sum.gzipBytes + file.gzipBytes }),
    {
      bytes: 0,
      gzipBytes: 0,
    },
  );
}

const dashboardSuite: Suite = async ({ quick }) => {
  const name = `dashboard: signal → order at ${String(RATE)} msg/s without and with two browsers on the dashboard (same engine, alternating)`;
  const rebuilt = buildIfStale();
  const bundle = bundleSize();
  const figures: Record<string, number> = bundle ? { 'dashboard.bundleGzipBytes': bundle.gzipBytes } : {};
  const bundleNote = bundle
    ? `bundle (build/dashboard/size.json${rebuilt ? ', rebuilt first: it was older than src/dashboard' : ''}): ${(bundle.bytes / 1000).toFixed(1)} KB, ${(bundle.gzipBytes / 1000).toFixed(1)} KB gzipped (page, script and stylesheet)`
    : 'bundle not built (npm run build:dashboard): its size is not reported';
  if (quick)
    return {
      name,
      rows: [{ skipped: 'the cost is measured in the full run only (npm run bench -- --only dashboard)' }],
      notes: [bundleNote],
      figures,
    };
  if (!chromiumInstalled()) {
    const notice = `NOTICE: no Chromium at ${CHROMIUM} (apt-get install chromium, or set ENIGMA_CHROMIUM): the dashboard's cost is not measured`;
    process.stderr.write(`${notice}\n`);
    return { name, rows: [{ skipped: notice }], notes: [bundleNote], figures };
  }
  const loadAtStart = loadavg()[0] ?? 0;
  const result = await runDashboardComparison({
    rounds: ROUNDS,
    rate: RATE,
    durationMs: 8000,
    warmupMs: 2000,
    onStep: (report, watched) =>
      process.stderr.write(
        `  dashboard ${watched ? 'with two browsers' : 'without browsers'}: sig→ord p99 ${String(ms(report.signalToOrder.p99))} ms\n`,
      ),
  });
  const paint = (value: number | null | undefined): string => (value == null ? '' : value.toFixed(0));
  const row = (
    report: LoadReport,
    cpuMillis: number,
    round: number,
    browsers: number,
    paints: readonly (number | null)[] = [],
  ) => ({
    round,
    browsers,
    'achieved msg/s': Math.round(report.achievedPerSecond),
    'sig→ord p50 ms': ms(report.signalToOrder.p50),
    'sig→ord p99 ms': ms(report.signalToOrder.p99),
    'sig→ord p99.9 ms': ms(report.signalToOrder.p999),
    'tick→ack p99 ms': ms(report.tickToAck.p99),
    'hiccup p99 ms': ms(report.hiccup.p99),
    'lost/dup/reord': `${String(report.lost)}/${String(report.duplicated)}/${String(report.reordered)}`,
    'engine CPU ms': Math.round(cpuMillis),
    'first paint overview ms': paint(paints[0]),
    'first paint trading ms': paint(paints[1]),
  });
  const rows = result.rounds.flatMap((round, index) => [
    row(round.without, round.withoutCpuMillis, index + 1, 0),
    row(round.with, round.withCpuMillis, index + 1, 2, round.firstPaintsMs),
  ]);
  const without = median(result.rounds.map((round) => round.without.signalToOrder.p99));
  const withBrowsers = median(result.rounds.map((round) => round.with.signalToOrder.p99));
  const ratio = without > 0 ? withBrowsers / without : 0;
  const cpuWithout = median(result.rounds.map((round) => round.withoutCpuMillis));
  const cpuWith = median(result.rounds.map((round) => round.withCpuMillis));
  const cpuRatio = cpuWithout > 0 ? cpuWith / cpuWithout : 0;
  const paints = result.rounds.flatMap((round) => round.firstPaintsMs).filter((value) => value !== null);
  const firstPaint = median(paints);
  const pageErrors = result.rounds.flatMap((round) => round.pageErrors);
  const loadAtEnd = loadavg()[0] ?? 0;
  return {
    name,
    rows,
    figures: {
      ...figures,
      'dashboard.signalToOrderP99Micros': withBrowsers,
      'dashboard.baselineSignalToOrderP99Micros': without,
      'dashboard.signalToOrderP99Ratio': Number(ratio.toFixed(3)),
      'dashboard.engineCpuRatio': Number(cpuRatio.toFixed(3)),
      ...(paints.length > 0 && { 'dashboard.firstPaintMillis': Number(firstPaint.toFixed(1)) }),
    },
    notes: [
      `median sig→ord p99 over ${String(ROUNDS)} rounds: ${String(ms(without))} ms without, ${String(ms(withBrowsers))} ms with two browsers: ratio ${ratio.toFixed(3)} (target ≤ 1.05)`,
      `the engine's own cost: median CPU time per step (every thread) ${cpuWithout.toFixed(0)} ms without, ${cpuWith.toFixed(0)} ms with two browsers: ratio ${cpuRatio.toFixed(3)}`,
      `the steps' spread without browsers: sig→ord p99 ${p99Spread(result.rounds.map((round) => round.without))}; with: ${p99Spread(result.rounds.map((round) => round.with))}`,
      `each round: an 8 s step without browsers and one with two headless Chromium processes (${DASHBOARD_VIEWS.join(' and ')}) signed in with a trader token and live, opened before the step and closed after it; the first round in that order, the next the other way round (ABBA); the engine is Engine.create with listen (gateway, API, dashboard, stream, registry), paper trading on SIM-50K and a DuckDB store that drives the acks; the generator waits on a 1 ms timer between sends (a spinning one takes a whole core) and times each signal from its actual send`,
      'what the pages get here: status once a second, the account, the generator’s 1,000 signals/s (the Trading view’s signals table and markers), positions from the API once a second; the bench pipeline publishes no bars, so no candles are drawn',
      `first contentful paint of the signed-in views (reloaded once signed in, the engine idle between steps): median ${firstPaint.toFixed(0)} ms over ${String(paints.length)} page loads`,
      bundleNote,
      `script errors on the pages: ${pageErrors.length === 0 ? 'none' : pageErrors.slice(0, 3).join(' | ')}`,
      `engine stream counters: ${JSON.stringify(result.engineStats?.stream ?? {})}`,
      `load average ${loadAtStart.toFixed(1)} → ${loadAtEnd.toFixed(1)} on ${String(cpus().length)} cores`,
    ],
  };
};

export default dashboardSuite;
