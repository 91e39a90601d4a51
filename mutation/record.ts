// The recorded run (mutation/incremental.json) is committed, so it is kept small: what Stryker's
// incremental mode needs to reuse a result, and no more. A killed mutant is reused when its killing
// test is unchanged (`killedBy`); its other covering tests and the failure text are dropped, as is
// the type error of a mutant that did not compile (those are checked again on every run). Written
// without indentation. Stryker reads the record back as it is.
import { readFileSync, writeFileSync } from 'node:fs';

type RecordedMutant = Record<string, unknown> & { status: string };
interface Record_ {
  files: Record<string, { mutants: RecordedMutant[] }>;
}

export function compactRecord(path: string): void {
  const record = JSON.parse(readFileSync(path, 'utf8')) as Record_;
  for (const file of Object.values(record.files)) {
    file.mutants = file.mutants.map((mutant) => {
      if (mutant.status === 'CompileError') return { ...mutant, statusReason: undefined };
      if (mutant.status === 'Killed') return { ...mutant, statusReason: undefined, coveredBy: undefined };
      return mutant;
    });
  }
  writeFileSync(path, JSON.stringify(record));
}
