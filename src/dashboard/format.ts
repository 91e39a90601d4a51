// How figures are written on the page: one place, so every view reads the same.

const dollars = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });
const whole = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** `$50,000.00`; a missing figure is an em dash, never a zero. */
export function money(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : dollars.format(value);
}

/** `+$125.00` / `−$40.00`: P&L always carries its sign, so colour is not the only cue. */
export function signedMoney(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (value === 0) return dollars.format(0);
  return `${value > 0 ? '+' : '−'}${dollars.format(Math.abs(value))}`;
}

export function count(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '—' : whole.format(value);
}

/** A latency from nanoseconds, in the unit that reads best: `850 ns`, `42 µs`, `3.1 ms`. */
export function latency(nanos: number | null | undefined): string {
  if (nanos === null || nanos === undefined || !Number.isFinite(nanos) || nanos <= 0) return '—';
  if (nanos < 1_000) return `${nanos.toFixed(0)} ns`;
  if (nanos < 1_000_000) return `${(nanos / 1_000).toFixed(nanos < 10_000 ? 1 : 0)} µs`;
  return `${(nanos / 1_000_000).toFixed(1)} ms`;
}

/** `12 s ago`, `4 min ago`, from a duration in seconds. */
export function ago(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 90) return `${seconds.toFixed(0)} s ago`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(0)} min ago`;
  return `${(seconds / 3600).toFixed(1)} h ago`;
}

// One formatter for every time on the page: building one per call (toLocaleTimeString) cost the
// Trading view a tenth of its script time at 1,000 signals a second.
const clock = new Intl.DateTimeFormat('en-GB', {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hour12: false,
});

/** The browser's local time of day, `14:03:27`; an unknown time is an em dash. */
export function timeOfDay(epochMillis: number): string {
  return Number.isFinite(epochMillis) ? clock.format(epochMillis) : '—';
}
