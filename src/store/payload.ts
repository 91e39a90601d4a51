/**
 * JSON text of any message, for the `payload` columns of `rejects` and `received`: lossless for
 * what JSON can hold, and never throws. NaN and ±Infinity become the strings "NaN", "Infinity",
 * "-Infinity" (plain JSON would turn them into null and hide why a row was rejected); bigint
 * becomes its decimal text; a value JSON cannot represent (a cycle) falls back to String().
 */
export function payloadText(message: unknown): string {
  if (typeof message === 'string') return message;
  try {
    return (
      JSON.stringify(message, (_key, value: unknown) => {
        if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
        if (typeof value === 'bigint') return value.toString();
        return value;
      }) ?? String(message)
    );
  } catch {
    return String(message);
  }
}
