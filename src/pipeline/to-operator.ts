import { Observable, type OperatorFunction } from 'rxjs';
import { ReplayClock } from '../core/clock.js';
import { MessageBus } from '../bus/bus.js';
import { EngineError } from '../core/errors.js';
import type { InputInfo, OperatorDefinition, RunContext, Step } from './operator.js';
import { validateParams } from './params.js';

/**
 * A transform operator as a plain RxJS operator, for use outside a pipeline (and for marble
 * tests). Params are validated once, with defaults applied; state is per symbol when the operator
 * says so; each message is its own turn. Unlike inside a pipeline, a throwing step errors the
 * stream, as RxJS operators do.
 *
 * @example
 * ticks$.pipe(toOperator(bars, { every: '1m' })).subscribe(console.log);
 */
export function toOperator<I, O>(
  operator: Extract<OperatorDefinition, { kind: 'transform' }>,
  params: Record<string, unknown> = {},
  inputs: readonly InputInfo[] = [],
): OperatorFunction<I, O> {
  const validated = validateParams(operator.params, params);
  if (!validated.ok)
    throw new EngineError('PIPELINE_BAD_PARAMS', `${operator.name}: ${validated.problems.join('; ')}`);
  const context: RunContext = {
    pipelineId: 'standalone',
    stepId: operator.name,
    baseDir: process.cwd(),
    inputs,
    functions: new Map(),
    clock: new ReplayClock(),
    bus: new MessageBus(),
    mode: 'replay',
    dataDir: process.cwd(),
    deadLetter: () => undefined,
  };
  const problems = operator.check?.(validated.params, context) ?? [];
  if (problems.length > 0)
    throw new EngineError(
      'PIPELINE_BAD_PARAMS',
      `${operator.name}: ${problems.map((p) => p.message).join('; ')}`,
    );
  return (source) =>
    new Observable<O>((subscriber) => {
      const steps = new Map<string, Step>();
      const stepFor = (message: unknown): Step => {
        const key = operator.keyedBySymbol ? (message as { symbol: string }).symbol : '';
        let step = steps.get(key);
        if (!step) {
          step = operator.create(validated.params, context);
          steps.set(key, step);
        }
        return step;
      };
      const emit = (message: unknown): void => subscriber.next(message as O);
      return source.subscribe({
        next: (message) => {
          try {
            const step = stepFor(message);
            step.next(message, emit, 0);
            step.endOfTurn?.(emit);
          } catch (error) {
            subscriber.error(error);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => {
          for (const step of steps.values()) step.complete?.(emit);
          subscriber.complete();
        },
      });
    });
}
