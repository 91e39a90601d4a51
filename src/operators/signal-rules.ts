import { Type } from '@sinclair/typebox';
import type { ConfluenceLevel, Features, Signal } from '../core/events.js';
import { findInstrument, roundToTick } from '../core/instruments.js';
import { DURATION_PATTERN, parseDuration } from '../core/time.js';
import { defineOperator, type Step } from '../pipeline/operator.js';
import { checkExpressions, runExpression } from './expression-scope.js';

const Rule = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_-]*$', description: 'Shown in the signal metadata.' }),
    when: Type.String({ minLength: 1, description: 'Boolean expression over the features.' }),
    direction: Type.Union([Type.Literal('long'), Type.Literal('short')]),
    strength: Type.Union([Type.Literal('normal'), Type.Literal('strong')], { default: 'normal' }),
    power: Type.String({ default: '1', description: 'Numeric expression for the signal power.' }),
    confluence: Type.Integer({ minimum: 1, maximum: 4, default: 1 }),
    price: Type.String({
      minLength: 1,
      description: 'Numeric expression for the reference price, e.g. bars.close.',
    }),
    stop: Type.Optional(Type.String({ description: 'Numeric expression for the stop price.' })),
    targets: Type.Optional(
      Type.Array(Type.String(), { maxItems: 4, description: 'Numeric expressions for targets.' }),
    ),
  },
  { additionalProperties: false },
);

/**
 * Turns features into Signals with rules written as expressions.
 *
 * 1. Rules are evaluated in order on every features message; the first whose `when` is true fires.
 * 2. A rule fires on its rising edge only: it must have been false (or another rule's turn) before.
 * 3. After a signal, the instrument is quiet for `cooldown` of market time.
 * 4. Price, stop and targets are rounded to the instrument's tick; one that is not a finite
 *    number sends the message to the dead-letter stream.
 *
 * @example
 * - id: signals
 *   op: signalRules
 *   from: features
 *   params:
 *     cooldown: 5m
 *     rules:
 *       - { name: trend-up, when: "ema9 > ema21 and rsi14 < 70", direction: long, price: bars.close, stop: "bars.close - 2 * atr14" }
 */
export const signalRules = defineOperator({
  kind: 'transform',
  name: 'signalRules',
  summary:
    'Signals from features by rules (when / direction / power / stop / targets as expressions), rising edge only.',
  inputs: ['features'],
  output: 'signal',
  keyedBySymbol: true,
  params: Type.Object(
    {
      rules: Type.Array(Rule, { minItems: 1 }),
      cooldown: Type.String({
        pattern: DURATION_PATTERN,
        default: '0s',
        description: 'Quiet time per instrument after a signal.',
      }),
    },
    { additionalProperties: false },
  ),
  check: (params, context) =>
    checkExpressions(
      params.rules.flatMap((rule, index) => [
        { where: `rules[${index}].when`, text: rule.when, type: 'boolean' as const },
        { where: `rules[${index}].power`, text: rule.power, type: 'number' as const },
        { where: `rules[${index}].price`, text: rule.price, type: 'number' as const },
        ...(rule.stop !== undefined
          ? [{ where: `rules[${index}].stop`, text: rule.stop, type: 'number' as const }]
          : []),
        ...(rule.targets ?? []).map((text, t) => ({
          where: `rules[${index}].targets[${t}]`,
          text,
          type: 'number' as const,
        })),
      ]),
      context.inputs,
    ),
  create: (params, context): Step<Features, Signal> => {
    const number = (text: string): ((m: unknown) => number) =>
      runExpression<number>(text, context.inputs, 'number');
    const rules = params.rules.map((rule) => ({
      rule,
      when: runExpression<boolean>(rule.when, context.inputs, 'boolean'),
      power: number(rule.power),
      price: number(rule.price),
      stop: rule.stop !== undefined ? number(rule.stop) : undefined,
      targets: (rule.targets ?? []).map(number),
    }));
    const cooldown = parseDuration(params.cooldown);
    const source = `${context.pipelineId}.${context.stepId}`;
    let tickSize = 0;
    const onTick = (value: number): number => (tickSize > 0 ? roundToTick(value, tickSize) : value);
    let active = -1;
    let quietUntil = -Infinity;
    return {
      next: (features, emit) => {
        const firing = rules.findIndex((candidate) => candidate.when(features));
        const rising = firing !== -1 && firing !== active;
        active = firing;
        if (!rising || features.ts < quietUntil) return;
        const chosen = rules[firing];
        if (!chosen) return;
        tickSize ||= findInstrument(features.symbol)?.tickSize ?? 0;
        const stopValue = chosen.stop?.(features);
        const stop = stopValue === undefined ? undefined : onTick(stopValue);
        const targets = chosen.targets.map((target) => onTick(target(features)));
        for (const value of [stop, ...targets]) {
          if (value !== undefined && !Number.isFinite(value))
            throw new Error(`rule '${chosen.rule.name}': stop or target is ${value}`);
        }
        quietUntil = features.ts + cooldown;
        emit({
          source,
          symbol: features.symbol,
          ts: features.ts,
          direction: chosen.rule.direction,
          strength: chosen.rule.strength,
          power: chosen.power(features),
          confluence: chosen.rule.confluence as ConfluenceLevel,
          price: onTick(chosen.price(features)),
          ...(stop !== undefined && { stop }),
          ...(targets.length > 0 && { targets }),
          metadata: { rule: chosen.rule.name },
        });
      },
    };
  },
});
