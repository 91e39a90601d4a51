import type { Static } from '@sinclair/typebox';
import type { BuiltInOperators } from '../operators/index.js';

/** One step of a pipeline: `{ id, op, from, params }`. */
export interface StepDefinition {
  /** Unique in the pipeline; letters, digits and `_`, starting with a letter or `_`. */
  readonly id: string;
  /** Registry key of the operator. */
  readonly op: string;
  /** The step(s) whose output this step reads; sources have none. */
  readonly from?: string | readonly string[];
  readonly params?: Readonly<Record<string, unknown>>;
}

/** A pipeline is data: a named DAG of steps. */
export interface PipelineDefinition {
  readonly id: string;
  readonly description?: string;
  /** TypeScript or JavaScript modules (relative to the pipeline file) that add operators or functions. */
  readonly modules?: readonly string[];
  readonly steps: readonly StepDefinition[];
}

type TypedStep = {
  [K in keyof BuiltInOperators]: {
    readonly id: string;
    readonly op: K;
    readonly from?: string | readonly string[];
    readonly params?: Partial<Static<BuiltInOperators[K]['params']>>;
  };
}[keyof BuiltInOperators];

/**
 * Declares a pipeline in TypeScript with the built-in operators' params type-checked. It compiles
 * through the same `compile()` as a YAML file.
 *
 * @example
 * const pipeline = definePipeline({
 *   id: 'breakout',
 *   steps: [
 *     { id: 'market', op: 'simulatedMarket', params: { seed: 7 } },
 *     { id: 'bars', op: 'bars', from: 'market', params: { every: '1m' } },
 *   ],
 * });
 */
export function definePipeline(definition: {
  readonly id: string;
  readonly description?: string;
  readonly modules?: readonly string[];
  readonly steps: readonly TypedStep[];
}): PipelineDefinition {
  return definition;
}

export const STEP_ID_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The `from` of a step as a list. */
export function inputsOf(step: StepDefinition): readonly string[] {
  if (step.from === undefined) return [];
  return typeof step.from === 'string' ? [step.from] : step.from;
}
