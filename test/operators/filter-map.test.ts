import { describe, expect, it } from 'vitest';
import { filter } from '../../src/operators/filter.js';
import { map } from '../../src/operators/map.js';
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

describe('filter', () => {
  it('keeps the messages for which the expression is true', () => {
    marbles().run(({ cold, expectObservable }) => {
      const a = tick(1, 100, 5);
      const b = tick(2, 101, 1, 'sell');
      const c = tick(3, 102, 7);
      const out = cold('abc|', { a, b, c }).pipe(
        toOperator(filter, { when: "size >= 5 and side == 'buy'" }, TICKS),
      );
      expectObservable(out).toBe('a-c|', { a, c });
    });
  });

  it('refuses an expression over a field the input does not have', () => {
    expect(() => toOperator(filter, { when: 'close > 1' }, TICKS)).toThrow(/unknown field 'close'/);
  });
});

describe('map', () => {
  it('computes named values keyed by the step id', () => {
    marbles().run(({ cold, expectObservable }) => {
      const out = cold('a|', { a: tick(7, 100.25, 3) }).pipe(
        toOperator(map, { values: { spread: 'ask - bid', notional: 'price * size' } }, TICKS),
      );
      expectObservable(out).toBe('a|', {
        a: { symbol: 'ES 12-26', ts: 7, values: { 'map.spread': 0.25, 'map.notional': 300.75 } },
      });
    });
  });

  it('errors the stream on a value that is not finite (a pipeline dead-letters it instead)', () => {
    marbles().run(({ cold, expectObservable }) => {
      const out = cold('a|', { a: tick(7, 100, 0) }).pipe(
        toOperator(map, { values: { perUnit: 'price / size' } }, TICKS),
      );
      expectObservable(out).toBe('#', undefined, new Error('map.perUnit is Infinity'));
    });
  });
});
