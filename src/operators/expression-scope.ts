import type { CheckProblem, InputInfo } from '../pipeline/operator.js';
import {
  compileExpression,
  ExpressionError,
  type ExpressionType,
  type FieldScope,
} from '../pipeline/expression.js';

/**
 * The fields an expression may name on a step's input: message fields (`price`, `close`) read as
 * `m.price`; feature keys (`ema21`, `bb.upper`) read from `m.values`.
 */
export function scopeOf(inputs: readonly InputInfo[]): FieldScope {
  const numeric = new Map<string, string>();
  const text = new Map<string, string>();
  for (const input of inputs) {
    const features = input.type === 'features';
    for (const field of input.numericFields ?? []) {
      numeric.set(field, features ? `m.values[${JSON.stringify(field)}]` : `m.${field}`);
    }
    for (const field of input.textFields) text.set(field, `m.${field}`);
  }
  return { numeric, text };
}

/** Checks expressions at compile time; each failure becomes a PIPELINE_BAD_EXPRESSION problem. */
export function checkExpressions(
  expressions: readonly { readonly where: string; readonly text: string; readonly type: ExpressionType }[],
  inputs: readonly InputInfo[],
): CheckProblem[] {
  // An input whose fields are unknown (a user operator) can only be checked when the pipeline runs.
  if (inputs.some((input) => input.numericFields === undefined)) return [];
  const scope = scopeOf(inputs);
  const problems: CheckProblem[] = [];
  for (const { where, text, type } of expressions) {
    try {
      compileExpression(text, scope, type);
    } catch (error) {
      if (!(error instanceof ExpressionError)) throw error;
      problems.push({ code: 'PIPELINE_BAD_EXPRESSION', message: `${where} '${text}': ${error.message}` });
    }
  }
  return problems;
}

/** Compiles an expression checked earlier; at run time every field name is known or undefined. */
export function runExpression<T extends number | boolean | string>(
  text: string,
  inputs: readonly InputInfo[],
  type: ExpressionType,
): (message: unknown) => T {
  return compileExpression<T>(text, scopeOf(inputs), type).evaluate;
}
