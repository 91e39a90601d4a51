import fc from 'fast-check';
import { firstValueFrom, from, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { window } from '../../src/operators/window.js';
import type { InputInfo } from '../../src/pipeline/operator.js';
import { toOperator } from '../../src/pipeline/to-operator.js';
import { marbles, tick } from './marbles.js';

const TICKS: InputInfo[] = [
  {
    stepId: 'market',
    type: 'tick',
    numericFields: ['ts', 'price', 'size', 'bid', 'ask'],
    textFields: ['symbol', 'side'],
  },
];

describe('window', () => {
  it('emits rolling aggregates once the window is full', () => {
    marbles().run(({ cold, expectObservable }) => {
      const ticks = cold('abcd|', { a: tick(1, 1), b: tick(2, 4), c: tick(3, 2), d: tick(4, 8) });
      const out = ticks.pipe(
        toOperator(
          window,
          { value: 'price', size: 3, aggregates: ['mean', 'min', 'max', 'range', 'first', 'last', 'sum'] },
          TICKS,
        ),
      );
      expectObservable(out).toBe('--xy|', {
        x: {
          symbol: 'ES 12-26',
          ts: 3,
          values: {
            'window.mean': 7 / 3,
            'window.min': 1,
            'window.max': 4,
            'window.range': 3,
            'window.first': 1,
            'window.last': 2,
            'window.sum': 7,
          },
        },
        y: {
          symbol: 'ES 12-26',
          ts: 4,
          values: {
            'window.mean': 14 / 3,
            'window.min': 2,
            'window.max': 8,
            'window.range': 6,
            'window.first': 4,
            'window.last': 8,
            'window.sum': 14,
          },
        },
      });
    });
  });

  it('matches a direct computation over every window (sample stdev, min, max)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { minLength: 2, maxLength: 300 }),
        fc.integer({ min: 2, max: 20 }),
        async (prices, size) => {
          const ticks = prices.map((price, i) => tick(i + 1, price));
          const out = await firstValueFrom(
            from(ticks).pipe(
              toOperator<ReturnType<typeof tick>, { values: Record<string, number> }>(
                window,
                { value: 'price', size, aggregates: ['stdev', 'min', 'max', 'mean'] },
                TICKS,
              ),
              toArray(),
            ),
          );
          expect(out.length).toBe(Math.max(0, prices.length - size + 1));
          out.forEach((features, index) => {
            const slice = prices.slice(index, index + size);
            const mean = slice.reduce((a, b) => a + b, 0) / size;
            const stdev = Math.sqrt(slice.reduce((a, b) => a + (b - mean) ** 2, 0) / (size - 1));
            const scale = Math.max(1, ...slice.map(Math.abs));
            expect(Math.abs((features.values['window.mean'] ?? NaN) - mean)).toBeLessThan(1e-9 * scale);
            expect(Math.abs((features.values['window.stdev'] ?? NaN) - stdev)).toBeLessThan(1e-9 * scale);
            expect(features.values['window.min']).toBe(Math.min(...slice));
            expect(features.values['window.max']).toBe(Math.max(...slice));
          });
        },
      ),
      { numRuns: 60 },
    );
  });
});
