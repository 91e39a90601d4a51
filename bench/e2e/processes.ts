import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { LoadOptions, LoadReport } from './load-generator.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Engine and gateway counters the engine process prints when it stops. */
export interface EngineStats {
  readonly gateway: Readonly<Record<string, number>>;
  readonly store?: Readonly<Record<string, unknown>>;
  /** The live stream's counters, when it was served (StreamStats). */
  readonly stream?: Readonly<Record<string, number>>;
}

export interface EngineProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  readonly pid: number | undefined;
  /** The engine process's CPU time so far, ms (user and system, every thread); not for `cli`. */
  cpuMillis(): Promise<number>;
  /** SIGTERM; resolves with the engine's counters (undefined from `enigma run`, which prints none). */
  stop(): Promise<EngineStats | undefined>;
}

export type EngineKind = 'embedded' | 'cli' | 'bare';

export interface EngineProcessOptions {
  readonly token: string;
  readonly connections: number;
  /** Persist everything to DuckDB and ack once stored (embedded engine only). */
  readonly store: boolean;
  /**
   * `embedded` (default): bench/e2e/engine-process.ts, the Engine with gateway and store;
   * `cli`: `enigma run <pipeline> --listen 127.0.0.1:0 --no-trading --quiet` (from source, acks on acceptance);
   * `bare`: the bare engine (bare-engine.ts), the floor.
   */
  readonly engine?: EngineKind;
  /** For `cli`: the pipeline file to run. */
  readonly pipelineFile?: string;
  /** Serve the live stream (`/api/v1/stream`) for this viewer token (embedded engine only). */
  readonly streamToken?: string;
  /**
   * Run the engine as `enigma run --listen` builds it (API, dashboard, stream, registry tokens
   * from this data directory, a store) instead of the embedded one (dashboard-engine.ts).
   */
  readonly dashboardDataDir?: string;
}

function collectLines(child: ChildProcess, onLine: (line: string) => void): void {
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      onLine(buffer.slice(0, newline));
      buffer = buffer.slice(newline + 1);
      newline = buffer.indexOf('\n');
    }
  });
}

/** Starts the engine in a child process and waits for its `listening <url>` line. */
export async function startEngineProcess(options: EngineProcessOptions): Promise<EngineProcess> {
  const args =
    options.engine === 'cli'
      ? [
          '--import',
          'tsx',
          'src/cli/main.ts',
          'run',
          options.pipelineFile ?? '',
          '--listen',
          '127.0.0.1:0',
          '--no-trading',
          '--quiet',
        ]
      : [
          '--import',
          'tsx',
          'bench/e2e/engine-process.ts',
          '--connections',
          String(options.connections),
          ...(options.engine === 'bare' ? ['--bare'] : options.store ? ['--store'] : []),
          ...(options.streamToken !== undefined ? ['--stream'] : []),
          ...(options.dashboardDataDir !== undefined
            ? ['--dashboard', '--data-dir', options.dashboardDataDir]
            : []),
        ];
  // BENCH_CPU_PROF=<dir>: write a V8 CPU profile of the engine (every thread) into <dir>.
  const profile = process.env['BENCH_CPU_PROF'];
  const child = spawn(
    process.execPath,
    [...(profile ? ['--cpu-prof', '--cpu-prof-dir', profile] : []), ...args],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        ENIGMA_TOKEN: options.token,
        ...(options.streamToken !== undefined && { ENIGMA_STREAM_TOKEN: options.streamToken }),
      },
      // An IPC channel for `cpu` (engine-process.ts answers it; the CLI has none).
      stdio: options.engine === 'cli' ? ['ignore', 'pipe', 'inherit'] : ['ignore', 'pipe', 'inherit', 'ipc'],
    },
  );
  let stats: EngineStats | undefined;
  const url = await new Promise<string>((resolve, reject) => {
    collectLines(child, (line) => {
      if (line.startsWith('listening ')) resolve(line.slice('listening '.length).trim());
      if (line.startsWith('stats ')) stats = JSON.parse(line.slice('stats '.length)) as EngineStats;
    });
    child.once('exit', (code) => reject(new Error(`the engine process exited with ${String(code)}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url,
    pid: child.pid,
    cpuMillis() {
      return new Promise((resolve, reject) => {
        if (!child.connected) return reject(new Error('this engine process has no IPC channel'));
        child.once('message', (message: { cpu?: NodeJS.CpuUsage }) => {
          if (message.cpu) resolve((message.cpu.user + message.cpu.system) / 1000);
          else reject(new Error('the engine process did not report its CPU time'));
        });
        child.send('cpu');
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
      return stats;
    },
  };
}

/** Runs one load step in a fresh generator process and returns its report. */
export async function runGeneratorProcess(
  options: Omit<LoadOptions, 'token'>,
  token: string,
): Promise<LoadReport> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'bench/e2e/generator-process.ts', JSON.stringify(options)],
    { cwd: ROOT, env: { ...process.env, ENIGMA_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let report: LoadReport | undefined;
  collectLines(child, (line) => {
    if (line.startsWith('report ')) report = JSON.parse(line.slice('report '.length)) as LoadReport;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (report === undefined) throw new Error(`the load generator exited with ${String(code)} and no report`);
  return report;
}

/** A load step and what it cost the engine. */
export interface CostedStep {
  readonly report: LoadReport;
  /** The engine process's CPU time over the step (every thread), ms. */
  readonly engineCpuMillis: number;
}

/** Runs one load step (runGeneratorProcess) and reads the engine's CPU time around it. */
export async function runCostedStep(
  engine: EngineProcess,
  options: Omit<LoadOptions, 'token'>,
  token: string,
): Promise<CostedStep> {
  const before = await engine.cpuMillis();
  const report = await runGeneratorProcess(options, token);
  return { report, engineCpuMillis: (await engine.cpuMillis()) - before };
}

/** What the live-stream subscribers received (stream-subscribers.ts). */
export interface StreamReceived {
  readonly messages: number;
  readonly items: number;
  readonly dropped: number;
  readonly closes: number;
}

export interface StreamSubscribersProcess {
  /** SIGTERM; resolves with what the subscribers received. */
  stop(): Promise<StreamReceived | undefined>;
}

/** Starts `count` live-stream subscribers in a child process and waits until each has its snapshots. */
export async function startStreamSubscribers(
  engineUrl: string,
  token: string,
  count: number,
  connections: number,
): Promise<StreamSubscribersProcess> {
  const url = `${engineUrl.replace(/^http/, 'ws')}/api/v1/stream`;
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      'bench/e2e/stream-subscribers.ts',
      '--url',
      url,
      '--count',
      String(count),
      '--connections',
      String(connections),
    ],
    { cwd: ROOT, env: { ...process.env, ENIGMA_STREAM_TOKEN: token }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let received: StreamReceived | undefined;
  await new Promise<void>((resolve, reject) => {
    collectLines(child, (line) => {
      if (line === 'ready') resolve();
      if (line.startsWith('stream ')) received = JSON.parse(line.slice('stream '.length)) as StreamReceived;
    });
    child.once('exit', (code) => reject(new Error(`the stream subscribers exited with ${String(code)}`)));
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
      return received;
    },
  };
}
