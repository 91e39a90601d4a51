import type { Document, LineCounter } from 'yaml';
import type { ConfigIssue } from './config-error.js';
import { displayPath, lineOf } from './yaml-places.js';

/** Collects issues with their lines. */
export class IssueList {
  readonly list: ConfigIssue[] = [];
  constructor(
    private readonly file: string,
    private readonly document: Document,
    private readonly lines: LineCounter,
  ) {}

  add(segments: readonly (string | number)[], message: string): void {
    const line = lineOf(this.document, this.lines, segments);
    this.list.push({
      file: this.file,
      ...(line !== undefined && { line }),
      path: displayPath(segments),
      message,
    });
  }

  sorted(): ConfigIssue[] {
    return this.list
      .map((issue, index) => ({ issue, index }))
      .sort((a, b) => (a.issue.line ?? Infinity) - (b.issue.line ?? Infinity) || a.index - b.index)
      .map(({ issue }) => issue);
  }
}
