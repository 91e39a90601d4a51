import type { ErrorCode } from './error-codes.js';

/** The base of every error the engine raises: a stable `code` and, when there is one, the `cause`. */
export class EngineError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EngineError';
    this.code = code;
  }
}

/** One problem found in a pipeline definition: where it is and what to do about it. */
export interface PipelineIssue {
  readonly code: ErrorCode;
  readonly file: string;
  readonly stepId?: string;
  /** 1-based line in the file, when the definition came from YAML. */
  readonly line?: number;
  readonly message: string;
}

/** Formats an issue as `file:line step 'id': message [CODE]`. */
export function formatIssue(issue: PipelineIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  const step = issue.stepId === undefined ? '' : ` step '${issue.stepId}'`;
  return `${where}${step}: ${issue.message} [${issue.code}]`;
}

/** A pipeline that cannot be compiled; carries every issue found, not only the first. */
export class PipelineDefinitionError extends EngineError {
  readonly issues: readonly PipelineIssue[];

  constructor(issues: readonly PipelineIssue[]) {
    const first = issues[0];
    super(first?.code ?? 'PIPELINE_INVALID_DEFINITION', issues.map(formatIssue).join('\n'));
    this.name = 'PipelineDefinitionError';
    this.issues = issues;
  }
}

/** A failure inside an operator at run time (sources, sinks). */
export class OperatorError extends EngineError {
  readonly stepId: string;

  constructor(code: ErrorCode, stepId: string, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'OperatorError';
    this.stepId = stepId;
  }
}

/** Text of any thrown value, for dead letters and logs. */
export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A feature engine or WebAssembly kernel problem: a bad spec, a non-finite input, a missing module. */
export class KernelError extends EngineError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'KernelError';
  }
}

/**
 * A failure on the NinjaTrader link, with the WebSocket close code the gateway sends for it
 * (docs/protocol.md §5); `closeCode` is undefined when the connection stays open.
 */
export class GatewayError extends EngineError {
  readonly closeCode: number | undefined;

  constructor(code: ErrorCode, message: string, closeCode?: number, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'GatewayError';
    this.closeCode = closeCode;
  }
}

/** A failure of the DuckDB store: opening, migrating, committing or querying. */
export class StorageError extends EngineError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
    this.name = 'StorageError';
  }
}
