/** What one run of the suite does; `quick` is the CI version (about four minutes on 2 cores). */
export interface ChaosSettings {
  readonly quick: boolean;
  readonly token: string;
  /** Scratch folder for the engines' data (removed at the end unless --keep). */
  readonly workDir: string;
  readonly seed: number;
  readonly fuzz: {
    readonly frames: number;
    /** The storm stops after this long even if fewer frames were sent (the check then fails). */
    readonly maxMs: number;
    readonly healthyRate: number;
    /** The healthy client's "before" phase. */
    readonly phaseMs: number;
    /** The "after" phase: the engine settles, then its RSS is compared with the start. */
    readonly afterMs: number;
  };
  readonly kill: {
    readonly rate: number;
    /** `kill -9`s at random moments (plus one timed on a checkpoint, one on a commit). */
    readonly randomKills: number;
    readonly clientDrops: number;
  };
  readonly disk: {
    readonly rate: number;
    readonly tmpfsMb: number;
    /** How long the disk stays broken, and how long the engine gets to recover after the repair. */
    readonly holdMs: number;
    readonly recoveryMs: number;
  };
  readonly soak: { readonly rate: number; readonly minutes: number };
  /** DuckDB settings over the store's defaults for every engine of the run (`--duckdb k=v,…`): an experiment. */
  readonly duckdb?: Readonly<Record<string, string>>;
}

export function chaosSettings(options: {
  quick: boolean;
  token: string;
  workDir: string;
  seed: number;
  soakMinutes?: number;
  frames?: number;
  duckdb?: Readonly<Record<string, string>>;
}): ChaosSettings {
  const quick = options.quick;
  return {
    quick,
    token: options.token,
    workDir: options.workDir,
    seed: options.seed,
    fuzz: {
      frames: options.frames ?? (quick ? 20_000 : 1_000_000),
      maxMs: quick ? 45_000 : 40 * 60_000,
      healthyRate: 1000,
      phaseMs: quick ? 6_000 : 20_000,
      afterMs: quick ? 12_000 : 45_000,
    },
    kill: { rate: 10_000, randomKills: quick ? 2 : 8, clientDrops: quick ? 2 : 5 },
    disk: { rate: 2_000, tmpfsMb: 48, holdMs: quick ? 4_000 : 8_000, recoveryMs: quick ? 10_000 : 30_000 },
    soak: { rate: 10_000, minutes: options.soakMinutes ?? (quick ? 2 : 60) },
    ...(options.duckdb && { duckdb: options.duckdb }),
  };
}
