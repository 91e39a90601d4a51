import type { Bar, Tick } from '../core/events.js';
import { KernelError } from '../core/errors.js';

/**
 * The boundary check of both feature engines: NaN and Infinity never enter kernel state. A bad
 * message throws `KERNEL_NOT_FINITE`; the runtime sends it to the dead-letter stream and the
 * state of every feature stays as it was.
 */
export function checkBar(bar: Bar): void {
  // x * 0 is 0 for every finite x and NaN for NaN and ±Infinity: one comparison checks them all.
  if (bar.ts * 0 + bar.open * 0 + bar.high * 0 + bar.low * 0 + bar.close * 0 + bar.volume * 0 !== 0) {
    throw new KernelError(
      'KERNEL_NOT_FINITE',
      `bar ${bar.symbol} at ${bar.ts} has a value that is NaN or infinite`,
    );
  }
}

export function checkTick(tick: Tick): void {
  if (tick.ts * 0 + tick.price * 0 + tick.size * 0 + tick.bid * 0 + tick.ask * 0 !== 0) {
    throw new KernelError(
      'KERNEL_NOT_FINITE',
      `tick ${tick.symbol} at ${tick.ts} has a value that is NaN or infinite`,
    );
  }
}

/** Throws `KERNEL_NOT_FINITE` when a series holds NaN or Infinity (checked once per batch call). */
export function checkSeries(name: string, values: ArrayLike<number>): void {
  let zero = 0;
  for (let i = 0; i < values.length; i++) zero += (values[i] as number) * 0;
  if (zero === 0) return;
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i]))
      throw new KernelError('KERNEL_NOT_FINITE', `${name}[${i}] is NaN or infinite`);
  }
  throw new KernelError('KERNEL_NOT_FINITE', `${name} holds a value that is not a number`);
}

/** +1 buy, −1 sell, 0 unknown: the numeric side the kernels read. */
export function sideCode(tick: Tick): number {
  return tick.side === 'buy' ? 1 : tick.side === 'sell' ? -1 : 0;
}

/** A bar given to a tick kernel, or the other way round: a compiler bug, reported plainly. */
export function wrongInput(given: 'bar' | 'tick'): KernelError {
  const expected = given === 'bar' ? 'ticks' : 'bars';
  return new KernelError('KERNEL_BAD_SPEC', `this fused kernel reads ${expected}, it was given a ${given}`);
}
