/**
 * Where the engine's memory goes: runs the engine with V8's sampling heap profiler (started by
 * engine-probe.mjs), loads it with the fuzzer (`--load fuzz`) or the load generator at 10,000
 * msg/s (`--load steady`), asks for the profile while the load is still on (SIGUSR2), and prints
 * the allocation sites of the memory still live then, with their share.
 *
 *   npx tsx bench/chaos/heap-profile.ts --load fuzz --frames 60000
 *   npx tsx bench/chaos/heap-profile.ts --load steady --seconds 120
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runGeneratorProcess } from '../e2e/processes.js';
import { startScript } from './child.js';
import { ChaosEngine } from './engine.js';
import type { FuzzCounts } from './fuzz-ledger.js';
import { liveBytesBySite, type ProfileNode } from './heap-sites.js';
import { MB } from './table.js';

const { values } = parseArgs({
  options: {
    load: { type: 'string', default: 'fuzz' },
    frames: { type: 'string', default: '60000' },
    seconds: { type: 'string', default: '120' },
    top: { type: 'string', default: '20' },
  },
});
const folder = mkdtempSync(join(tmpdir(), 'enigma-heap-'));
const token = `chaos-${randomBytes(16).toString('hex')}`;
const engine = new ChaosEngine({
  token,
  dataDir: folder,
  accounts: ['BENCH0'],
  heapProfile: join(folder, 'live.heapprofile'),
});
const profilePath = join(folder, 'live.heapprofile');
await engine.start();
// The profile is asked for 2 s before the load ends, while everything it holds is still live.
const ask = (afterMs: number): NodeJS.Timeout => setTimeout(() => engine.signal('SIGUSR2'), afterMs);
if (values.load === 'fuzz') {
  const fuzzer = startScript<FuzzCounts>(
    'fuzz-process.ts',
    {
      url: engine.url,
      frames: Number(values.frames),
      durationMs: 30 * 60_000,
      connections: 12,
      paced: 4,
      seed: 1,
    },
    token,
  );
  const timer = setInterval(() => {
    if (Number(fuzzer.progress.at(-1) ?? 0) >= Number(values.frames) * 0.95) {
      clearInterval(timer);
      engine.signal('SIGUSR2');
    }
  }, 200);
  const counts = await fuzzer.report;
  clearInterval(timer);
  process.stdout.write(
    `fuzz: ${String(counts.frames)} frames over ${String(counts.connections)} connections\n`,
  );
} else {
  ask(Number(values.seconds) * 1000 - 2000);
  const report = await runGeneratorProcess(
    {
      url: engine.url,
      connections: 1,
      rate: 10_000,
      durationMs: Number(values.seconds) * 1000,
      signalEvery: 10,
    },
    token,
  );
  process.stdout.write(`steady: ${String(report.sent)} messages, lost ${String(report.lost)}\n`);
}
const last = engine
  .samples()
  .filter((sample) => sample.thread === 'main')
  .at(-1);
if (last)
  process.stdout.write(
    `engine before stop: rss ${(last.rss / MB).toFixed(0)} MB, heap ${(last.heapUsed / MB).toFixed(0)} / ${(last.heapTotal / MB).toFixed(0)} MB, external ${(last.external / MB).toFixed(0)} MB\n`,
  );
await new Promise((resolve) => setTimeout(resolve, 3000));
await engine.stop(120_000);
if (existsSync(profilePath)) {
  const file = profilePath;
  const profile = JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode };
  const sites = [...liveBytesBySite(profile.head)].sort((a, b) => b[1] - a[1]);
  const total = sites.reduce((sum, [, bytes]) => sum + bytes, 0);
  process.stdout.write(`\n${file}: ${(total / MB).toFixed(1)} MB live (sampled)\n`);
  for (const [site, bytes] of sites.slice(0, Number(values.top)))
    process.stdout.write(
      `${(bytes / MB).toFixed(1).padStart(8)} MB ${((bytes / total) * 100).toFixed(0).padStart(3)} %  ${site}\n`,
    );
}
process.stdout.write(`\nprofiles in ${folder}\n`);
