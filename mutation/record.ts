// The recorded run is committed beside the code it describes, so it is kept small and split: one
// file per module under mutation/record/ (its mutated files' sources and mutants) and one for the
// tests (tests.json: the covering test files' sources and test names). A change to one module
// rewrites only that module's record. Before a run the pieces are joined into the single file
// Stryker's incremental mode reads (reports/mutation/incremental.json); after it the result is
// compacted and split again.
//
// Compacted: what Stryker needs to reuse a result, and no more (its incremental-differ):
// - a killed mutant is reused when its killing test is unchanged (`killedBy`): its other covering
//   tests and the failure text are dropped;
// - ignored mutants are dropped: Stryker marks them again on every run (the disable comments,
//   `ignoreStatic`) and never reuses them;
// - a mutant's id, `static: false` and `testsCompleted` are dropped: an old mutant is found by its
//   file, mutator, replacement and location;
// - a type error's text is dropped; test files no recorded mutant refers to are dropped.
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { moduleOf } from './scores.js';

export const RECORD_DIR = join('mutation', 'record');
/** Where Stryker reads and writes the joined record (stryker.config.mjs, `incrementalFile`). */
export const STRYKER_RECORD = join('reports', 'mutation', 'incremental.json');
const TESTS = 'tests.json';

type RecordedMutant = Record<string, unknown> & {
  status: string;
  killedBy?: string[];
  coveredBy?: string[];
};
interface RecordedFile {
  source: string;
  mutants: RecordedMutant[];
}
interface RecordedTests {
  tests: { id: string }[];
}
/** Stryker's report as its incremental mode reads it. */
export interface StrykerRecord {
  files: Record<string, RecordedFile>;
  testFiles?: Record<string, RecordedTests>;
  [key: string]: unknown;
}

const slug = (module: string): string => module.replaceAll(' ', '-');

/** Joins the committed pieces into Stryker's record; undefined when nothing is recorded. */
export function joinRecord(): StrykerRecord | undefined {
  if (!existsSync(join(RECORD_DIR, TESTS))) {
    rmSync(STRYKER_RECORD, { force: true });
    return undefined;
  }
  const record = JSON.parse(readFileSync(join(RECORD_DIR, TESTS), 'utf8')) as StrykerRecord;
  record.files = {};
  for (const name of readdirSync(RECORD_DIR).filter((file) => file !== TESTS && file.endsWith('.json')))
    Object.assign(
      record.files,
      (JSON.parse(readFileSync(join(RECORD_DIR, name), 'utf8')) as StrykerRecord).files,
    );
  mkdirSync(join('reports', 'mutation'), { recursive: true });
  writeFileSync(STRYKER_RECORD, JSON.stringify(record));
  return record;
}

const compactMutant = (mutant: RecordedMutant): RecordedMutant => {
  const { id: _id, testsCompleted: _tests, statusReason, coveredBy, ...kept } = mutant;
  if (kept['static'] === false) delete kept['static'];
  if (mutant.status === 'Killed') return kept;
  if (mutant.status === 'CompileError') return { ...kept, ...(coveredBy && { coveredBy }) };
  return { ...kept, statusReason, ...(coveredBy && { coveredBy }) };
};

/** Compacts Stryker's record after a run and writes it back as the committed pieces. */
export function splitRecord(): void {
  const record = JSON.parse(readFileSync(STRYKER_RECORD, 'utf8')) as StrykerRecord;
  const byModule = new Map<string, Record<string, RecordedFile>>();
  const referred = new Set<string>();
  for (const [path, file] of Object.entries(record.files)) {
    const mutants = file.mutants.filter((mutant) => mutant.status !== 'Ignored').map(compactMutant);
    for (const mutant of mutants)
      for (const id of [...(mutant.killedBy ?? []), ...(mutant.coveredBy ?? [])]) referred.add(id);
    const module = slug(moduleOf(path) ?? 'other');
    byModule.set(module, { ...byModule.get(module), [path]: { ...file, mutants } });
  }
  const { files: _files, testFiles, ...rest } = record;
  const tests = Object.fromEntries(
    Object.entries(testFiles ?? {}).filter(([, file]) => file.tests.some((test) => referred.has(test.id))),
  );
  rmSync(RECORD_DIR, { recursive: true, force: true });
  mkdirSync(RECORD_DIR, { recursive: true });
  writeFileSync(join(RECORD_DIR, TESTS), JSON.stringify({ ...rest, testFiles: tests }));
  for (const [module, files] of byModule)
    writeFileSync(join(RECORD_DIR, `${module}.json`), JSON.stringify({ files }));
}
