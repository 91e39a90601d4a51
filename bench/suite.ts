/** A benchmark suite: `bench/index.ts` runs every suite in `bench/suites/` and prints their tables. */
export interface SuiteOptions {
  /** `npm run bench:quick`: a smoke run, well under a minute in total. */
  readonly quick: boolean;
}

export interface SuiteResult {
  readonly name: string;
  /** One table: every row has the same keys; numbers are printed as they are. */
  readonly rows: readonly Readonly<Record<string, string | number>>[];
  /** Facts a reader needs beside the table (baseline used, conventions). */
  readonly notes?: readonly string[];
  /** Named figures that `bench/slo.json` sets targets for (e.g. `pipeline.replayTicksPerSecond`). */
  readonly figures?: Readonly<Record<string, number>>;
}

export type Suite = (options: SuiteOptions) => Promise<SuiteResult>;
