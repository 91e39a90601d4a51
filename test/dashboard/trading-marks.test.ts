import { describe, expect, it } from 'vitest';
import type { Bar } from '../../src/core/events.js';
import { chartTime, levelsOf, marksOf } from '../../src/dashboard/trading/chart-marks.js';
import { decisionsOf, describeDecision } from '../../src/dashboard/trading/signal-decisions.js';
import type { Fill, Signal, TradeDecision } from '../../src/dashboard/trading/trading-types.js';
import { decisionOf } from '../../src/dashboard/trading/trading-types.js';

const ES = 'ES 12-26';
const MIN = 60_000_000;
const T = 1_795_964_400_000_000;

const bar = (ts: number): Bar => ({
  symbol: ES,
  ts,
  end: ts + MIN,
  open: 1,
  high: 2,
  low: 0,
  close: 1,
  volume: 1,
  buyVolume: 0,
  sellVolume: 0,
  trades: 1,
});
const signal = (ts: number, direction = 'long', symbol = ES): Signal => ({
  ts,
  source: 'enigma',
  symbol,
  direction,
  strength: 'strong',
  power: 12.4,
  confluence: 3,
  price: 6000,
  stop: 5990,
  targets: [6010, 6020],
});
/** `signalTs` undefined: a store row, which does not say; null: a live decision of an intent from no signal. */
const decision = (ts: number, outcome: string, signalTs?: number | null): TradeDecision => ({
  ts,
  intentId: `i-${String(ts)}`,
  account: 'SIM-50K',
  symbol: ES,
  outcome,
  reason: outcome === 'approved' ? 'within limits' : 'daily loss room 0',
  quantity: 2,
  signalTs: signalTs ?? null,
  linked: signalTs !== undefined,
});

describe('chart markers', () => {
  const bars = [bar(T), bar(T + MIN), bar(T + 2 * MIN)];

  it('puts a signal on the bar it fell in, its direction in the letter and the shape as well as the colour', () => {
    const [long, short] = [signal(T + MIN + 5_000_000), signal(T + 2 * MIN + 1, 'short')];
    expect(marksOf(ES, bars, [short, long], [])).toEqual([
      {
        time: chartTime(T + MIN),
        position: 'belowBar',
        shape: 'arrowUp',
        color: '#3fb950',
        text: 'L P12 C3',
      },
      {
        time: chartTime(T + 2 * MIN),
        position: 'aboveBar',
        shape: 'arrowDown',
        color: '#f85149',
        text: 'S P12 C3',
      },
    ]);
  });

  it('leaves out what came before the first bar and what is of another instrument, and sorts by time', () => {
    const fill: Fill = {
      ts: T + 30,
      fillId: 'f-1',
      clientOrderId: 'o-1',
      account: 'SIM-50K',
      symbol: ES,
      side: 'sell',
      quantity: 2,
      price: 6001.25,
      commission: 4,
    };
    const marks = marksOf(
      ES,
      bars,
      [signal(T + 2 * MIN), signal(T - 1), signal(T, 'long', 'NQ 12-26')],
      [fill],
    );
    expect(marks.map((m) => [m.time, m.text])).toEqual([
      [chartTime(T), 'S 2@6001.25'],
      [chartTime(T + 2 * MIN), 'L P12 C3'],
    ]);
  });

  it("draws the latest signal's entry, stop and every target", () => {
    const older = { ...signal(T), price: 1 };
    expect(levelsOf(ES, [signal(T + MIN), older]).map((l) => `${l.title} ${String(l.price)}`)).toEqual([
      'entry 6000',
      'stop 5990',
      'target 1 6010',
      'target 2 6020',
    ]);
    expect(levelsOf('NQ 12-26', [signal(T)])).toEqual([]);
  });
});

describe("a signal's risk decisions", () => {
  it('are those that name its time, when the decision carries the intent', () => {
    const signals = [signal(T + MIN), signal(T)];
    const ours = decision(T + 2 * MIN, 'approved', T);
    // A manual order's decision (its intent names no signal) belongs to no signal, whatever its time.
    const manual = decision(T + 5, 'approved', null);
    const other = decision(T + 10, 'denied', T + MIN);
    expect(decisionsOf(signals[1] as Signal, signals, [ours, manual, other])).toEqual([ours]);
  });

  it("are by time when the store's row does not name the signal: up to the instrument's next signal", () => {
    const signals = [signal(T + MIN), signal(T)];
    const first = decision(T + 10, 'approved');
    const second = decision(T + 20, 'denied');
    const later = decision(T + MIN + 10, 'approved');
    expect(decisionsOf(signals[1] as Signal, signals, [later, second, first])).toEqual([first, second]);
    expect(describeDecision(second)).toBe('SIM-50K denied 2: daily loss room 0');
    expect(describeDecision(first)).toBe('SIM-50K approved 2');
  });

  it("fold the store's row and the bus's decision into one shape", () => {
    const bus = {
      ts: T,
      intentId: 'i-1',
      account: 'A',
      symbol: ES,
      outcome: 'approved',
      reason: 'ok',
      intent: { quantity: 3, signalTs: T - 1 },
    };
    expect(decisionOf(bus)).toEqual({
      ts: T,
      intentId: 'i-1',
      account: 'A',
      symbol: ES,
      outcome: 'approved',
      reason: 'ok',
      quantity: 3,
      signalTs: T - 1,
      linked: true,
    });
    const row = {
      ts: T,
      intentId: 'i-2',
      account: 'A',
      symbol: ES,
      side: 'buy',
      quantity: null,
      outcome: 'denied',
      code: 'X',
      reason: 'r',
      limit: null,
      value: null,
      by: null,
    };
    expect(decisionOf(row)).toMatchObject({ quantity: null, signalTs: null, linked: false });
  });
});
