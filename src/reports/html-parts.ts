/** Formatting and table helpers shared by the report's HTML sections. */

export function escapeHtml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export const money = (value: number | null): string =>
  value === null
    ? '–'
    : value.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const ratio = (value: number | null, digits = 2): string =>
  value === null ? '–' : value.toFixed(digits);
export const percent = (value: number | null): string =>
  value === null ? '–' : `${(value * 100).toFixed(2)}%`;
export const duration = (micros: number): string => {
  const hours = micros / 3_600_000_000;
  return hours >= 48 ? `${(hours / 24).toFixed(1)} d` : `${hours.toFixed(1)} h`;
};

export function table(
  headers: readonly string[],
  rows: readonly (readonly string[])[],
  numericFrom = 1,
): string {
  if (rows.length === 0) return '<p class="empty">none</p>';
  const head = headers.map((h) => `<th>${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map(
      (row) =>
        `<tr>${row.map((cell, i) => `<td${i >= numericFrom ? ' class="n"' : ''}>${escapeHtml(cell)}</td>`).join('')}</tr>`,
    )
    .join('\n');
  return `<table><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table>`;
}
