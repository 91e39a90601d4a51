/**
 * `npm run bench` runs every suite in bench/suites/ and prints its table; `npm run bench:quick`
 * is the short smoke run for CI. `-- --only <name>` runs the suites whose file name contains it.
 * Results go to bench/results/<time>.json (git-ignored) with the machine, Node version and commit;
 * the figures are checked against bench/slo.json and a miss makes the run exit 1.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { parseArgs } from 'node:util';
import { checkSlos } from './slo.js';
import type { Suite, SuiteResult } from './suite.js';

const { values } = parseArgs({
  options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } },
});
const suitesDir = new URL('./suites/', import.meta.url);
const names = readdirSync(suitesDir)
  .filter((name) => name.endsWith('.ts') && (values.only === undefined || name.includes(values.only)))
  .sort();

function table(result: SuiteResult): string {
  const headers = Object.keys(result.rows[0] ?? {});
  const cells = result.rows.map((row) => headers.map((header) => String(row[header] ?? '')));
  const widths = headers.map((header, i) =>
    Math.max(header.length, ...cells.map((row) => (row[i] ?? '').length)),
  );
  const line = (row: readonly string[]): string =>
    `| ${row.map((cell, i) => cell.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...cells.map(line)].join(
    '\n',
  );
}

const results: SuiteResult[] = [];
for (const name of names) {
  const suite = ((await import(new URL(name, suitesDir).href)) as { default: Suite }).default;
  process.stderr.write(`running ${name}${values.quick ? ' (quick)' : ''} ...\n`);
  const result = await suite({ quick: values.quick });
  results.push(result);
  process.stdout.write(`\n## ${result.name}\n\n${table(result)}\n`);
  for (const note of result.notes ?? []) process.stdout.write(`\n- ${note}`);
  process.stdout.write('\n');
}

const figures = Object.assign({}, ...results.map((result) => result.figures ?? {})) as Record<string, number>;
const slo = checkSlos(figures, values.quick);
process.stdout.write(
  `\n## Service-level objectives${values.quick ? ' (quick run: only 3× misses fail)' : ''}\n\n${table({ name: 'slo', rows: slo.rows.map((row) => ({ ...row })) })}\n`,
);
let commit = 'unknown';
try {
  commit = execSync('git rev-parse --short HEAD', { stdio: ['ignore', 'pipe', 'ignore'] })
    .toString()
    .trim();
} catch {
  // not a git checkout
}
const report = {
  date: new Date().toISOString(),
  commit,
  node: process.version,
  machine: {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
  },
  quick: values.quick,
  results,
  slo: slo.rows,
};
const resultsDir = new URL('./results/', import.meta.url);
mkdirSync(resultsDir, { recursive: true });
const file = new URL(`${report.date.replace(/[:.]/g, '-')}.json`, resultsDir);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
process.stderr.write(`\nresults written to ${file.pathname}\n`);
if (slo.missed > 0) {
  process.stderr.write(`${slo.missed} objective(s) missed\n`);
  process.exitCode = 1;
}
