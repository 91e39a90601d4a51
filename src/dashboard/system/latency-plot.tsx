import { useEffect, useRef, useState } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { latency, timeOfDay } from '../format.js';
import type { LatencyHistory } from './latency-history.js';

const HEIGHT = 200;
/** The theme's accent and warning colours (styles.css): p50 blue, p99 amber, and named in the legend. */
const P50 = '#58a6ff';
const P99 = '#d29922';
const AXIS = { stroke: '#9da7b3', grid: { stroke: '#30363d', width: 1 }, ticks: { stroke: '#30363d' } };

const isDecade = (value: number): boolean => value > 0 && Math.abs(Math.log10(value) % 1) < 1e-9;
const decadesOnly = (_u: uPlot, splits: number[]): (number | null)[] =>
  splits.map((value) => (isDecade(value) ? value : null));

/** The time axis shows at least the last minute, even with one point (uPlot would span years). */
function timeWindow(times: readonly number[]): { min: number; max: number } | null {
  const first = times[0];
  const last = times.at(-1);
  return first === undefined || last === undefined ? null : { min: Math.min(first, last - 60), max: last };
}

function options(width: number): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    legend: { show: true, live: false },
    cursor: { show: false },
    // Latency spans decades (a p50 of µs, a p99 of ms): a log scale keeps both readable.
    scales: {
      // At least the last minute, even with one point (uPlot would otherwise span years).
      x: {
        time: true,
        range: (_u, min, max) => (max === null ? [0, 1] : [Math.min(min ?? max, max - 60), max]),
      },
      y: { distr: 3, log: 10 },
    },
    axes: [
      { ...AXIS },
      {
        ...AXIS,
        size: 60,
        // Lines and labels on the decades only (1 µs, 10 µs, 100 µs…), not on every 2…9 between.
        grid: { ...AXIS.grid, filter: decadesOnly },
        ticks: { ...AXIS.ticks, filter: decadesOnly },
        filter: decadesOnly,
        values: (_u, ticks) => ticks.map((micros) => (isDecade(micros) ? latency(micros * 1000) : '')),
      },
    ],
    series: [
      {},
      { label: 'p50', stroke: P50, width: 1.5, spanGaps: false },
      { label: 'p99', stroke: P99, width: 1.5, dash: [6, 3], spanGaps: false },
    ],
  };
}

/**
 * A pipeline's p50 and p99 over the last minutes (uPlot on a canvas), redrawn on each status. The
 * caption says the latest figures in words, for screen readers and for anyone who cannot tell the
 * lines apart by colour (p99 is also dashed).
 */
export function LatencyPlot(props: {
  readonly pipeline: string;
  readonly history: LatencyHistory;
  readonly live: boolean;
  readonly liveAt: number | null;
}) {
  const box = useRef<HTMLDivElement>(null);
  const [points, setPoints] = useState(() => props.history.ring(props.pipeline).size);
  const [latest, setLatest] = useState<{ p50: number | null; p99: number | null }>({ p50: null, p99: null });

  useEffect(() => {
    const element = box.current;
    if (!element) return undefined;
    const ring = () => props.history.ring(props.pipeline);
    const plot = new uPlot(options(Math.max(element.clientWidth, 200)), ring().columns(), element);
    const redraw = (): void => {
      const columns = ring().columns();
      plot.setData(columns);
      const visible = timeWindow(columns[0]);
      if (visible) plot.setScale('x', visible);
      setPoints(ring().size);
      const last = columns[0].length - 1;
      setLatest({ p50: columns[1][last] ?? null, p99: columns[2][last] ?? null });
    };
    redraw();
    const off = props.history.onChange(redraw);
    const resize = new ResizeObserver(() =>
      plot.setSize({ width: Math.max(element.clientWidth, 200), height: HEIGHT }),
    );
    resize.observe(element);
    return () => {
      off();
      resize.disconnect();
      plot.destroy();
    };
  }, [props.pipeline, props.history]);

  const span = Math.max(1, Math.ceil(points / 60));
  const figures =
    latest.p50 === null && latest.p99 === null
      ? 'no latency measured yet'
      : `latest p50 ${latency((latest.p50 ?? 0) * 1000)}, p99 ${latency((latest.p99 ?? 0) * 1000)}`;
  return (
    <figure class="latency-plot" data-pipeline={props.pipeline} data-points={String(points)}>
      <div
        ref={box}
        class="latency-canvas"
        role="img"
        aria-label={`Latency of ${props.pipeline}: ${figures}`}
      />
      <figcaption>
        {props.pipeline}: p50 (solid) and p99 (dashed) over the last {String(span)} min
        {' · '}
        {props.live
          ? figures
          : `NOT live: last figures from ${props.liveAt === null ? '—' : timeOfDay(props.liveAt)}`}
      </figcaption>
    </figure>
  );
}
