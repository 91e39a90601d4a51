import type { ErrorCode } from './error-codes.js';
import type { Tick } from './events.js';
import { findInstrument } from './instruments.js';
import { MICROS_PER_MILLISECOND, MICROS_PER_SECOND } from './time.js';

/** Why an input message was rejected at the edge. */
export interface Rejection {
  readonly code: ErrorCode;
  readonly reason: string;
}

/**
 * Checks one tick as it enters the engine: known instrument, finite prices, a positive size.
 * Time order is checked by {@link TimeOrder}, which remembers the last time per instrument.
 */
export function checkTick(tick: Tick): Rejection | undefined {
  if (!findInstrument(tick.symbol)) {
    return {
      code: 'INPUT_UNKNOWN_SYMBOL',
      reason: `unknown instrument '${tick.symbol}' (expected e.g. 'ES 12-26')`,
    };
  }
  for (const field of ['ts', 'price', 'size', 'bid', 'ask'] as const) {
    if (!Number.isFinite(tick[field]))
      return { code: 'INPUT_NOT_FINITE', reason: `${field} is ${String(tick[field])}` };
  }
  const outOfRange = checkTimestamp(tick.ts);
  if (outOfRange) return outOfRange;
  if (!Number.isInteger(tick.ts))
    return { code: 'INPUT_BAD_ROW', reason: `ts must be integer microseconds, got ${tick.ts}` };
  if (tick.size <= 0)
    return { code: 'INPUT_NEGATIVE_SIZE', reason: `size must be positive, got ${tick.size}` };
  if (tick.price <= 0 || tick.bid < 0 || tick.ask < 0) {
    return {
      code: 'INPUT_BAD_ROW',
      reason: `prices must be positive (price ${tick.price}, bid ${tick.bid}, ask ${tick.ask})`,
    };
  }
  return undefined;
}

/** Times the engine accepts from input files, in Unix epoch microseconds: 1980-01-01 up to 2100-01-01 UTC. */
export const PLAUSIBLE_MICROS = { from: 315_532_800_000_000, to: 4_102_444_800_000_000 } as const;

/** Other units a timestamp is often written in, with how to turn them into microseconds. */
const OTHER_UNITS = [
  { unit: 'seconds', factor: MICROS_PER_SECOND, fix: 'multiply by 1,000,000' },
  { unit: 'milliseconds', factor: MICROS_PER_MILLISECOND, fix: 'multiply by 1,000' },
  { unit: 'nanoseconds', factor: 1 / 1_000, fix: 'divide by 1,000' },
] as const;

/**
 * Rejects a time outside {@link PLAUSIBLE_MICROS}: a file in milliseconds would otherwise be read
 * as dates in January 1970. The reason names the unit the number most likely is, by its magnitude.
 */
export function checkTimestamp(ts: number): Rejection | undefined {
  if (ts >= PLAUSIBLE_MICROS.from && ts < PLAUSIBLE_MICROS.to) return undefined;
  const date = new Date(ts / 1000);
  const year = date.getUTCFullYear();
  const read = Number.isNaN(year)
    ? ''
    : ` (${year >= 0 && year < 10_000 ? date.toISOString().slice(0, 10) : `year ${String(year)}`} as microseconds)`;
  const likely = OTHER_UNITS.find(({ factor }) => {
    const micros = ts * factor;
    return micros >= PLAUSIBLE_MICROS.from && micros < PLAUSIBLE_MICROS.to;
  });
  const hint = likely
    ? `it looks like ${likely.unit}: ${likely.fix}`
    : 'it is no Unix epoch time in seconds, milliseconds, microseconds or nanoseconds either';
  return {
    code: 'INPUT_TIME_OUT_OF_RANGE',
    reason: `ts ${String(ts)}${read} is outside 1980–2100; ts must be Unix epoch microseconds, and ${hint}`,
  };
}

/** Rejects messages older than the last accepted one of the same instrument. */
export class TimeOrder {
  private readonly last = new Map<string, number>();

  check(symbol: string, ts: number): Rejection | undefined {
    const previous = this.last.get(symbol);
    if (previous !== undefined && ts < previous) {
      return {
        code: 'INPUT_TIME_BACKWARDS',
        reason: `ts ${ts} is before the previous ${symbol} message at ${previous}`,
      };
    }
    this.last.set(symbol, ts);
    return undefined;
  }
}
