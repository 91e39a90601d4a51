import { Type, type Static } from '@sinclair/typebox';
import { Observable } from 'rxjs';
import { SessionClock, type Clock } from '../core/clock.js';
import type { Tick } from '../core/events.js';
import { CONTRACT_SPECS, findInstrument } from '../core/instruments.js';
import { DURATION_PATTERN, microsFromIso, parseDuration, type Micros } from '../core/time.js';
import { defineOperator } from '../pipeline/operator.js';
import { weekdaySessionStart } from '../sources/market-session.js';
import { SimulatedMarket } from '../sources/simulated-market.js';

/** Ticks generated per turn of the event loop when replaying as fast as possible. */
const REPLAY_CHUNK = 4096;
/** How often a live run releases the ticks that are due. */
const LIVE_INTERVAL_MS = 5;
/** Start of a replayed simulation when no `start` is given: a Monday at the New York open. */
const DEFAULT_REPLAY_START = '2026-01-05T14:30:00Z';

const PARAMS = Type.Object(
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
      description: 'Average ticks per second of market time, all instruments together.',
    }),
    start: Type.Optional(
      Type.String({
        minLength: 1,
        description:
          'ISO 8601. Replays: the first tick. Live runs: when the session starts (moved back to the latest weekday session open when it falls outside 09:30-16:00 New York on a weekday); default now.',
      }),
    ),
    speed: Type.Number({
      exclusiveMinimum: 0,
      maximum: 1000,
      default: 1,
      description: 'Live runs only: market seconds per wall-clock second (1 = real time).',
    }),
    duration: Type.Optional(
      Type.String({ pattern: DURATION_PATTERN, description: 'Market time to simulate, e.g. 6h.' }),
    ),
    maxTicks: Type.Optional(Type.Integer({ minimum: 1, description: 'Stop after this many ticks.' })),
    backfill: Type.String({
      pattern: DURATION_PATTERN,
      default: '0s',
      description:
        'Live runs only: market generated at full speed before the session starts, so bars and features are warm.',
    }),
  },
  { additionalProperties: false },
);

export type SimulatedMarketParams = Static<typeof PARAMS>;

/**
 * The clock a live run of a simulated market runs on: a weekday session starting at
 * `weekdaySessionStart(start ?? now)`, `speed` times real time. `start` overrides the `start` param.
 */
export function simulatedSessionClock(
  params: Pick<SimulatedMarketParams, 'start' | 'speed'>,
  options: { readonly start?: Micros; readonly wall: Clock },
): SessionClock {
  const asked =
    options.start ?? (params.start !== undefined ? microsFromIso(params.start) : options.wall.now());
  return new SessionClock({ start: weekdaySessionStart(asked), speed: params.speed, wall: options.wall });
}

/**
 * Simulated market: realistic ticks for several instruments from a seeded generator.
 *
 * 1. Live runs play a weekday session on the engine's session clock: it starts `start` (default
 *    now) when that falls inside a weekday's regular session (09:30-16:00 New York), else at the
 *    open of the latest weekday session before it, so a Saturday plays Friday's session.
 * 2. The `backfill` before the session start is generated at full speed while the session clock
 *    waits; it only warms bars and features (intents stamped before the session are not traded).
 *    Then each tick is released when the session clock, running `speed` times faster than the
 *    wall clock, reaches its time, and the clock follows the ticks released.
 * 3. Replays generate as fast as they can, starting at `start` (default 2026-01-05 14:30 UTC).
 * 4. The stream ends after `duration` of market time or `maxTicks` ticks; a replay with neither runs one hour.
 * 5. The same seed, instruments, rate and start give the same ticks, byte for byte.
 *
 * @example
 * - id: market
 *   op: simulatedMarket
 *   params: { seed: 42, instruments: ['ES 12-26', 'NQ 12-26'], ticksPerSecond: 300, speed: 20, backfill: 30m }
 */
export const simulatedMarket = defineOperator({
  kind: 'source',
  name: 'simulatedMarket',
  summary:
    'Seeded, realistic ticks for several instruments (regimes, spread, bursts) on a weekday session clock; the embedded default market.',
  output: 'tick',
  params: PARAMS,
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
      // A live run on the engine's session clock plays that session; on the wall clock (an engine
      // linked to NinjaTrader, or built without one) it starts now minus the backfill.
      const session = live && context.clock instanceof SessionClock ? context.clock : undefined;
      const backfill = parseDuration(params.backfill);
      const start = session
        ? session.start - backfill
        : params.start !== undefined
          ? microsFromIso(params.start)
          : live
            ? context.clock.now() - backfill
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
          const tick = market.next();
          session?.advanceTo(tick.ts);
          subscriber.next(tick);
          emitted++;
        }
        return true;
      };
      const due = (): number => (session ? session.due() : live ? context.clock.now() : Infinity);
      // Ticks that are due go out in chunks, yielding between them so timers and Ctrl-C still run.
      let immediate: NodeJS.Immediate | undefined;
      let timer: NodeJS.Timeout | undefined;
      const pump = (): void => {
        if (!release(due(), REPLAY_CHUNK)) return;
        // The backfill is out: the session starts now.
        if (session && !session.running && market.peekTime() > session.start) session.run();
        if (market.peekTime() <= due()) immediate = setImmediate(pump);
        else timer = setTimeout(pump, LIVE_INTERVAL_MS);
      };
      pump();
      return () => {
        if (immediate) clearImmediate(immediate);
        clearTimeout(timer);
      };
    }),
});
