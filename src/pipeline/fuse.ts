import type { CompiledStep } from './compile.js';
import type { FeatureOperator, FeatureSpec } from './operator.js';

/** Feature steps that read the same input, computed by one fused kernel call per message. */
export interface FeatureGroup {
  /** Member step ids joined with `+`, e.g. `ema9+ema21+rsi14`. */
  readonly id: string;
  readonly input: string;
  readonly members: readonly CompiledStep[];
  readonly specs: readonly FeatureSpec[];
}

/**
 * Groups a pipeline's feature steps by the step they read, so each instrument's features are
 * updated in one kernel call per bar or tick instead of one call per indicator.
 */
export function groupFeatureSteps(steps: readonly CompiledStep[]): FeatureGroup[] {
  const byInput = new Map<string, CompiledStep[]>();
  for (const step of steps) {
    if (step.operator.kind !== 'feature') continue;
    const input = step.inputs[0] ?? '';
    byInput.set(input, [...(byInput.get(input) ?? []), step]);
  }
  return [...byInput].map(([input, members]) => ({
    id: members.map((member) => member.id).join('+'),
    input,
    members,
    specs: members.map((member) =>
      (member.operator as FeatureOperator).spec(member.params as never, member.id),
    ),
  }));
}
