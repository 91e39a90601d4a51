import { describe, it } from 'vitest';
import { MICROS_PER_MINUTE } from '../../src/core/time.js';
import { bars } from '../../src/operators/bars.js';
import { toOperator } from '../../src/pipeline/to-operator.js';
import { marbles, tick } from './marbles.js';

const M = MICROS_PER_MINUTE;

describe('bars', () => {
  it('emits a time bar when the first tick of a later minute arrives, and the open bar at the end', () => {
    marbles().run(({ cold, expectObservable }) => {
      const ticks = cold('a-b-c-d|', {
        a: tick(M + 5, 100, 2, 'buy'),
        b: tick(M + 30_000_000, 99.75, 1, 'sell'),
        c: tick(2 * M + 1, 101, 3, 'buy'),
        d: tick(4 * M, 100.5, 1, 'unknown'),
      });
      expectObservable(ticks.pipe(toOperator(bars, { every: '1m' }))).toBe('----x-y(z|)', {
        x: {
          symbol: 'ES 12-26',
          ts: M,
          end: 2 * M,
          open: 100,
          high: 100,
          low: 99.75,
          close: 99.75,
          volume: 3,
          buyVolume: 2,
          sellVolume: 1,
          trades: 2,
        },
        y: {
          symbol: 'ES 12-26',
          ts: 2 * M,
          end: 3 * M,
          open: 101,
          high: 101,
          low: 101,
          close: 101,
          volume: 3,
          buyVolume: 3,
          sellVolume: 0,
          trades: 1,
        },
        z: {
          symbol: 'ES 12-26',
          ts: 4 * M,
          end: 5 * M,
          open: 100.5,
          high: 100.5,
          low: 100.5,
          close: 100.5,
          volume: 1,
          buyVolume: 0,
          sellVolume: 0,
          trades: 1,
        },
      });
    });
  });

  it('emits tick bars on their last tick, per instrument', () => {
    marbles().run(({ cold, expectObservable }) => {
      const ticks = cold('abcd|', {
        a: tick(1, 10),
        b: tick(2, 20, 1, 'buy', 'NQ 12-26'),
        c: tick(3, 12),
        d: tick(4, 22, 1, 'buy', 'NQ 12-26'),
      });
      expectObservable(ticks.pipe(toOperator(bars, { ticks: 2 }))).toBe('--xy|', {
        x: {
          symbol: 'ES 12-26',
          ts: 1,
          end: 3,
          open: 10,
          high: 12,
          low: 10,
          close: 12,
          volume: 2,
          buyVolume: 2,
          sellVolume: 0,
          trades: 2,
        },
        y: {
          symbol: 'NQ 12-26',
          ts: 2,
          end: 4,
          open: 20,
          high: 22,
          low: 20,
          close: 22,
          volume: 2,
          buyVolume: 2,
          sellVolume: 0,
          trades: 2,
        },
      });
    });
  });
});
