import { pino, type DestinationStream, type Logger } from 'pino';
import { RotatingFile, type RotatingFileOptions } from './rotating-file.js';
import { redactSecrets, REDACTED, SECRET_KEYS } from './secrets.js';
import { formatTerminalLine } from './terminal-line.js';

export type { Logger } from 'pino';

/** The levels, most severe first; `silent` writes nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

const SEVERITY: Readonly<Record<LogLevel, number>> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
  silent: Infinity,
};

export function isLogLevel(text: string): text is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(text);
}

/** Where a terminal's lines go: standard error by default. */
export interface TerminalOutput {
  write(text: string): unknown;
  /** On a TTY each line first clears the live status line, which redraws itself on its next tick. */
  readonly isTTY?: boolean;
}

export interface EngineLoggerOptions {
  /** What the JSON file keeps. Default `info`. */
  readonly level?: LogLevel;
  /** What is also printed on the terminal. Default `warn` (info lines stay in the file). */
  readonly terminalLevel?: LogLevel;
  /** JSON lines go to this file (e.g. `<dataDir>/logs/engine.log`), size-capped and rotated. */
  readonly file?: string;
  readonly rotation?: Omit<RotatingFileOptions, 'onFailure'>;
  /** Default `process.stderr`; `false` prints nothing. */
  readonly terminal?: TerminalOutput | false;
}

/** The engine's logger and what must be done with its file at the end. */
export interface EngineLogger {
  /** The root logger; components take `logger.child({ component: 'gateway' })`. */
  readonly logger: Logger;
  /**
   * The same file, never the terminal: for what a command has already printed for its user in its
   * own words (a summary, a failure) and the file should still record.
   */
  readonly fileOnly: Logger;
  /** Closes the log file (lines are written synchronously: nothing is pending). */
  close(): void;
}

const REDACT_PATHS = SECRET_KEYS.flatMap((key) => [key, `*.${key}`, `headers.${key}`, `*.headers.${key}`]);

const LEVEL_AT_START = /^\{"level":"([a-z]+)"/;

/**
 * The one logger of the engine (pino): JSON lines with `level`, `time` (ISO 8601), `component`
 * and `msg` to a size-capped file, and readable one-line output on the terminal. Secrets are
 * redacted twice: by key (`token`, `authorization`, `secret` … at any of the first two levels) as
 * pino serialises, then by value and pattern (`redactSecrets`) on the finished line, so neither
 * the file nor the terminal can show one. Not for the hot path: nothing may log per message.
 */
export function createEngineLogger(options: EngineLoggerOptions = {}): EngineLogger {
  const fileLevel = options.level ?? 'info';
  const terminalLevel = options.terminalLevel ?? 'warn';
  const terminal = options.terminal === undefined ? process.stderr : options.terminal;
  let file: RotatingFile | undefined;
  if (options.file !== undefined) {
    const path = options.file;
    file = new RotatingFile(path, {
      ...options.rotation,
      onFailure: (error) => {
        // Said once on the terminal; the engine goes on without its file.
        if (terminal)
          terminal.write(`log file ${path} cannot be written: ${error.message} [LOG_FILE_FAILED]\n`);
      },
    });
  }
  const fileFloor = file ? SEVERITY[fileLevel] : Infinity;
  const terminalFloor = terminal ? SEVERITY[terminalLevel] : Infinity;
  const destination = (toTerminal: boolean): DestinationStream => ({
    write(line: string) {
      const severity = SEVERITY[(LEVEL_AT_START.exec(line)?.[1] ?? 'info') as LogLevel] ?? SEVERITY.info;
      const clean = redactSecrets(line);
      if (severity >= fileFloor) file?.write(clean);
      if (toTerminal && terminal && severity >= terminalFloor) {
        const text = terminalText(clean);
        terminal.write(terminal.isTTY === true ? `\r\x1b[K${text}\n` : `${text}\n`);
      }
    },
  });
  const create = (floor: number, toTerminal: boolean): Logger =>
    pino(
      {
        level: LOG_LEVELS.find((name) => SEVERITY[name] === floor) ?? 'silent',
        base: { pid: process.pid },
        timestamp: pino.stdTimeFunctions.isoTime,
        formatters: { level: (label) => ({ level: label }) },
        redact: { paths: REDACT_PATHS, censor: REDACTED },
      },
      destination(toTerminal),
    );
  return {
    logger: create(Math.min(fileFloor, terminalFloor), true),
    fileOnly: create(fileFloor, false),
    close: () => file?.close(),
  };
}

/** The readable form of a (redacted) JSON line; the line itself should it not parse. */
function terminalText(line: string): string {
  try {
    return formatTerminalLine(JSON.parse(line) as Record<string, unknown>);
  } catch {
    return line.trimEnd();
  }
}

/** A logger that writes nothing: the default of every part that takes one. */
export const SILENT_LOGGER: Logger = pino({ level: 'silent' }, { write: () => undefined });
