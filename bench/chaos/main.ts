/**
 * `npm run chaos`: the fault and fuzz matrix against the real engine (`node bin/enigma.js run
 * --listen 127.0.0.1:<port>`, child processes, loopback only). Prints a table of figures and
 * checks; exits 1 when a check fails. Every scenario is bounded in frames and time.
 *
 *   npm run chaos                          # the full matrix: 1,000,000 fuzz frames, kills, disk, a 60-minute soak
 *   npm run chaos -- --quick               # the CI version (about four minutes)
 *   npm run chaos -- --soak-minutes 10     # a shorter soak
 *   npm run chaos -- --only fuzz,kill      # some scenarios (fuzz, kill, disk, soak)
 *   npm run chaos -- --keep                # keep the engines' data folders (printed at the end)
 *   npm run chaos -- --only soak --duckdb checkpoint_threshold=16MB   # an experiment: DuckDB settings for the engines
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runDisk } from './disk.js';
import { runFuzz } from './fuzz.js';
import { runKillMatrix } from './kill-matrix.js';
import { chaosSettings, type ChaosSettings } from './settings.js';
import { runSoak } from './soak.js';
import { failures, formatTable, type Figure } from './table.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    'soak-minutes': { type: 'string' },
    frames: { type: 'string' },
    only: { type: 'string', default: 'fuzz,kill,disk,soak' },
    seed: { type: 'string' },
    keep: { type: 'boolean', default: false },
    duckdb: { type: 'string' },
  },
});
const workDir = mkdtempSync(join(tmpdir(), 'enigma-chaos-'));
const settings = chaosSettings({
  quick: values.quick,
  token: `chaos-${randomBytes(16).toString('hex')}`,
  workDir,
  seed: values.seed !== undefined ? Number(values.seed) : Date.now() % 1_000_000,
  ...(values['soak-minutes'] !== undefined && { soakMinutes: Number(values['soak-minutes']) }),
  ...(values.frames !== undefined && { frames: Number(values.frames) }),
  ...(values.duckdb !== undefined && {
    duckdb: Object.fromEntries(
      values.duckdb.split(',').map((pair) => pair.split('=').map((part) => part.trim())),
    ),
  }),
});
const SCENARIOS: Record<string, (settings: ChaosSettings) => Promise<Figure[]>> = {
  fuzz: runFuzz,
  kill: runKillMatrix,
  disk: runDisk,
  soak: runSoak,
};

const started = performance.now();
const figures: Figure[] = [];
process.stderr.write(
  `chaos: ${settings.quick ? 'quick' : 'full'} run, seed ${String(settings.seed)}, data in ${workDir}\n`,
);
for (const name of values.only.split(',')) {
  const scenario = SCENARIOS[name.trim()];
  if (!scenario) throw new Error(`unknown scenario '${name}' (fuzz, kill, disk, soak)`);
  const at = performance.now();
  process.stderr.write(`chaos: ${name} …\n`);
  try {
    figures.push(...(await scenario(settings)));
  } catch (error) {
    figures.push({
      scenario: name,
      name: 'scenario ran to its end',
      value: String(error),
      target: 'yes',
      pass: false,
    });
  }
  process.stderr.write(`chaos: ${name} done in ${((performance.now() - at) / 1000).toFixed(0)} s\n`);
}
const failed = failures(figures, settings.quick);
process.stdout.write(`${formatTable(figures)}\n\n`);
process.stdout.write(
  `${settings.quick ? 'quick' : 'full'} run in ${((performance.now() - started) / 60_000).toFixed(1)} min, seed ${String(settings.seed)}: ${failed.length === 0 ? 'every check passed' : `${String(failed.length)} check(s) failed`}\n`,
);
if (values.keep) process.stdout.write(`data kept in ${workDir}\n`);
else rmSync(workDir, { recursive: true, force: true });
process.exit(failed.length === 0 ? 0 : 1);
