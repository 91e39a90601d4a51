import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A helper script of the suite in its own Node process, speaking in lines on standard output. */
export interface ScriptProcess<Report> {
  readonly child: ChildProcess;
  /** Every `progress …` line's text after the word, latest last. */
  readonly progress: string[];
  /** The `report <json>` line, parsed; rejects when the process exits without one. */
  readonly report: Promise<Report>;
  /** Writes one line on the process's standard input. */
  say(line: string): void;
}

/** Runs `bench/chaos/<script>` with `options` as its JSON argument and ENIGMA_TOKEN set. */
export function startScript<Report>(script: string, options: unknown, token: string): ScriptProcess<Report> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', `bench/chaos/${script}`, JSON.stringify(options)],
    { cwd: ROOT, env: { ...process.env, ENIGMA_TOKEN: token }, stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const progress: string[] = [];
  let report: Report | undefined;
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    let newline = buffer.indexOf('\n');
    while (newline >= 0) {
      const line = buffer.slice(0, newline);
      buffer = buffer.slice(newline + 1);
      if (line.startsWith('report ')) report = JSON.parse(line.slice('report '.length)) as Report;
      else if (line.startsWith('progress ')) progress.push(line.slice('progress '.length));
      newline = buffer.indexOf('\n');
    }
  });
  const done = new Promise<Report>((resolve, reject) => {
    child.once('exit', (code, signal) => {
      if (report !== undefined) resolve(report);
      else reject(new Error(`bench/chaos/${script} exited (${signal ?? String(code)}) without a report`));
    });
  });
  done.catch(() => undefined);
  return {
    child,
    progress,
    report: done,
    say: (line) => {
      if (child.stdin?.writable) child.stdin.write(`${line}\n`);
    },
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
