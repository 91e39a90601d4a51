// Mutation score per module from Stryker's JSON report (reports/mutation/mutation.json), as a
// table; exits 1 when a module scores below the floor. Score = detected / (detected + survived +
// not covered): killed and timed-out mutants are detected; ignored ones (equivalent, with their
// reason in the source) and those that do not compile do not count.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const FLOOR = 90;
const MODULES: readonly (readonly [string, (path: string) => boolean])[] = [
  ['risk', (path) => path.startsWith('src/risk/')],
  ['execution', (path) => path.startsWith('src/execution/')],
  [
    'gateway session',
    (path) => path === 'src/gateway/session.ts' || path === 'src/gateway/outbound-window.ts',
  ],
  ['store', (path) => path.startsWith('src/store/')],
  ['sizing', (path) => path === 'src/kernels/reference/sizing.ts'],
];
const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

const reportPath = process.argv[2] ?? join('reports', 'mutation', 'mutation.json');
interface Report {
  readonly files: Record<string, { readonly mutants: readonly { readonly status: string }[] }>;
}
const report = JSON.parse(readFileSync(reportPath, 'utf8')) as Report;
const rows = MODULES.map(([name]) => ({ name, detected: 0, undetected: 0, ignored: 0 }));
for (const [file, { mutants }] of Object.entries(report.files)) {
  const path = file.replaceAll('\\', '/');
  const index = MODULES.findIndex(([, matches]) => matches(path));
  if (index < 0) continue;
  const row = rows[index] as (typeof rows)[number];
  for (const mutant of mutants) {
    if (DETECTED.has(mutant.status)) row.detected++;
    else if (UNDETECTED.has(mutant.status)) row.undetected++;
    else if (mutant.status === 'Ignored') row.ignored++;
  }
}
const print = (line: string): void => void process.stdout.write(`${line}\n`);
let failed = false;
print('| module | score | detected | undetected | equivalent (ignored) |');
print('|---|---|---|---|---|');
for (const row of rows) {
  const total = row.detected + row.undetected;
  if (total === 0) {
    print(`| ${row.name} | – (not run) | 0 | 0 | ${row.ignored} |`);
    continue;
  }
  const score = (100 * row.detected) / total;
  if (score < FLOOR) failed = true;
  print(
    `| ${row.name} | ${score.toFixed(1)} %${score < FLOOR ? ` (below ${FLOOR} %)` : ''} | ${row.detected} | ${row.undetected} | ${row.ignored} |`,
  );
}
process.exit(failed ? 1 : 0);
