/** One CSV field: quoted when it holds a comma, quote or line break; null as empty. */
function field(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'number' && !Number.isFinite(value) ? String(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** RFC 4180 CSV of objects; the columns are the keys of the first row (or `columns`). */
export function toCsv(rows: readonly object[], columns?: readonly string[]): string {
  const keys = columns ?? Object.keys(rows[0] ?? {});
  const lines = [keys.map(field).join(',')];
  for (const row of rows) {
    const record = row as Record<string, unknown>;
    lines.push(keys.map((key) => field(record[key])).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
