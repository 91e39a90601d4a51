/**
 * The engine under test: `node bin/enigma.js run <chaos pipeline> --listen 127.0.0.1:<port>` in a
 * child process with its own data folder, as a user runs it (the built CLI, the DuckDB store,
 * acks once stored). It can be killed with SIGKILL and started again on the same port and data,
 * and a preloaded probe (engine-probe.mjs) samples its memory and event-loop delay every second.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chaosPipelineYaml } from './pipeline.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROBE = fileURLToPath(new URL('./engine-probe.mjs', import.meta.url));

/** One line of the probe: bytes, and event-loop delay in ms over the last second. */
export interface ProbeSample {
  readonly t: number;
  /** `main`, or `worker-<id>` (the store's writer thread): rss is the process's, heap the thread's. */
  readonly thread: string;
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  readonly spaces: Readonly<Record<string, number>>;
  readonly loopP99: number;
  readonly loopMax: number;
  /** Store thread only: DuckDB's own accounting (`duckdb_memory()`), bytes in memory and spilled. */
  readonly duckdb?: { readonly memory: number; readonly temporary: number };
  /** Main thread only: the store's WAL size (bytes). */
  readonly wal?: number;
}

export interface ChaosEngineOptions {
  readonly token: string;
  /** Data folder: the pipeline file, the DuckDB store (`enigma.duckdb`), logs and probe samples. */
  readonly dataDir: string;
  /** Accounts whose signals come back as orders (one per writer client). */
  readonly accounts: readonly string[];
  /** Where the pipeline file, the log and the probe samples go (default `dataDir`): off a disk that fills. */
  readonly logDir?: string;
  /** DuckDB settings over the store's defaults, an experiment (engine-probe.mjs lays them on). */
  readonly duckdb?: Readonly<Record<string, string>>;
  /** Run V8's sampling heap profiler; SIGUSR2 (`signal('SIGUSR2')`) writes it to this file. */
  readonly heapProfile?: string;
  /** Extra node flags for the engine (`--heap-prof`, …). */
  readonly nodeFlags?: readonly string[];
}

/** A restartable engine process. */
export class ChaosEngine {
  private child: ChildProcess | undefined;
  private port = 0;
  /** Exits the harness did not ask for (crashes), with their code or signal. */
  readonly unexpectedExits: string[] = [];
  private expectingExit = false;
  readonly storePath: string;
  readonly logPath: string;
  readonly probePath: string;
  private readonly pipelinePath: string;

  constructor(private readonly options: ChaosEngineOptions) {
    this.storePath = join(options.dataDir, 'enigma.duckdb');
    const logDir = options.logDir ?? options.dataDir;
    this.logPath = join(logDir, 'engine.log');
    this.probePath = join(logDir, 'probe.jsonl');
    this.pipelinePath = join(logDir, 'chaos.yaml');
    writeFileSync(this.pipelinePath, chaosPipelineYaml(options.accounts));
  }

  get url(): string {
    return `http://127.0.0.1:${String(this.port)}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Starts the engine (on the port of the previous start, if any) and waits for `listening`. */
  async start(timeoutMs = 60_000): Promise<number> {
    const started = performance.now();
    const child = spawn(
      process.execPath,
      [
        ...(this.options.nodeFlags ?? []),
        '--import',
        PROBE,
        'bin/enigma.js',
        'run',
        this.pipelinePath,
        '--listen',
        `127.0.0.1:${String(this.port)}`,
        '--data-dir',
        this.options.dataDir,
        '--store',
        this.storePath,
        '--no-trading',
        '--quiet',
      ],
      {
        cwd: ROOT,
        env: {
          ...process.env,
          ENIGMA_TOKEN: this.options.token,
          CHAOS_PROBE_FILE: this.probePath,
          CHAOS_STORE_PATH: this.storePath,
          ...(this.options.duckdb && { CHAOS_DUCKDB_SETTINGS: JSON.stringify(this.options.duckdb) }),
          ...(this.options.heapProfile !== undefined && { CHAOS_HEAP_PROFILE: this.options.heapProfile }),
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    this.child = child;
    this.expectingExit = false;
    child.stderr?.on('data', (chunk: Buffer) => appendFileSync(this.logPath, chunk));
    child.once('exit', (code, signal) => {
      if (!this.expectingExit) this.unexpectedExits.push(signal ?? `exit ${String(code)}`);
    });
    const url = await new Promise<string>((resolve, reject) => {
      let buffer = '';
      const timer = setTimeout(
        () => reject(new Error('the engine did not start listening in time')),
        timeoutMs,
      );
      child.stdout?.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        const match = /listening (\S+)/.exec(buffer);
        if (match) {
          clearTimeout(timer);
          resolve(match[1] as string);
        }
      });
      child.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`the engine exited before listening (${signal ?? String(code)}); see ${this.logPath}`),
        );
      });
    });
    this.port = Number(new URL(url).port);
    return performance.now() - started;
  }

  /** Sends a signal: SIGTERM before a timed SIGKILL (an exit the harness expects), SIGUSR2 for the heap profile. */
  signal(signal: NodeJS.Signals): void {
    if (!this.child || !this.running) return;
    if (signal !== 'SIGUSR2') this.expectingExit = true;
    this.child.kill(signal);
  }

  /** `kill -9`: no drain, no flush, no goodbye. */
  async kill9(): Promise<void> {
    const child = this.child;
    if (!child || !this.running) return;
    this.expectingExit = true;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM (drain and flush), then SIGKILL after `graceMs`. Resolves with the exit code. */
  async stop(graceMs = 30_000): Promise<number | null> {
    const child = this.child;
    if (!child || !this.running) return child?.exitCode ?? null;
    this.expectingExit = true;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const code = await exited;
    clearTimeout(timer);
    return code;
  }

  /** Resident set size now, from /proc (bytes; 0 when the process is gone or /proc is missing). */
  rss(): number {
    const pid = this.child?.pid;
    if (pid === undefined || !this.running) return 0;
    try {
      const status = readFileSync(`/proc/${String(pid)}/status`, 'utf8');
      const match = /VmRSS:\s+(\d+) kB/.exec(status);
      return match ? Number(match[1]) * 1024 : 0;
    } catch {
      return 0;
    }
  }

  /** Every probe sample so far (all starts of this engine). */
  samples(): ProbeSample[] {
    if (!existsSync(this.probePath)) return [];
    return readFileSync(this.probePath, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as ProbeSample);
  }

  /** The engine's standard error so far (its log lines, warnings and alerts). */
  log(): string {
    return existsSync(this.logPath) ? readFileSync(this.logPath, 'utf8') : '';
  }
}
