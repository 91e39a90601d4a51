/**
 * The suite's figures and checks, and the table it prints. A check either passes or fails; one
 * marked `fullOnly` decides the exit code of the full run only (the quick run still prints it).
 */
export interface Figure {
  readonly scenario: string;
  readonly name: string;
  readonly value: string;
  /** What the figure must be, in words (`= 0`, `≤ 10 %`), when it is a check. */
  readonly target?: string;
  readonly pass?: boolean;
  readonly fullOnly?: boolean;
}

/** A figure with no check. */
export function figure(scenario: string, name: string, value: string | number): Figure {
  return { scenario, name, value: format(value) };
}

/** A figure that must meet `target`. */
export function check(
  scenario: string,
  name: string,
  value: string | number,
  target: string,
  pass: boolean,
  options: { fullOnly?: boolean } = {},
): Figure {
  return { scenario, name, value: format(value), target, pass, ...(options.fullOnly && { fullOnly: true }) };
}

function format(value: string | number): string {
  if (typeof value === 'string') return value;
  if (!Number.isFinite(value)) return String(value);
  return Number.isInteger(value)
    ? value.toLocaleString('en-US')
    : value.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** The checks that fail the run: every failed check, except `fullOnly` ones in a quick run. */
export function failures(figures: readonly Figure[], quick: boolean): Figure[] {
  return figures.filter((f) => f.pass === false && !(quick && f.fullOnly));
}

/** A Markdown table (it reads as a plain table in a terminal too). */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [
    f.scenario,
    f.name,
    f.value,
    f.target ?? '',
    f.pass === undefined ? '' : f.pass ? 'ok' : f.fullOnly ? 'FAIL (full run only)' : 'FAIL',
  ]);
  const header = ['scenario', 'figure', 'value', 'target', 'result'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] as string).length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] as number)).join(' | ')} |`;
  return [line(header), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** Median of numbers (0 for none). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Least-squares slope of y over x. */
export function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  if (n < 2) return 0;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) * (x - mx);
  }
  return den === 0 ? 0 : num / den;
}

export const MB = 1024 * 1024;
export const ms = (micros: number): string => `${(micros / 1000).toFixed(1)} ms`;
