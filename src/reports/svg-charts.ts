/** Small, dependency-free SVG charts for the self-contained HTML report. */

export interface ChartOptions {
  readonly title: string;
  readonly width?: number;
  readonly height?: number;
  /** Formats an axis value (default: two decimals). */
  readonly format?: (value: number) => string;
}

const PADDING = { top: 28, right: 16, bottom: 28, left: 72 };

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function frame(options: ChartOptions, body: string, min: number, max: number): string {
  const width = options.width ?? 720;
  const height = options.height ?? 220;
  const format = options.format ?? ((v: number) => v.toFixed(2));
  const innerHeight = height - PADDING.top - PADDING.bottom;
  const y = (value: number): number => PADDING.top + innerHeight * (1 - (value - min) / (max - min || 1));
  const ticks = [min, (min + max) / 2, max]
    .map(
      (value) =>
        `<text x="${PADDING.left - 6}" y="${y(value) + 4}" text-anchor="end" font-size="11">${escapeXml(format(value))}</text>` +
        `<line x1="${PADDING.left}" x2="${width - PADDING.right}" y1="${y(value)}" y2="${y(value)}" stroke="#ddd"/>`,
    )
    .join('');
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">` +
    `<title>${escapeXml(options.title)}</title>` +
    `<text x="${PADDING.left}" y="16" font-size="13" font-weight="bold">${escapeXml(options.title)}</text>` +
    ticks +
    body +
    '</svg>'
  );
}

function range(values: readonly number[], includeZero: boolean): [number, number] {
  let min = Math.min(...values, ...(includeZero ? [0] : []));
  let max = Math.max(...values, ...(includeZero ? [0] : []));
  if (!Number.isFinite(min) || !Number.isFinite(max)) [min, max] = [0, 1];
  if (min === max) [min, max] = [min - 1, max + 1];
  return [min, max];
}

/** A line through the values, evenly spaced left to right (an equity or drawdown curve). */
export function lineChart(
  values: readonly number[],
  options: ChartOptions & { color?: string; fill?: boolean },
): string {
  const width = options.width ?? 720;
  const height = options.height ?? 220;
  if (values.length === 0) return frame(options, '<text x="80" y="100" font-size="12">no data</text>', 0, 1);
  const [min, max] = range(values, options.fill === true);
  const innerWidth = width - PADDING.left - PADDING.right;
  const innerHeight = height - PADDING.top - PADDING.bottom;
  const x = (i: number): number =>
    PADDING.left + (values.length === 1 ? innerWidth / 2 : (innerWidth * i) / (values.length - 1));
  const y = (v: number): number => PADDING.top + innerHeight * (1 - (v - min) / (max - min));
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  const color = options.color ?? '#1f77b4';
  const area = options.fill
    ? `<polygon points="${x(0).toFixed(1)},${y(0).toFixed(1)} ${points} ${x(values.length - 1).toFixed(1)},${y(0).toFixed(1)}" fill="${color}" fill-opacity="0.25"/>`
    : '';
  return frame(
    options,
    `${area}<polyline points="${points}" fill="none" stroke="${color}" stroke-width="1.5"/>`,
    min,
    max,
  );
}

/** Labelled bars from zero, green above and red below (P&L per day, hit rates). */
export function barChart(bars: readonly { label: string; value: number }[], options: ChartOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 220;
  if (bars.length === 0) return frame(options, '<text x="80" y="100" font-size="12">no data</text>', 0, 1);
  const [min, max] = range(
    bars.map((b) => b.value),
    true,
  );
  const innerWidth = width - PADDING.left - PADDING.right;
  const innerHeight = height - PADDING.top - PADDING.bottom;
  const y = (v: number): number => PADDING.top + innerHeight * (1 - (v - min) / (max - min));
  const slot = innerWidth / bars.length;
  const body = bars
    .map((bar, i) => {
      const top = Math.min(y(bar.value), y(0));
      const barHeight = Math.max(1, Math.abs(y(bar.value) - y(0)));
      const left = PADDING.left + i * slot + slot * 0.15;
      const label =
        bars.length <= 31
          ? `<text x="${(left + slot * 0.35).toFixed(1)}" y="${height - 10}" text-anchor="middle" font-size="10">${escapeXml(bar.label)}</text>`
          : '';
      return (
        `<rect x="${left.toFixed(1)}" y="${top.toFixed(1)}" width="${(slot * 0.7).toFixed(1)}" height="${barHeight.toFixed(1)}" ` +
        `fill="${bar.value >= 0 ? '#2ca02c' : '#d62728'}"><title>${escapeXml(`${bar.label}: ${bar.value}`)}</title></rect>${label}`
      );
    })
    .join('');
  return frame(options, body, min, max);
}
