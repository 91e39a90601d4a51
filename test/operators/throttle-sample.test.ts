import { describe, it } from 'vitest';
import { sample } from '../../src/operators/sample.js';
import { throttle } from '../../src/operators/throttle.js';
import { toOperator } from '../../src/pipeline/to-operator.js';
import { marbles, tick } from './marbles.js';

const S = 1_000_000;

describe('throttle', () => {
  it('lets one message per instrument through per interval of market time', () => {
    marbles().run(({ cold, expectObservable }) => {
      const a = tick(0, 1);
      const b = tick(S / 2, 2);
      const c = tick(S, 3);
      const n = tick(S / 2, 9, 1, 'buy', 'NQ 12-26');
      const d = tick(S + S / 2, 4);
      expectObservable(cold('abncd|', { a, b, n, c, d }).pipe(toOperator(throttle, { interval: '1s' }))).toBe(
        'a-nc-|',
        { a, n, c },
      );
    });
  });
});

describe('sample', () => {
  it('emits the last message of each interval when a later interval starts, and the last at the end', () => {
    marbles().run(({ cold, expectObservable }) => {
      const a = tick(0, 1);
      const b = tick(S / 2, 2);
      const c = tick(S + 1, 3);
      const d = tick(3 * S, 4);
      expectObservable(cold('abcd|', { a, b, c, d }).pipe(toOperator(sample, { interval: '1s' }))).toBe(
        '--bc(d|)',
        { b, c, d },
      );
    });
  });
});
