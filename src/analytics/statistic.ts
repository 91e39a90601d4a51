/**
 * A figure that may be missing, and then says why. A ratio over too few sessions is not a small
 * number, it is no number: the type makes a caller narrow (`'value' in s`) before it can print
 * one, so a report cannot show a Sharpe of 6.25 from three observations by accident.
 */
export type Statistic = { readonly value: number } | { readonly missing: string };

/** Below this many sessions the ratios (Sharpe, Sortino, Calmar, annualised figures) are missing. */
export const MIN_SESSIONS = 20;

export const valueOf = (value: number): Statistic => ({ value });
export const missing = (reason: string): Statistic => ({ missing: reason });

/** The number, or undefined when missing (for CSV cells and tests). */
export function numberOrUndefined(statistic: Statistic): number | undefined {
  return 'value' in statistic ? statistic.value : undefined;
}

/** `format(value)` or `–` for a missing figure. */
export function formatStatistic(statistic: Statistic, format: (value: number) => string): string {
  return 'value' in statistic ? format(statistic.value) : '–';
}
