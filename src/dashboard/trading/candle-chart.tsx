import {
  CandlestickSeries,
  ColorType,
  createChart,
  createSeriesMarkers,
  LineStyle,
  type CandlestickData,
  type IChartApi,
  type IPriceLine,
  type ISeriesApi,
  type ISeriesMarkersPluginApi,
  type Time,
  type UTCTimestamp,
} from 'lightweight-charts';
import { useEffect, useRef } from 'preact/hooks';
import { chartTime, COLORS, levelsOf, marksOf } from './chart-marks.js';
import type { Bar, Fill, Signal } from './trading-types.js';

function candle(bar: Bar): CandlestickData<Time> {
  return {
    time: chartTime(bar.ts) as UTCTimestamp,
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
  };
}

interface Drawn {
  readonly chart: IChartApi;
  readonly series: ISeriesApi<'Candlestick'>;
  readonly markers: ISeriesMarkersPluginApi<Time>;
  lines: IPriceLine[];
  /** The bars already given to the chart: new ones are appended with `update`, not redrawn. */
  bars: readonly Bar[];
}

/**
 * One instrument's live candles (TradingView's lightweight-charts, on canvas) with the signal and
 * fill markers and the latest signal's entry, stop and target lines. The figure element carries
 * what is drawn as text too (`data-bars`, `data-markers` and a caption), for screen readers and tests.
 */
export function CandleChart(props: {
  readonly symbol: string;
  readonly bars: readonly Bar[];
  readonly signals: readonly Signal[];
  readonly fills: readonly Fill[];
}) {
  const host = useRef<HTMLDivElement>(null);
  const drawn = useRef<Drawn | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const chart = createChart(host.current, {
      autoSize: true,
      // The logo injects an inline <style>, which the page's CSP refuses: attribution is a link below.
      layout: {
        background: { type: ColorType.Solid, color: '#161b22' },
        textColor: '#9da7b3',
        attributionLogo: false,
      },
      grid: { vertLines: { color: '#21262d' }, horzLines: { color: '#21262d' } },
      // Room right of the last bar for its marker's text.
      timeScale: { timeVisible: true, secondsVisible: true, rightOffset: 6 },
    });
    const series = chart.addSeries(CandlestickSeries, {
      upColor: COLORS.up,
      downColor: COLORS.down,
      wickUpColor: COLORS.up,
      wickDownColor: COLORS.down,
      borderVisible: false,
    });
    drawn.current = { chart, series, markers: createSeriesMarkers(series, []), lines: [], bars: [] };
    return () => {
      chart.remove();
      drawn.current = null;
    };
  }, []);

  useEffect(() => {
    const d = drawn.current;
    if (!d) return;
    const before = d.bars;
    const appended =
      before.length > 0 &&
      props.bars.length >= before.length &&
      props.bars[before.length - 1]?.ts === before.at(-1)?.ts;
    if (appended) for (const bar of props.bars.slice(before.length - 1)) d.series.update(candle(bar));
    else {
      d.series.setData(props.bars.map(candle));
      // A first or replaced history: show all of it; later bars scroll in as they come.
      d.chart.timeScale().fitContent();
    }
    d.bars = props.bars;
  }, [props.bars]);

  // Markers and lines are given to the chart only when they changed: each call redraws its canvas.
  const marks = marksOf(props.symbol, props.bars, props.signals, props.fills);
  const marksKey = marks.map((m) => `${String(m.time)} ${m.text}`).join('|');
  useEffect(() => {
    drawn.current?.markers.setMarkers(marks.map((m) => ({ ...m, time: m.time as UTCTimestamp })));
  }, [marksKey]);

  const levels = levelsOf(props.symbol, props.signals);
  const levelsKey = levels.map((l) => `${l.title} ${String(l.price)}`).join('|');
  useEffect(() => {
    const d = drawn.current;
    if (!d) return;
    // Lines move in place; only a change in their number adds or removes one.
    levels.forEach((level, i) => {
      const options = {
        price: level.price,
        color: level.color,
        title: level.title,
        lineWidth: 1,
        lineStyle: LineStyle.Dashed,
        axisLabelVisible: true,
      } as const;
      const line = d.lines[i];
      if (line) line.applyOptions(options);
      else d.lines.push(d.series.createPriceLine(options));
    });
    for (const line of d.lines.splice(levels.length)) d.series.removePriceLine(line);
  }, [levelsKey]);

  const last = props.bars.at(-1);
  return (
    <figure
      class="chart"
      data-symbol={props.symbol}
      data-bars={props.bars.length}
      data-markers={marks.length}
    >
      <div class="chart-canvas" ref={host} />
      <figcaption>
        <strong>{props.symbol}</strong>{' '}
        {last === undefined
          ? 'waiting for the first bar'
          : `${String(props.bars.length)} bars, last close ${String(last.close)}`}
        {`; ${String(marks.length)} markers`}
        {levels.length > 0 && `; ${levels.map((l) => `${l.title} ${String(l.price)}`).join(', ')}`}
      </figcaption>
    </figure>
  );
}
