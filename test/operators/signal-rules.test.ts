import { describe, it } from 'vitest';
import { signalRules } from '../../src/operators/signal-rules.js';
import type { InputInfo } from '../../src/pipeline/operator.js';
import { toOperator } from '../../src/pipeline/to-operator.js';
import { marbles } from './marbles.js';

const FEATURES: InputInfo[] = [
  {
    stepId: 'features',
    type: 'features',
    numericFields: ['ema9', 'ema21', 'atr14', 'bars.close'],
    textFields: ['symbol'],
  },
];
const M = 60_000_000;

function features(ts: number, ema9: number, ema21: number, close = 100.1) {
  return { symbol: 'ES 12-26', ts, values: { ema9, ema21, atr14: 1.1, 'bars.close': close } };
}

const RULES = {
  cooldown: '30s',
  rules: [
    {
      name: 'cross-up',
      when: 'ema9 > ema21',
      direction: 'long',
      strength: 'strong',
      power: '(ema9 - ema21) * 10',
      confluence: 3,
      price: 'bars.close',
      stop: 'bars.close - 2 * atr14',
      targets: ['bars.close + 2 * atr14'],
    },
    { name: 'cross-down', when: 'ema9 < ema21', direction: 'short', price: 'bars.close' },
  ],
};

describe('signalRules', () => {
  it('fires on the rising edge of a rule and rounds prices to the tick', () => {
    marbles().run(({ cold, expectObservable }) => {
      const input = cold('abcde|', {
        a: features(1 * M, 1, 2),
        b: features(2 * M, 3, 2),
        c: features(3 * M, 4, 2),
        d: features(4 * M, 1, 2),
        e: features(10 * M, 0, 2),
      });
      expectObservable(input.pipe(toOperator(signalRules, RULES, FEATURES))).toBe('ab-d-|', {
        a: {
          source: 'standalone.signalRules',
          symbol: 'ES 12-26',
          ts: M,
          direction: 'short',
          strength: 'normal',
          power: 1,
          confluence: 1,
          price: 100,
          metadata: { rule: 'cross-down' },
        },
        b: {
          source: 'standalone.signalRules',
          symbol: 'ES 12-26',
          ts: 2 * M,
          direction: 'long',
          strength: 'strong',
          power: 10,
          confluence: 3,
          price: 100,
          stop: 98,
          targets: [102.25],
          metadata: { rule: 'cross-up' },
        },
        d: {
          source: 'standalone.signalRules',
          symbol: 'ES 12-26',
          ts: 4 * M,
          direction: 'short',
          strength: 'normal',
          power: 1,
          confluence: 1,
          price: 100,
          metadata: { rule: 'cross-down' },
        },
      });
    });
  });

  it('stays quiet for the cooldown after a signal, whichever rule fires next', () => {
    marbles().run(({ cold, expectObservable }) => {
      const input = cold('abc|', {
        a: features(1 * M, 1, 2),
        b: features(2 * M, 3, 2),
        c: features(7 * M, 1, 2),
      });
      const out = input.pipe(toOperator(signalRules, { ...RULES, cooldown: '5m' }, FEATURES));
      expectObservable(out).toBe('a-c|', {
        a: {
          source: 'standalone.signalRules',
          symbol: 'ES 12-26',
          ts: M,
          direction: 'short',
          strength: 'normal',
          power: 1,
          confluence: 1,
          price: 100,
          metadata: { rule: 'cross-down' },
        },
        c: {
          source: 'standalone.signalRules',
          symbol: 'ES 12-26',
          ts: 7 * M,
          direction: 'short',
          strength: 'normal',
          power: 1,
          confluence: 1,
          price: 100,
          metadata: { rule: 'cross-down' },
        },
      });
    });
  });
});
