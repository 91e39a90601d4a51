// Mutation testing (`npm run mutate`; Stryker 9.6, the last line that runs on Node 20): Stryker
// changes the money and durability code one small mutation at a time and runs the tests that
// cover it; a mutant no test notices is a gap.
// An equivalent mutant (one that cannot change behaviour) is excluded where it stands, with
// `// Stryker disable next-line <mutator>: <why it is equivalent>`.
/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Only the tests that import the mutated files (vitest --related).
  vitest: { configFile: 'mutation/vitest.config.ts', related: true },
  dryRunTimeoutMinutes: 30,
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  typescriptChecker: { prioritizePerformanceOverAccuracy: true },
  // The modules whose score must stay at or above 90 % (mutation/scores.ts groups them).
  mutate: [
    'src/risk/**/*.ts',
    'src/execution/**/*.ts',
    'src/gateway/session.ts',
    'src/gateway/outbound-window.ts',
    'src/store/database-writer.ts',
    'src/store/watermarks.ts',
    'src/store/batch.ts',
    'src/kernels/reference/sizing.ts',
  ],
  coverageAnalysis: 'perTest',
  ignoreStatic: true,
  concurrency: 2,
  timeoutMS: 20_000,
  reporters: ['html', 'json', 'clear-text', 'progress'],
  htmlReporter: { fileName: 'reports/mutation/index.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // Results are kept between runs: only mutants whose code or covering tests changed run again.
  // mutation/check.ts joins the committed record (mutation/record/) into this file before a run
  // and splits it after.
  incremental: true,
  incrementalFile: 'reports/mutation/incremental.json',
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
