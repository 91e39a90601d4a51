import { describe, expect, it } from 'vitest';
import { compileExpression, type FieldScope } from '../../src/pipeline/expression.js';

const scope: FieldScope = {
  numeric: new Map([
    ['price', 'm.price'],
    ['size', 'm.size'],
    ['bb.upper', 'm.values["bb.upper"]'],
  ]),
  text: new Map([['side', 'm.side']]),
};
const message = { price: 10, size: 3, side: 'buy', values: { 'bb.upper': 12 } };

function evaluate(text: string, type: 'number' | 'boolean' = 'number'): unknown {
  return compileExpression(text, scope, type).evaluate(message);
}

describe('expressions', () => {
  it('follows arithmetic precedence and associativity', () => {
    expect(evaluate('1 + 2 * 3')).toBe(7);
    expect(evaluate('(1 + 2) * 3')).toBe(9);
    expect(evaluate('10 - 4 - 3')).toBe(3);
    expect(evaluate('2 * -price')).toBe(-20);
    expect(evaluate('7 % 4 + 1.5e1')).toBe(18);
    expect(evaluate('price / size')).toBeCloseTo(10 / 3, 15);
  });

  it('compares, combines and negates', () => {
    expect(evaluate('price > 5 and size <= 3', 'boolean')).toBe(true);
    expect(evaluate('price > 50 or not (size == 3)', 'boolean')).toBe(false);
    expect(evaluate("side == 'buy' && bb.upper - price >= 2", 'boolean')).toBe(true);
    expect(evaluate('side != "sell"', 'boolean')).toBe(true);
  });

  it('calls the math functions', () => {
    expect(evaluate('max(price, size, 11)')).toBe(11);
    expect(evaluate('abs(size - price) + sqrt(16) + round(2.5) + sign(-3)')).toBe(7 + 4 + 3 - 1);
  });

  it('lists the fields it reads', () => {
    expect(compileExpression('price > bb.upper', scope, 'boolean').fields).toEqual(['price', 'bb.upper']);
  });

  it.each([
    ['price >', 'ends too early'],
    ['price > 1 1', "unexpected '1'"],
    ['close > 1', "unknown field 'close' (known: bb.upper, price, side, size)"],
    ['cosh(price)', "unknown function 'cosh()'"],
    ['max(price)', 'takes 2 to 8 argument(s)'],
    ["price == 'x'", 'compares a number with a string'],
    ['price and size', "'and' needs a boolean, got a number"],
    ['price # 2', "unexpected character '#'"],
    ['', 'the expression is empty'],
  ])('rejects %j: %s', (text, message) => {
    expect(() => compileExpression(text, scope, 'number')).toThrow(message);
  });

  it('rejects an expression of the wrong type for its use', () => {
    expect(() => compileExpression('price + 1', scope, 'boolean')).toThrow(
      'gives a number, a boolean is needed',
    );
  });
});
