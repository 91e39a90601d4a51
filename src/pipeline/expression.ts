/**
 * The small expression language of `filter`, `map`, `window` and `signalRules`:
 * numbers, 'strings', true/false, field names (`close`, `ema21`, `bb.upper`), + - * / %,
 * < <= > >= == !=, and/or/not, parentheses and the functions abs, min, max, sqrt, log, exp,
 * floor, ceil, round, sign. Expressions are parsed and type-checked once when the pipeline is
 * compiled, then turned into a plain JavaScript function: nothing is interpreted per message.
 */

export type ExpressionType = 'number' | 'boolean' | 'string';

/** The fields an expression may name, each with the JavaScript that reads it from message `m`. */
export interface FieldScope {
  readonly numeric: ReadonlyMap<string, string>;
  readonly text: ReadonlyMap<string, string>;
}

export interface CompiledExpression<T> {
  readonly type: ExpressionType;
  readonly evaluate: (message: unknown) => T;
  /** Field names the expression reads. */
  readonly fields: readonly string[];
}

export class ExpressionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExpressionError';
  }
}

type Node =
  | { kind: 'number'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'boolean'; value: boolean }
  | { kind: 'field'; name: string }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'unary'; op: '-' | 'not'; operand: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node };

const FUNCTIONS: Record<string, { arity: [number, number]; js: string }> = {
  abs: { arity: [1, 1], js: 'Math.abs' },
  min: { arity: [2, 8], js: 'Math.min' },
  max: { arity: [2, 8], js: 'Math.max' },
  sqrt: { arity: [1, 1], js: 'Math.sqrt' },
  log: { arity: [1, 1], js: 'Math.log' },
  exp: { arity: [1, 1], js: 'Math.exp' },
  floor: { arity: [1, 1], js: 'Math.floor' },
  ceil: { arity: [1, 1], js: 'Math.ceil' },
  round: { arity: [1, 1], js: 'Math.round' },
  sign: { arity: [1, 1], js: 'Math.sign' },
};

