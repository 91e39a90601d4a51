import { EngineError } from '../core/errors.js';

/** One problem in an engine configuration file: where it is and what to do about it. */
export interface ConfigIssue {
  readonly file: string;
  /** 1-based line, when the problem has a place in the file. */
  readonly line?: number;
  /** Where in the document, as `accounts[1].mode`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
}

/** Formats an issue as `file:line accounts[1].mode: message`. */
export function formatConfigIssue(issue: ConfigIssue): string {
  const where = issue.line === undefined ? issue.file : `${issue.file}:${issue.line}`;
  return `${where}${issue.path === '' ? '' : ` ${issue.path}`}: ${issue.message}`;
}

/** An engine configuration that cannot be used; carries every problem found, not only the first. */
export class ConfigError extends EngineError {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super('CONFIG_INVALID', issues.map(formatConfigIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
