/**
 * The tearsheet's charts as inline SVG (no script, no library): time series on a real date axis,
 * a monthly heatmap and a histogram. Drawn in a 600-unit wide viewBox with 13-unit text, so on a
 * 390 px phone screen the chart scales to the width and its text stays about 9 px.
 */
import { isoFromMicros } from '../core/time.js';
import { escapeXml } from './svg-charts.js';

export const TEARSHEET_WIDTH = 600;
const HEIGHT = 260;
const FONT = 13;
const PAD = { top: 46, right: 12, bottom: 40, left: 64 };

export interface TimeSeries {
  readonly name: string;
  readonly color: string;
  /** One value per time; null leaves a gap (no figure there, e.g. before a rolling window fills). */
  readonly values: readonly (number | null)[];
  readonly fill?: boolean;
}

export interface TimeChartOptions {
  readonly title: string;
  readonly yLabel: string;
  readonly format: (value: number) => string;
  /** Draw the zero line and include 0 in the range. */
  readonly zero?: boolean;
}

const MICROS_PER_DAY = 86_400_000_000;

/** Date ticks between two instants: years, months or days, at most about seven of them. */
export function dateTicks(from: number, to: number): { ts: number; label: string }[] {
  const start = new Date(from / 1000);
  const months = (new Date(to / 1000).getUTCFullYear() - start.getUTCFullYear()) * 12 +
    new Date(to / 1000).getUTCMonth() - start.getUTCMonth();
  const ticks: { ts: number; label: string }[] = [];
  if (months >= 2) {
    const step = [1, 2, 3, 6, 12, 24, 60].find((m) => months / m <= 7) ?? 120;
    const cursor = new Date(Date.UTC(start.getUTCFullYear(), step >= 12 ? 0 : start.getUTCMonth(), 1));
    while (cursor.getTime() * 1000 <= to) {
      const ts = cursor.getTime() * 1000;
      if (ts >= from && cursor.getUTCMonth() % Math.min(step, 12) === 0)
        ticks.push({ ts, label: isoFromMicros(ts).slice(0, step >= 12 ? 4 : 7) });
      cursor.setUTCMonth(cursor.getUTCMonth() + (step >= 12 ? 12 : 1));
    }
    if (step >= 12 && ticks.length > 7) return ticks.filter((_, i) => i % Math.ceil(ticks.length / 7) === 0);
    return ticks;
  }
  const days = Math.max(1, (to - from) / MICROS_PER_DAY);
  const step = [1, 2, 7, 14].find((d) => days / d <= 7) ?? 14;
  for (let ts = Math.ceil(from / MICROS_PER_DAY) * MICROS_PER_DAY; ts <= to; ts += step * MICROS_PER_DAY)
    ticks.push({ ts, label: isoFromMicros(ts).slice(5, 10) });
  return ticks;
}

function yRange(values: readonly number[], zero: boolean): [number, number] {
  let min = Math.min(...values, ...(zero ? [0] : []));
  let max = Math.max(...values, ...(zero ? [0] : []));
  if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [0, 1];
  if (min === max) [min, max] = [min - 1, max + 1];
  return [min, max];
}

function header(title: string, height: number): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${TEARSHEET_WIDTH} ${height}" width="100%" role="img" class="chart">` +
    `<title>${escapeXml(title)}</title>` +
    `<text x="4" y="16" font-size="${FONT + 1}" font-weight="bold">${escapeXml(title)}</text>`
  );
}

function yAxis(min: number, max: number, y: (v: number) => number, format: (v: number) => string, label: string): string {
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => min + (max - min) * f);
  return (
    ticks
      .map(
        (v) =>
          `<line x1="${PAD.left}" x2="${TEARSHEET_WIDTH - PAD.right}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e4e4e4"/>` +
          `<text x="${PAD.left - 4}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" font-size="${FONT - 1}">${escapeXml(format(v))}</text>`,
      )
      .join('') +
    `<text class="y-label" x="4" y="30" font-size="${FONT - 1}" fill="#555">${escapeXml(label)}</text>`
  );
}

