import type { ErrorCode } from './error-codes.js';
import type { Tick } from './events.js';
import { findInstrument } from './instruments.js';

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
