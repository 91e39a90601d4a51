import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export const PLOT_COLORS = {
  line: '#58a6ff',
  drawdown: '#f85149',
  gain: '#3fb950',
  loss: '#f85149',
} as const;

export interface PlotProps {
  /** The figure's caption: what is drawn, in words (the numbers are in the tables beside it). */
  readonly caption: string;
  /** What the y values are, for the axis and the legend. */
  readonly label: string;
  /** Times in epoch seconds, ascending. */
  readonly x: readonly number[];
  readonly y: readonly number[];
  /** The time range shown: the period, so one point still has an axis. */
  readonly range: readonly [number, number];
  readonly kind: 'line' | 'area' | 'bars';
  readonly color: string;
  readonly format: (value: number) => string;
  readonly testId: string;
}

const HEIGHT = 220;
const utc = (seconds: number): Date => uPlot.tzDate(new Date(seconds * 1000), 'Etc/UTC');

/** `14:00` within a day or two, `11-24` over longer ranges: UTC, 24-hour, as the rest of the page. */
function timeLabel(seconds: number, range: readonly [number, number]): string {
  const iso = new Date(seconds * 1000).toISOString();
  return range[1] - range[0] <= 2 * 86_400 ? iso.slice(11, 16) : iso.slice(5, 10);
}

/** A range around the values with a margin, so a flat curve is a line in the middle, not on an edge. */
function padded(min: number, max: number): [number, number] {
  const margin = Math.max((max - min) * 0.1, Math.abs(max) * 0.001, 1);
  return [min - margin, max + margin];
}

/** Bars take their colour from their sign (gains green, losses red); the values say the sign too. */
function barFill(u: uPlot, seriesIdx: number): CanvasGradient | string {
  const { ctx } = u;
  const values = (u.data[seriesIdx] ?? []).map((v) => v ?? 0);
  const top = u.valToPos(Math.max(0, ...values), 'y', true);
  const zero = u.valToPos(0, 'y', true);
  const bottom = u.valToPos(Math.min(0, ...values), 'y', true);
  if (!(bottom > top)) return PLOT_COLORS.gain;
  const gradient = ctx.createLinearGradient(0, top, 0, bottom);
  const at = Math.min(1, Math.max(0, (zero - top) / (bottom - top)));
  gradient.addColorStop(0, PLOT_COLORS.gain);
  gradient.addColorStop(at, PLOT_COLORS.gain);
  gradient.addColorStop(at, PLOT_COLORS.loss);
  gradient.addColorStop(1, PLOT_COLORS.loss);
  return gradient;
}

/**
 * One time series on a uPlot canvas (small and fast; it draws thousands of points without a
 * pause), sized to its container and redrawn when the data changes. Times are shown in UTC, as the
 * report's days are UTC days.
 */
export function Plot(props: PlotProps) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const bars = props.kind === 'bars';
    const plot = new uPlot(
      {
        width: Math.max(200, element.clientWidth),
        height: HEIGHT,
        tzDate: utc,
        legend: { show: false },
        cursor: { drag: { x: false, y: false } },
        scales: {
          x: { time: true, range: () => [props.range[0], props.range[1]] },
          // Drawdown and daily P&L are read against zero; equity against its own range.
          y: {
            range: (_u, min, max) =>
              props.kind === 'line' ? padded(min, max) : [Math.min(min, 0), Math.max(max, 0)],
          },
        },
        axes: [
          {
            stroke: '#9da7b3',
            grid: { stroke: '#30363d' },
            ticks: { stroke: '#30363d' },
            values: (_u, values) => values.map((v) => timeLabel(v, props.range)),
          },
          {
            stroke: '#9da7b3',
            grid: { stroke: '#30363d' },
            ticks: { stroke: '#30363d' },
            size: 70,
            values: (_u, values) => values.map((v) => props.format(v)),
          },
        ],
        series: [
          {},
          {
            label: props.label,
            stroke: bars ? 'transparent' : props.color,
            width: 2,
            ...(props.kind === 'area' && { fill: `${props.color}55` }),
            ...(bars && {
              fill: barFill,
              paths: uPlot.paths.bars?.({ size: [0.6, 48] }),
              points: { show: false },
            }),
            // Equity changes only when a trade closes: held flat until then, never a slope between.
            ...(!bars && {
              paths: uPlot.paths.stepped?.({ align: 1 }),
              points: { show: props.x.length < 60, size: 5 },
            }),
          },
        ],
      },
      [[...props.x], [...props.y]],
      element,
    );
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(200, element.clientWidth), height: HEIGHT }),
    );
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [props.x, props.y, props.range[0], props.range[1], props.kind]);

  return (
    <figure class="plot" data-testid={props.testId} data-points={String(props.x.length)}>
      <div ref={host} class="plot-canvas" aria-hidden="true" />
      <figcaption>{props.caption}</figcaption>
    </figure>
  );
}
