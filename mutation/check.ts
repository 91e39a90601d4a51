// Mutation testing, incremental against the recorded run (mutation/record/, committed beside the
// code it describes; record.ts): Stryker re-runs only the mutants whose code or covering tests
// changed since, then this fails when a module scores below the floor.
// - `npm run mutate:ci` (CI): the recorded files; a record so stale that more than BUDGET mutants
//   would run again fails before they run.
// - `npm run mutate:update` (`--update`): the recorded files, no budget: brings the record up to date.
// - `npm run mutate` (`--all`): every file stryker.config.mjs lists, recorded or not (hours).
// After a run the record is compacted and split again (record.ts), to be committed with the change.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { joinRecord, RECORD_DIR, splitRecord } from './record.js';
import { FLOOR, printScores, readReport } from './scores.js';

// Mutants that did not compile are checked again on every run by the type checker alone (about
// 0.2 s each), so the budget counts only the rest: mutants whose tests must run again.
const ALL = process.argv.includes('--all');
const BUDGET = ALL || process.argv.includes('--update') ? Number.POSITIVE_INFINITY : 500;
const print = (line: string): void => void process.stdout.write(`${line}\n`);

const record = joinRecord();
if (!ALL && record === undefined) {
  print(`mutation check: no recorded run in ${RECORD_DIR}; run \`npm run mutate\` and commit it`);
  process.exit(1);
}
// Only files with a recorded run are checked: a module never run would be mutated from scratch.
const recorded = Object.keys(record?.files ?? {}).filter((file) => existsSync(file));
const compileErrors = recorded
  .flatMap((file) => record?.files[file]?.mutants ?? [])
  .filter((mutant) => mutant.status === 'CompileError').length;
const globToRegExp = (glob: string): RegExp =>
  new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replaceAll('**/', '\0')
      .replaceAll('*', '[^/]*')
      .replaceAll('\0', '(?:.*/)?')}$`,
  );
const config = (await import(pathToFileURL(resolve('stryker.config.mjs')).href)) as {
  default: { mutate: string[] };
};
const patterns = config.default.mutate.map(globToRegExp);
const listed = (readdirSync('src', { recursive: true }) as string[])
  .map((file) => `src/${file.replaceAll('\\', '/')}`)
  .filter((file) => patterns.some((pattern) => pattern.test(file)));
const unrecorded = listed.filter((file) => !recorded.includes(file));
if (!ALL && unrecorded.length > 0)
  print(`NOTICE: not in the recorded run yet, so not checked: ${unrecorded.join(', ')}`);
print(
  `mutation check: ${String(ALL ? listed.length : recorded.length)} ${ALL ? 'listed' : 'recorded'} files, floor ${String(FLOOR)} %, ${Number.isFinite(BUDGET) ? `budget ${String(BUDGET)} mutants whose tests run again (those that did not compile are re-checked outside it)` : 'no budget (updating the record)'}`,
);

// Its bin is not an export of the package: found beside its package.json, and run without a shell.
const stryker = join(
  dirname(createRequire(import.meta.url).resolve('@stryker-mutator/core/package.json')),
  'bin',
  'stryker.js',
);
const child = spawn(process.execPath, [stryker, 'run', ...(ALL ? [] : ['--mutate', recorded.join(',')])], {
  stdio: ['ignore', 'pipe', 'inherit'],
  env: { ...process.env, FORCE_COLOR: '0' },
});
let overBudget = false;
let pending = '';
child.stdout.on('data', (chunk: Buffer) => {
  process.stdout.write(chunk);
  pending = (pending + chunk.toString('utf8')).slice(-4096);
  // eslint-disable-next-line no-control-regex -- colour codes are stripped before matching
  const reuse = /(\d+) of (\d+) mutant result\(s\) are reused/.exec(pending.replace(/\x1b\[[0-9;]*m/g, ''));
  if (reuse === null || overBudget) return;
  const toRun = Number(reuse[2]) - Number(reuse[1]) - compileErrors;
  if (toRun > BUDGET) {
    overBudget = true;
    print(
      `\nmutation check: ${String(toRun)} mutants would run their tests again (budget ${String(BUDGET)}): ${RECORD_DIR} is stale; run \`npm run mutate:update\` and commit it`,
    );
    child.kill();
  }
  pending = '';
});
child.on('close', (code) => {
  if (overBudget) process.exit(1);
  if (code !== 0) {
    print(`mutation check: Stryker exited with ${String(code)}`);
    process.exit(1);
  }
  splitRecord();
  process.exit(printScores(readReport(join('reports', 'mutation', 'mutation.json'))) ? 0 : 1);
});
