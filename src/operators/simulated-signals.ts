import { Type } from '@sinclair/typebox';
import type { Signal, Tick } from '../core/events.js';
import { defineOperator, type Step } from '../pipeline/operator.js';
import { SimulatedSignals } from '../sources/simulated-signals.js';

/**
 * Simulated Enigma signals: order-flow signals computed from each instrument's ticks, standing in
 * for the NinjaTrader Enigma indicator when none is connected.
 *
 * 1. One generator per instrument, seeded from `seed` and the symbol.
 * 2. Signals fire at random moments of market time, `perMinute` on average per instrument.
 * 3. Direction and power come from the recent aggressor imbalance; neutral signals carry no stop or targets.
 *
 * @example
 * - id: enigma
 *   op: simulatedSignals
 *   from: market
 *   params: { perMinute: 2, stopTicks: 12 }
 */
export const simulatedSignals = defineOperator({
  kind: 'transform',
  name: 'simulatedSignals',
  summary:
    'Enigma-style order-flow signals computed from ticks at a configurable rate (seeded, deterministic).',
  inputs: ['tick'],
  output: 'signal',
  keyedBySymbol: true,
  params: Type.Object(
    {
      seed: Type.Integer({ default: 7 }),
      perMinute: Type.Number({
        exclusiveMinimum: 0,
        maximum: 600,
        default: 2,
        description: 'Average signals per minute per instrument.',
      }),
      stopTicks: Type.Integer({
        minimum: 1,
        maximum: 1000,
        default: 12,
        description: 'Stop distance in ticks; targets at 1R and 2R.',
      }),
      source: Type.String({ default: 'enigma-sim', minLength: 1 }),
    },
    { additionalProperties: false },
  ),
  create: (params): Step<Tick, Signal> => {
    let generator: SimulatedSignals | undefined;
    return {
      next: (tick, emit) => {
        generator ??= new SimulatedSignals(tick.symbol, params);
        const signal = generator.update(tick);
        if (signal) emit(signal);
      },
    };
  },
});