const TOKEN =
  /\s*(?:(\d+(?:\.\d*)?(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)|('(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")|([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)|(<=|>=|==|!=|&&|\|\||[-+*/%()<>,!]))/y;

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  TOKEN.lastIndex = 0;
  let position = 0;
  while (position < text.length) {
    if (/^\s*$/.test(text.slice(position))) break;
    TOKEN.lastIndex = position;
    const match = TOKEN.exec(text);
    if (!match)
      throw new ExpressionError(
        `unexpected character '${text.slice(position).trim()[0] ?? ''}' at ${position + 1}`,
      );
    tokens.push(match[1] ?? match[2] ?? match[3] ?? match[4] ?? '');
    position = TOKEN.lastIndex;
  }
  return tokens;
}

class Parser {
  private index = 0;

  constructor(private readonly tokens: string[]) {}

  parse(): Node {
    if (this.tokens.length === 0) throw new ExpressionError('the expression is empty');
    const node = this.or();
    const rest = this.tokens[this.index];
    if (rest !== undefined) throw new ExpressionError(`unexpected '${rest}'`);
    return node;
  }

  private peek(): string | undefined {
    return this.tokens[this.index];
  }

  private take(): string {
    const token = this.tokens[this.index++];
    if (token === undefined) throw new ExpressionError('the expression ends too early');
    return token;
  }

  private or(): Node {
    let left = this.and();
    while (this.peek() === 'or' || this.peek() === '||') {
      this.take();
      left = { kind: 'binary', op: 'or', left, right: this.and() };
    }
    return left;
  }

  private and(): Node {
    let left = this.not();
    while (this.peek() === 'and' || this.peek() === '&&') {
      this.take();
      left = { kind: 'binary', op: 'and', left, right: this.not() };
    }
    return left;
  }

  private not(): Node {
    if (this.peek() === 'not' || this.peek() === '!') {
      this.take();
      return { kind: 'unary', op: 'not', operand: this.not() };
    }
    return this.comparison();
  }

  private comparison(): Node {
    const left = this.additive();
    const op = this.peek();
    if (op === '<' || op === '<=' || op === '>' || op === '>=' || op === '==' || op === '!=') {
      this.take();
      return { kind: 'binary', op, left, right: this.additive() };
    }
    return left;
  }

  private additive(): Node {
    let left = this.multiplicative();
    for (let op = this.peek(); op === '+' || op === '-'; op = this.peek()) {
      this.take();
      left = { kind: 'binary', op, left, right: this.multiplicative() };
    }
    return left;
  }

  private multiplicative(): Node {
    let left = this.unary();
    for (let op = this.peek(); op === '*' || op === '/' || op === '%'; op = this.peek()) {
      this.take();
      left = { kind: 'binary', op, left, right: this.unary() };
    }
    return left;
  }

  private unary(): Node {
    if (this.peek() === '-') {
      this.take();
      return { kind: 'unary', op: '-', operand: this.unary() };
    }
    return this.primary();
  }

  private primary(): Node {
    const token = this.take();
    if (token === '(') {
      const inner = this.or();
      if (this.take() !== ')') throw new ExpressionError("missing ')'");
      return inner;
    }
    if (/^[\d.]/.test(token)) return { kind: 'number', value: Number(token) };
    if (token.startsWith("'") || token.startsWith('"')) {
      return { kind: 'string', value: token.slice(1, -1).replace(/\\(.)/g, '$1') };
    }
    if (token === 'true' || token === 'false') return { kind: 'boolean', value: token === 'true' };
    if (/^[A-Za-z_]/.test(token) && !['and', 'or', 'not'].includes(token)) {
      if (this.peek() !== '(') return { kind: 'field', name: token };
      this.take();
      const args: Node[] = [];
      if (this.peek() !== ')') {
        args.push(this.or());
        while (this.peek() === ',') {
          this.take();
          args.push(this.or());
        }
      }
      if (this.take() !== ')') throw new ExpressionError(`missing ')' after the arguments of ${token}()`);
      return { kind: 'call', name: token, args };
    }
    throw new ExpressionError(`unexpected '${token}'`);
  }
}

/** Type-checks a node and returns its JavaScript source and type. */
function generate(node: Node, scope: FieldScope, fields: Set<string>): { js: string; type: ExpressionType } {
  switch (node.kind) {
    case 'number':
      return { js: String(node.value), type: 'number' };
    case 'string':
      return { js: JSON.stringify(node.value), type: 'string' };
    case 'boolean':
      return { js: String(node.value), type: 'boolean' };
    case 'field': {
      const numeric = scope.numeric.get(node.name);
      const text = scope.text.get(node.name);
      if (numeric === undefined && text === undefined) {
        const known = [...scope.numeric.keys(), ...scope.text.keys()].sort().join(', ');
        throw new ExpressionError(`unknown field '${node.name}' (known: ${known || 'none'})`);
      }
      fields.add(node.name);
      return numeric !== undefined ? { js: numeric, type: 'number' } : { js: text ?? '', type: 'string' };
    }
    case 'call': {
      const fn = FUNCTIONS[node.name];
      if (!fn)
        throw new ExpressionError(
          `unknown function '${node.name}()' (known: ${Object.keys(FUNCTIONS).join(', ')})`,
        );
      const [lo, hi] = fn.arity;
      if (node.args.length < lo || node.args.length > hi) {
        throw new ExpressionError(`${node.name}() takes ${lo === hi ? lo : `${lo} to ${hi}`} argument(s)`);
      }
      const args = node.args.map((arg) => expect(arg, 'number', scope, fields, `${node.name}()`));
      return { js: `${fn.js}(${args.join(', ')})`, type: 'number' };
    }
    case 'unary':
      return node.op === '-'
        ? { js: `(-${expect(node.operand, 'number', scope, fields, "'-'")})`, type: 'number' }
        : { js: `(!${expect(node.operand, 'boolean', scope, fields, "'not'")})`, type: 'boolean' };
    case 'binary': {
      if (node.op === 'and' || node.op === 'or') {
        const js = node.op === 'and' ? '&&' : '||';
        const left = expect(node.left, 'boolean', scope, fields, `'${node.op}'`);
        const right = expect(node.right, 'boolean', scope, fields, `'${node.op}'`);
        return { js: `(${left} ${js} ${right})`, type: 'boolean' };
      }
      if (node.op === '==' || node.op === '!=') {
        const left = generate(node.left, scope, fields);
        const right = generate(node.right, scope, fields);
        if (left.type !== right.type)
          throw new ExpressionError(`'${node.op}' compares a ${left.type} with a ${right.type}`);
        return { js: `(${left.js} ${node.op}= ${right.js})`, type: 'boolean' };
      }
      const left = expect(node.left, 'number', scope, fields, `'${node.op}'`);
      const right = expect(node.right, 'number', scope, fields, `'${node.op}'`);
      const comparison = ['<', '<=', '>', '>='].includes(node.op);
      return { js: `(${left} ${node.op} ${right})`, type: comparison ? 'boolean' : 'number' };
    }
  }
}

function expect(
  node: Node,
  type: ExpressionType,
  scope: FieldScope,
  fields: Set<string>,
  where: string,
): string {
  const result = generate(node, scope, fields);
  if (result.type !== type) throw new ExpressionError(`${where} needs a ${type}, got a ${result.type}`);
  return result.js;
}

/**
 * Parses, checks and compiles an expression. Throws ExpressionError with a message a trader can
 * act on. `expected` is the type the caller needs (a boolean for `when`, a number for values).
 *
 * @example
 * const rising = compileExpression<boolean>('ema9 > ema21 and rsi14 < 70', scope, 'boolean');
 * rising.evaluate(features); // true or false
 */
export function compileExpression<T extends number | boolean | string>(
  text: string,
  scope: FieldScope,
  expected: ExpressionType,
): CompiledExpression<T> {
  const fields = new Set<string>();
  const ast = new Parser(tokenize(text)).parse();
  const { js, type } = generate(ast, scope, fields);
  if (type !== expected)
    throw new ExpressionError(`the expression gives a ${type}, a ${expected} is needed here`);
  // Generated only from the checked syntax tree above: field accessors, literals and Math calls.
  const evaluate = new Function('m', `"use strict"; return ${js};`) as (message: unknown) => T;
  return { type, evaluate, fields: [...fields] };
}
