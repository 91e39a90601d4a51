/** Time in Enigma-Apex is an integer count of microseconds since the Unix epoch, UTC, everywhere. */
export type Micros = number;

export const MICROS_PER_MILLISECOND = 1_000;
export const MICROS_PER_SECOND = 1_000_000;
export const MICROS_PER_MINUTE = 60 * MICROS_PER_SECOND;
export const MICROS_PER_HOUR = 60 * MICROS_PER_MINUTE;
export const MICROS_PER_DAY = 24 * MICROS_PER_HOUR;

const DURATION_UNITS: Record<string, number> = {
  us: 1,
  ms: MICROS_PER_MILLISECOND,
  s: MICROS_PER_SECOND,
  m: MICROS_PER_MINUTE,
  h: MICROS_PER_HOUR,
  d: MICROS_PER_DAY,
};

/** Pattern accepted by {@link parseDuration}, for parameter schemas. */
export const DURATION_PATTERN = '^[0-9]+(us|ms|s|m|h|d)$';

/** Parses `500ms`, `1s`, `5m`, `1h`, `1d` into microseconds. Throws on anything else. */
export function parseDuration(text: string): Micros {
  const match = /^([0-9]+)(us|ms|s|m|h|d)$/.exec(text);
  const unit = match?.[2];
  if (!match || unit === undefined) throw new Error(`'${text}' is not a duration such as 500ms, 1s, 5m, 1h`);
  return Number(match[1]) * (DURATION_UNITS[unit] ?? 1);
}

/** Microseconds for an ISO 8601 date-time string, e.g. `2026-11-25T14:30:00Z`. */
export function microsFromIso(iso: string): Micros {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`'${iso}' is not an ISO 8601 date-time`);
  return ms * MICROS_PER_MILLISECOND;
}

/** ISO 8601 with microsecond precision, for humans and reports. */
export function isoFromMicros(ts: Micros): string {
  const ms = Math.floor(ts / MICROS_PER_MILLISECOND);
  const micros = ts - ms * MICROS_PER_MILLISECOND;
  return new Date(ms).toISOString().replace('Z', `${String(micros).padStart(3, '0')}Z`);
}
