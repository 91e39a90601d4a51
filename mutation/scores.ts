// Mutation score per module from Stryker's JSON report (reports/mutation/mutation.json), as a
// table; exits 1 when a module scores below the floor. Score = detected / (detected + survived +
// not covered): killed and timed-out mutants are detected; ignored ones (equivalent, with their
// reason in the source), static ones (module-level values built once, `ignoreStatic`) and those
// that do not compile do not count.
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FLOOR = 90;
export const MODULES: readonly (readonly [string, (path: string) => boolean])[] = [
  ['risk', (path) => path.startsWith('src/risk/')],
  ['execution', (path) => path.startsWith('src/execution/')],
  [
    'gateway session',
    (path) => path === 'src/gateway/session.ts' || path === 'src/gateway/outbound-window.ts',
  ],
  ['store', (path) => path.startsWith('src/store/')],
  ['sizing', (path) => path === 'src/kernels/reference/sizing.ts'],
];
/** The module a mutated file belongs to; undefined for a file in none. */
export const moduleOf = (path: string): string | undefined =>
  MODULES.find(([, matches]) => matches(path.replaceAll('\\', '/')))?.[0];

const DETECTED = new Set(['Killed', 'Timeout']);
const UNDETECTED = new Set(['Survived', 'NoCoverage']);

export interface MutationReport {
  readonly files: Record<
    string,
    { readonly mutants: readonly { readonly status: string; readonly statusReason?: string }[] }
  >;
}

export interface ModuleScore {
  readonly name: string;
  readonly detected: number;
  readonly undetected: number;
  /** Marked equivalent in the source, with the reason. */
  readonly ignored: number;
  /** Static: evaluated once at module load, skipped by `ignoreStatic`. */
  readonly statics: number;
  /** Percent detected; undefined when none of the module's mutants ran. */
  readonly score: number | undefined;
  readonly passed: boolean;
}

/** Each module's counts and score, in MODULES order. */
export function moduleScores(report: MutationReport): ModuleScore[] {
  const counts = MODULES.map(() => ({ detected: 0, undetected: 0, ignored: 0, statics: 0 }));
  for (const [file, { mutants }] of Object.entries(report.files)) {
    const name = moduleOf(file);
    const index = MODULES.findIndex(([module]) => module === name);
    if (index < 0) continue;
    const count = counts[index] as (typeof counts)[number];
    for (const mutant of mutants) {
      if (DETECTED.has(mutant.status)) count.detected++;
      else if (UNDETECTED.has(mutant.status)) count.undetected++;
      else if (mutant.status === 'Ignored' && mutant.statusReason?.startsWith('Static') === true)
        count.statics++;
      else if (mutant.status === 'Ignored') count.ignored++;
    }
  }
  return counts.map((count, index) => {
    const total = count.detected + count.undetected;
    const score = total === 0 ? undefined : (100 * count.detected) / total;
    return {
      name: (MODULES[index] as (typeof MODULES)[number])[0],
      ...count,
      score,
      passed: score === undefined || score >= FLOOR,
    };
  });
}

/** Prints the table; true when every module that was run scores at or above the floor. */
export function printScores(report: MutationReport): boolean {
  const print = (line: string): void => void process.stdout.write(`${line}\n`);
  const rows = moduleScores(report);
  print('| module | score | detected | undetected | marked equivalent | static (not run) |');
  print('|---|---|---|---|---|---|');
  for (const row of rows) {
    const score =
      row.score === undefined
        ? '– (not run)'
        : `${row.score.toFixed(1)} %${row.passed ? '' : ` (below ${String(FLOOR)} %)`}`;
    print(
      `| ${row.name} | ${score} | ${String(row.detected)} | ${String(row.undetected)} | ${String(row.ignored)} | ${String(row.statics)} |`,
    );
  }
  return rows.every((row) => row.passed);
}

export const readReport = (path: string): MutationReport =>
  JSON.parse(readFileSync(path, 'utf8')) as MutationReport;

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const reportPath = process.argv[2] ?? join('reports', 'mutation', 'mutation.json');
  process.exit(printScores(readReport(reportPath)) ? 0 : 1);
}
