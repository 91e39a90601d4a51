import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { chromiumInstalled } from '../../bench/e2e/dashboard-browsers.js';
import { runDashboardComparison } from '../../bench/e2e/dashboard-comparison.js';
import type { Suite } from '../../bench/suite.js';

const SIZE_FILE = fileURLToPath(new URL('../../build/dashboard/size.json', import.meta.url));

async function suiteWithChromiumAt(path: string): Promise<Suite> {
  vi.stubEnv('ENIGMA_CHROMIUM', path);
  vi.resetModules();
  return ((await import('../../bench/suites/dashboard.js')) as { default: Suite }).default;
}

describe('the dashboard cost suite', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('skips the cost with a NOTICE when Chromium is missing, and still reports the bundle’s gzipped size', async () => {
    const suite = await suiteWithChromiumAt('/nonexistent/chromium');
    const result = await suite({ quick: false });
    expect(String(result.rows[0]?.['skipped'])).toMatch(/^NOTICE: no Chromium at \/nonexistent\/chromium/);
    const built = JSON.parse(readFileSync(SIZE_FILE, 'utf8')) as { gzipBytes: number }[];
    expect(result.figures?.['dashboard.bundleGzipBytes']).toBe(
      built.reduce((sum, f) => sum + f.gzipBytes, 0),
    );
    expect(result.figures?.['dashboard.signalToOrderP99Ratio']).toBeUndefined();
  });

  it('leaves the cost out of the quick run and says how to measure it', async () => {
    const suite = await suiteWithChromiumAt('/usr/bin/chromium');
    const result = await suite({ quick: true });
    expect(String(result.rows[0]?.['skipped'])).toContain('npm run bench -- --only dashboard');
    expect(result.figures?.['dashboard.signalToOrderP99Ratio']).toBeUndefined();
  });

  it.runIf(chromiumInstalled())(
    'runs a step without and one with two signed-in browsers on the real engine, losing nothing',
    async () => {
      const result = await runDashboardComparison({
        rounds: 1,
        rate: 2000,
        durationMs: 500,
        warmupMs: 200,
        settleMs: 0,
      });
      const [round] = result.rounds;
      if (!round) throw new Error('no round');
      for (const report of [round.without, round.with]) {
        expect(report.signalToOrder.count).toBe(report.signals);
        expect([report.lost, report.duplicated, report.reordered, report.disconnects]).toEqual([0, 0, 0, 0]);
      }
      expect(round.withoutCpuMillis).toBeGreaterThan(0);
      expect(round.withCpuMillis).toBeGreaterThan(0);
      // Both views painted and went live (each waited for its stream snapshots), without a script error.
      expect(round.firstPaintsMs).toHaveLength(2);
      for (const paint of round.firstPaintsMs) expect(paint).toBeGreaterThan(0);
      expect(round.pageErrors).toEqual([]);
      // Two pages read the stream: the Overview and the Trading view (two sockets: its own feed).
      expect(result.engineStats?.stream?.['authFailures']).toBe(0);
      expect(result.engineStats?.stream?.['slowConsumersClosed']).toBe(0);
    },
    120_000,
  );
});
