import type { Bar, Fill, Signal } from './trading-types.js';

/** Chart time: whole seconds since the epoch, UTC (the chart's `UTCTimestamp`). */
export function chartTime(micros: number): number {
  return Math.floor(micros / 1_000_000);
}

export interface Mark {
  /** The start of the bar the event fell in (chart seconds): a marker sits on a bar. */
  readonly time: number;
  readonly position: 'aboveBar' | 'belowBar' | 'inBar';
  readonly shape: 'arrowUp' | 'arrowDown' | 'circle' | 'square';
  readonly color: string;
  readonly text: string;
}

export const COLORS = {
  up: '#3fb950',
  down: '#f85149',
  neutral: '#9da7b3',
  fill: '#58a6ff',
  stop: '#f85149',
  target: '#3fb950',
  entry: '#d29922',
} as const;

/** The start of the last bar at or before `micros`; undefined before the first bar. */
function barOf(bars: readonly Bar[], micros: number): number | undefined {
  let lo = 0;
  let hi = bars.length - 1;
  let found: number | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const bar = bars[mid];
    if (bar === undefined) break;
    if (bar.ts <= micros) {
      found = bar.ts;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found === undefined ? undefined : chartTime(found);
}

/**
 * A signal as the Enigma indicator shows it: an arrow under the bar for long, over it for short,
 * with its power and confluence written (`L P12 C3`), so the letter carries the direction as
 * well as the colour.
 */
function signalMark(signal: Signal, time: number): Mark {
  const label = `P${signal.power.toFixed(0)} C${String(signal.confluence)}`;
  if (signal.direction === 'long')
    return { time, position: 'belowBar', shape: 'arrowUp', color: COLORS.up, text: `L ${label}` };
  if (signal.direction === 'short')
    return { time, position: 'aboveBar', shape: 'arrowDown', color: COLORS.down, text: `S ${label}` };
  return { time, position: 'inBar', shape: 'circle', color: COLORS.neutral, text: `N ${label}` };
}

function fillMark(fill: Fill, time: number): Mark {
  const buy = fill.side === 'buy';
  return {
    time,
    position: buy ? 'belowBar' : 'aboveBar',
    shape: 'square',
    color: COLORS.fill,
    text: `${buy ? 'B' : 'S'} ${String(fill.quantity)}@${String(fill.price)}`,
  };
}

/** The markers of one instrument's chart, in time order (the chart requires it); events before its first bar have no bar to sit on. */
export function marksOf(
  symbol: string,
  bars: readonly Bar[],
  signals: readonly Signal[],
  fills: readonly Fill[],
): Mark[] {
  const marks: Mark[] = [];
  for (const signal of signals) {
    if (signal.symbol !== symbol) continue;
    const time = barOf(bars, signal.ts);
    if (time !== undefined) marks.push(signalMark(signal, time));
  }
  for (const fill of fills) {
    if (fill.symbol !== symbol) continue;
    const time = barOf(bars, fill.ts);
    if (time !== undefined) marks.push(fillMark(fill, time));
  }
  return marks.sort((a, b) => a.time - b.time);
}

export interface Level {
  readonly price: number;
  readonly title: string;
  readonly color: string;
}

/** Entry, stop and targets of the instrument's latest signal (`signals` newest first). */
export function levelsOf(symbol: string, signals: readonly Signal[]): Level[] {
  const latest = signals.find((s) => s.symbol === symbol);
  if (!latest) return [];
  const levels: Level[] = [{ price: latest.price, title: 'entry', color: COLORS.entry }];
  if (latest.stop !== null && latest.stop !== undefined)
    levels.push({ price: latest.stop, title: 'stop', color: COLORS.stop });
  (latest.targets ?? []).forEach((price, i) =>
    levels.push({ price, title: `target ${String(i + 1)}`, color: COLORS.target }),
  );
  return levels;
}