/** Lines (or filled areas) over real time: x is each point's instant, with date ticks on the axis. */
export function timeChart(times: readonly number[], series: readonly TimeSeries[], options: TimeChartOptions): string {
  const height = HEIGHT;
  const known = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  if (times.length === 0 || known.length === 0)
    return `${header(options.title, 80)}<text x="${PAD.left}" y="50" font-size="${FONT}">no data</text></svg>`;
  const [min, max] = yRange(known, options.zero === true || series.some((s) => s.fill));
  const from = times[0] as number;
  const to = Math.max(times[times.length - 1] as number, from + 1);
  const innerWidth = TEARSHEET_WIDTH - PAD.left - PAD.right;
  const innerHeight = height - PAD.top - PAD.bottom;
  const x = (ts: number): number => PAD.left + (innerWidth * (ts - from)) / (to - from);
  const y = (v: number): number => PAD.top + innerHeight * (1 - (v - min) / (max - min));
  const xAxis =
    `<line x1="${PAD.left}" x2="${TEARSHEET_WIDTH - PAD.right}" y1="${PAD.top + innerHeight}" y2="${PAD.top + innerHeight}" stroke="#888"/>` +
    dateTicks(from, to)
      .map(
        (tick) =>
          `<line x1="${x(tick.ts).toFixed(1)}" x2="${x(tick.ts).toFixed(1)}" y1="${PAD.top + innerHeight}" y2="${PAD.top + innerHeight + 4}" stroke="#888"/>` +
          `<text class="x-tick" x="${x(tick.ts).toFixed(1)}" y="${PAD.top + innerHeight + 18}" text-anchor="middle" font-size="${FONT - 1}">${tick.label}</text>`,
      )
      .join('');
  const zeroLine =
    options.zero && min < 0 && max > 0
      ? `<line x1="${PAD.left}" x2="${TEARSHEET_WIDTH - PAD.right}" y1="${y(0).toFixed(1)}" y2="${y(0).toFixed(1)}" stroke="#888"/>`
      : '';
  const lines = series
    .map((s) => {
      // Consecutive known values form one run; a null breaks the line.
      const runs: string[][] = [[]];
      s.values.forEach((v, i) => {
        if (v === null) runs.push([]);
        else (runs[runs.length - 1] as string[]).push(`${x(times[i] as number).toFixed(1)},${y(v).toFixed(1)}`);
      });
      return runs
        .filter((run) => run.length > 0)
        .map((run) => {
          const first = (run[0] as string).split(',')[0];
          const last = (run[run.length - 1] as string).split(',')[0];
          const area = s.fill
            ? `<polygon points="${first},${y(0).toFixed(1)} ${run.join(' ')} ${last},${y(0).toFixed(1)}" fill="${s.color}" fill-opacity="0.3"/>`
            : '';
          return `${area}<polyline points="${run.join(' ')}" fill="none" stroke="${s.color}" stroke-width="1.6"/>`;
        })
        .join('');
    })
    .join('');
  const legend =
    series.length > 1
      ? series
          .map(
            (s, i) =>
              `<rect x="${PAD.left + i * 200}" y="${height - 12}" width="12" height="4" fill="${s.color}"/>` +
              `<text x="${PAD.left + i * 200 + 16}" y="${height - 6}" font-size="${FONT - 1}">${escapeXml(s.name)}</text>`,
          )
          .join('')
      : '';
  return `${header(options.title, height)}${yAxis(min, max, y, options.format, options.yLabel)}${zeroLine}${xAxis}${lines}${legend}</svg>`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Years down, months across; each cell the month's return in percent (one decimal), green above
 * zero and red below, stronger the larger. `returns` is keyed `YYYY-MM`.
 */
export function monthlyHeatmap(returns: ReadonlyMap<string, number>, title: string): string {
  const years = [...new Set([...returns.keys()].map((k) => k.slice(0, 4)))].sort();
  const left = 44;
  const cell = (TEARSHEET_WIDTH - left - 4) / 12;
  const row = 24;
  const height = 44 + years.length * row;
  const largest = Math.max(1e-12, ...[...returns.values()].map(Math.abs));
  const heads = MONTHS.map(
    (m, i) =>
      `<text class="x-tick" x="${(left + (i + 0.5) * cell).toFixed(1)}" y="36" text-anchor="middle" font-size="${FONT - 1}">${m}</text>`,
  ).join('');
  const cells = years
    .map((year, r) => {
      const top = 42 + r * row;
      const label = `<text class="y-tick" x="${left - 4}" y="${top + 16}" text-anchor="end" font-size="${FONT - 1}">${year}</text>`;
      return (
        label +
        MONTHS.map((_, m) => {
          const key = `${year}-${String(m + 1).padStart(2, '0')}`;
          const value = returns.get(key);
          if (value === undefined) return '';
          const strength = 0.15 + 0.75 * Math.min(1, Math.abs(value) / largest);
          const color = value >= 0 ? `rgba(44,160,44,${strength.toFixed(2)})` : `rgba(214,39,40,${strength.toFixed(2)})`;
          const cx = left + m * cell;
          return (
            `<g class="cell" data-month="${key}" data-return="${value}">` +
            `<rect x="${cx.toFixed(1)}" y="${top}" width="${(cell - 2).toFixed(1)}" height="${row - 2}" fill="${color}"><title>${key}: ${(value * 100).toFixed(2)}%</title></rect>` +
            `<text x="${(cx + cell / 2 - 1).toFixed(1)}" y="${top + 16}" text-anchor="middle" font-size="${FONT - 1}">${(value * 100).toFixed(1)}</text></g>`
          );
        }).join('')
      );
    })
    .join('');
  return `${header(title, height)}${heads}${cells}</svg>`;
}

/** Bars of counts over equal-width bins of a value, with the value's axis below (percent) and counts at the left. */
export function histogram(
  bins: readonly { from: number; to: number; count: number }[],
  options: { title: string; xLabel: string; format: (value: number) => string },
): string {
  const height = HEIGHT;
  if (bins.length === 0)
    return `${header(options.title, 80)}<text x="${PAD.left}" y="50" font-size="${FONT}">no data</text></svg>`;
  const innerWidth = TEARSHEET_WIDTH - PAD.left - PAD.right;
  const innerHeight = height - PAD.top - PAD.bottom;
  const max = Math.max(1, ...bins.map((b) => b.count));
  const y = (v: number): number => PAD.top + innerHeight * (1 - v / max);
  const from = (bins[0] as { from: number }).from;
  const to = (bins[bins.length - 1] as { to: number }).to;
  const x = (v: number): number => PAD.left + (innerWidth * (v - from)) / (to - from || 1);
  const bars = bins
    .map(
      (b) =>
        `<rect x="${x(b.from).toFixed(1)}" y="${y(b.count).toFixed(1)}" width="${Math.max(1, x(b.to) - x(b.from) - 1).toFixed(1)}" height="${(y(0) - y(b.count)).toFixed(1)}" fill="#1f77b4"><title>${escapeXml(`${options.format(b.from)} to ${options.format(b.to)}: ${b.count}`)}</title></rect>`,
    )
    .join('');
  const ticks = [0, 0.25, 0.5, 0.75, 1]
    .map((f) => from + (to - from) * f)
    .map(
      (v, i) =>
        `<text class="x-tick" x="${x(v).toFixed(1)}" y="${PAD.top + innerHeight + 18}" text-anchor="${i === 0 ? 'start' : i === 4 ? 'end' : 'middle'}" font-size="${FONT - 1}">${escapeXml(options.format(v))}</text>`,
    )
    .join('');
  const xLabel = `<text x="${TEARSHEET_WIDTH / 2}" y="${height - 4}" text-anchor="middle" font-size="${FONT - 1}" fill="#555">${escapeXml(options.xLabel)}</text>`;
  return `${header(options.title, height)}${yAxis(0, max, y, (v) => v.toFixed(0), 'sessions')}${bars}${ticks}${xLabel}</svg>`;
}

/** Labelled bars from zero (yearly returns): green above, red below, the value written on each. */
export function labelledBars(
  bars: readonly { label: string; value: number }[],
  options: { title: string; yLabel: string; format: (value: number) => string },
): string {
  const height = 220;
  if (bars.length === 0)
    return `${header(options.title, 80)}<text x="${PAD.left}" y="50" font-size="${FONT}">no data</text></svg>`;
  const [min, max] = yRange(
    bars.map((b) => b.value),
    true,
  );
  const innerWidth = TEARSHEET_WIDTH - PAD.left - PAD.right;
  const innerHeight = height - PAD.top - PAD.bottom;
  const y = (v: number): number => PAD.top + innerHeight * (1 - (v - min) / (max - min));
  const slot = innerWidth / bars.length;
  const body = bars
    .map((bar, i) => {
      const left = PAD.left + i * slot + slot * 0.2;
      const top = Math.min(y(bar.value), y(0));
      return (
        `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${(slot * 0.6).toFixed(1)}" height="${Math.max(1, Math.abs(y(bar.value) - y(0))).toFixed(1)}" fill="${bar.value >= 0 ? '#2ca02c' : '#d62728'}"/>` +
        `<text x="${(left + slot * 0.3).toFixed(1)}" y="${(top - 3).toFixed(1)}" text-anchor="middle" font-size="${FONT - 1}">${escapeXml(options.format(bar.value))}</text>` +
        `<text class="x-tick" x="${(left + slot * 0.3).toFixed(1)}" y="${PAD.top + innerHeight + 18}" text-anchor="middle" font-size="${FONT - 1}">${escapeXml(bar.label)}</text>`
      );
    })
    .join('');
  return `${header(options.title, height)}${yAxis(min, max, y, options.format, options.yLabel)}${body}</svg>`;
}
