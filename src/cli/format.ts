import type { PipelineMetricsSnapshot } from '../pipeline/runtime.js';

/** 1234567 → "1,234,567". */
export function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** Dollars with cents and the sign in front: $50,210.00, -$12.50. */
export function formatMoney(value: number): string {
  const text = Math.abs(value).toLocaleString('en-US', {
    minimumFractionDigits: 2,
    maximumFractionDigits: 2,
  });
  return `${value < 0 ? '-' : ''}$${text}`;
}

/** Nanoseconds in the unit that reads best: 850 ns, 12.3 µs, 4.56 ms. */
export function formatNanos(nanos: number): string {
  if (nanos < 1_000) return `${Math.round(nanos)} ns`;
  if (nanos < 1_000_000) return `${(nanos / 1_000).toFixed(1)} µs`;
  return `${(nanos / 1_000_000).toFixed(2)} ms`;
}

/** A plain text table with aligned columns. */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((header, column) =>
    Math.max(header.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, column) =>
        column === 0 ? cell.padEnd(widths[column] ?? 0) : cell.padStart(widths[column] ?? 0),
      )
      .join('  ');
  return [line(headers), line(widths.map((width) => '-'.repeat(width))), ...rows.map(line)].join('\n');
}

/** The end-of-run summary: totals, throughput and one row per step. */
export function formatSummary(pipelines: readonly PipelineMetricsSnapshot[], wallSeconds: number): string {
  const sections = pipelines.map((pipeline) => {
    const rate = wallSeconds > 0 ? pipeline.sourceMessages / wallSeconds : 0;
    const head =
      `pipeline ${pipeline.pipeline}: ${formatCount(pipeline.sourceMessages)} messages in ${wallSeconds.toFixed(2)} s ` +
      `(${formatCount(rate)} msg/s), graph latency p50 ${formatNanos(pipeline.latencyP50Nanos)} p99 ${formatNanos(pipeline.latencyP99Nanos)}, ` +
      `errors ${pipeline.errors}, dead letters ${pipeline.deadLetters}`;
    const rows = pipeline.steps.map((step) => [
      step.step,
      formatCount(step.in),
      formatCount(step.out),
      String(step.errors),
      String(step.deadLettered),
      step.timed > 0 ? formatNanos(step.p50Nanos) : '-',
      step.timed > 0 ? formatNanos(step.p99Nanos) : '-',
    ]);
    return `${head}\n${formatTable(['step', 'in', 'out', 'errors', 'dead', 'p50', 'p99'], rows)}`;
  });
  return `${sections.join('\n\n')}\n`;
}
