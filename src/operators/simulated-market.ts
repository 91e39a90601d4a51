import { Type } from '@sinclair/typebox';
import { Observable } from 'rxjs';
import type { Tick } from '../core/events.js';
import { CONTRACT_SPECS, findInstrument } from '../core/instruments.js';
import { DURATION_PATTERN, microsFromIso, parseDuration } from '../core/time.js';
import { defineOperator } from '../pipeline/operator.js';
import { SimulatedMarket } from '../sources/simulated-market.js';

/** Ticks generated per turn of the event loop when replaying as fast as possible. */
const REPLAY_CHUNK = 4096;
/** How often a live run releases the ticks that are due. */
const LIVE_INTERVAL_MS = 5;
/** Start of a replayed simulation when no `start` is given: a Monday at the New York open. */
const DEFAULT_REPLAY_START = '2026-01-05T14:30:00Z';

/**
 * Simulated market: realistic ticks for several instruments from a seeded generator.
 *
 * 1. Live runs start at the clock's time (or `start`) minus `backfill`; the backfill is generated at
 *    full speed, then each tick is released when the clock reaches its time.
 * 2. Replays generate as fast as they can, starting at `start` (default 2026-01-05 14:30 UTC).
 * 3. The stream ends after `duration` of market time or `maxTicks` ticks; a replay with neither runs one hour.
 * 4. The same seed, instruments, rate and start give the same ticks, byte for byte.
 *
 * @example
 * - id: market
 *   op: simulatedMarket
 *   params: { seed: 42, instruments: ['ES 12-26', 'NQ 12-26'], ticksPerSecond: 2000 }
 */
export const simulatedMarket = defineOperator({
  kind: 'source',
  name: 'simulatedMarket',
  summary:
    'Seeded, realistic ticks for several instruments (regimes, spread, bursts); the embedded default market.',
  output: 'tick',
  params: Type.Object(
    {
      seed: Type.Integer({ default: 42, description: 'Random seed: the same seed gives the same stream.' }),
      instruments: Type.Array(Type.String(), {
        minItems: 1,
        default: ['ES 12-26', 'NQ 12-26', 'CL 01-27'],
        description: 'NinjaTrader symbols, e.g. "NQ 12-26".',
      }),
      ticksPerSecond: Type.Number({
        exclusiveMinimum: 0,
        maximum: 10_000_000,
        default: 2000,
        description: 'Average ticks per second, all instruments together.',
      }),
      start: Type.Optional(
        Type.String({ minLength: 1, description: 'Market time of the first tick (ISO 8601).' }),
      ),
      duration: Type.Optional(
        Type.String({ pattern: DURATION_PATTERN, description: 'Market time to simulate, e.g. 6h.' }),
      ),
      maxTicks: Type.Optional(Type.Integer({ minimum: 1, description: 'Stop after this many ticks.' })),
      backfill: Type.String({
        pattern: DURATION_PATTERN,
        default: '0s',
        description:
          'Live runs only: start this far in the past and replay it at full speed first, so bars and features are warm.',
      }),
    },
    { additionalProperties: false },
  ),
  check: (params) => {
    const problems = params.instruments
      .filter((symbol) => !findInstrument(symbol))
      .map((symbol) => ({
        code: 'PIPELINE_BAD_PARAMS' as const,
        message: `instruments: unknown symbol '${symbol}' (a root of ${[...CONTRACT_SPECS.keys()].join(', ')}, then e.g. ' 12-26')`,
      }));
    if (params.start !== undefined && Number.isNaN(Date.parse(params.start))) {
      problems.push({
        code: 'PIPELINE_BAD_PARAMS',
        message: `start: '${params.start}' is not an ISO 8601 date-time`,
      });
    }
    return problems;
  },
  create: (params, context) =>
    new Observable<Tick>((subscriber) => {
      const live = context.mode === 'live';
      const start =
        params.start !== undefined
          ? microsFromIso(params.start)
          : live
            ? context.clock.now() - parseDuration(params.backfill)
            : microsFromIso(DEFAULT_REPLAY_START);
      const market = new SimulatedMarket({
        seed: params.seed,
        symbols: params.instruments,
        start,
        ticksPerSecond: params.ticksPerSecond,
      });
      const bounded = params.duration !== undefined || params.maxTicks !== undefined;
      const end =
        params.duration !== undefined
          ? start + parseDuration(params.duration)
          : !live && !bounded
            ? start + parseDuration('1h')
            : Infinity;
      const maxTicks = params.maxTicks ?? Infinity;
      let emitted = 0;
      const release = (until: number, limit: number): boolean => {
        for (let n = 0; n < limit; n++) {
          if (emitted >= maxTicks || market.peekTime() > end) {
            subscriber.complete();
            return false;
          }
          if (market.peekTime() > until) return true;
          subscriber.next(market.next());
          emitted++;
        }
        return true;
      };
      // Ticks that are due go out in chunks, yielding between them so timers and Ctrl-C still run.
      let immediate: NodeJS.Immediate | undefined;
      let timer: NodeJS.Timeout | undefined;
      const pump = (): void => {
        const now = live ? context.clock.now() : Infinity;
        if (!release(now, REPLAY_CHUNK)) return;
        if (market.peekTime() <= now) immediate = setImmediate(pump);
        else timer = setTimeout(pump, LIVE_INTERVAL_MS);
      };
      pump();
      return () => {
        if (immediate) clearImmediate(immediate);
        clearTimeout(timer);
      };
    }),
});
