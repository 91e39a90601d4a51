import { Type } from '@sinclair/typebox';
import { FEATURE_DEFAULTS, MAX_PERIOD, PRICE_FIELDS } from '../feature-program.js';

/** Shared param schemas of the feature operators, so every operator says the same thing the same way. */

export const periodParam = (defaultValue: number, description: string, minimum = 1) =>
  Type.Integer({ minimum, maximum: MAX_PERIOD, default: defaultValue, description });

export const fieldParam = (defaultValue: (typeof PRICE_FIELDS)[number] = FEATURE_DEFAULTS.field) =>
  Type.Union(
    PRICE_FIELDS.map((f) => Type.Literal(f)),
    {
      default: defaultValue,
      description: 'Bar value read: close, open, high, low or typical ((high + low + close) / 3).',
    },
  );

export const sessionStartParam = () =>
  Type.Integer({
    minimum: 0,
    maximum: 1439,
    default: FEATURE_DEFAULTS.sessionStartMinute,
    description:
      'Session start as minutes after 00:00 UTC (1320 = 22:00 UTC, the CME Globex open in summer); no DST.',
  });

/** Output keys: the step id alone, or `stepId.output` for each output of a multi-output feature. */
export const outputKeys = (stepId: string, names?: readonly string[]): readonly string[] =>
  names === undefined ? [stepId] : names.map((name) => `${stepId}.${name}`);
