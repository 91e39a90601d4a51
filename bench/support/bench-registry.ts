/** What the in-process suites share: a recorded tick stream and the bench-only operators. */
import { Type } from '@sinclair/typebox';
import { Observable } from 'rxjs';
import type { Tick } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { createRegistry } from '../../src/operators/index.js';
import { defineOperator } from '../../src/pipeline/operator.js';
import type { OperatorRegistry } from '../../src/pipeline/registry.js';
import { SimulatedMarket } from '../../src/sources/simulated-market.js';

/** Ticks replayed per turn of the event loop, as the file sources do. */
const CHUNK = 8192;

/** A simulated ES/NQ/CL tick stream, generated up front so the suites time the pipeline alone. */
export function generateTicks(count: number, seed = 42): Tick[] {
  const market = new SimulatedMarket({
    seed,
    symbols: ['ES 12-26', 'NQ 12-26', 'CL 01-27'],
    start: microsFromIso('2026-01-05T14:30:00Z'),
    ticksPerSecond: 300,
  });
  return Array.from({ length: count }, () => market.next());
}

/**
 * The shipped registry plus `arrayReplay` (a source replaying `ticks` from memory), `discard`
 * (a sink that drops everything) and `passThrough` (a step that emits its input).
 */
export function benchRegistry(ticks: readonly Tick[]): OperatorRegistry {
  const registry = createRegistry();
  registry.register(
    defineOperator({
      kind: 'source',
      name: 'arrayReplay',
      summary: 'bench: ticks from memory',
      output: 'tick',
      params: Type.Object({}),
      create: () =>
        new Observable<Tick>((subscriber) => {
          let index = 0;
          let immediate: NodeJS.Immediate | undefined;
          const pump = (): void => {
            const end = Math.min(ticks.length, index + CHUNK);
            for (; index < end; index++) subscriber.next(ticks[index] as Tick);
            if (index < ticks.length) immediate = setImmediate(pump);
            else subscriber.complete();
          };
          pump();
          return () => clearImmediate(immediate);
        }),
    }),
  );
  registry.register(
    defineOperator({
      kind: 'sink',
      name: 'discard',
      summary: 'bench: drops messages',
      inputs: 'any',
      maxInputs: 16,
      params: Type.Object({}, { additionalProperties: true }),
      create: () => ({ write: () => undefined, close: async () => undefined }),
    }),
  );
  registry.register(
    defineOperator({
      kind: 'transform',
      name: 'passThrough',
      summary: 'bench: emits its input',
      inputs: 'any',
      output: 'tick',
      params: Type.Object({}),
      create: () => ({ next: (message, emit) => emit(message) }),
    }),
  );
  return registry;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] ?? NaN)
    : ((sorted[middle - 1] ?? NaN) + (sorted[middle] ?? NaN)) / 2;
}
