// The report's shape, taken from the API's own schema so the page and the engine cannot drift.
import type { Static } from '@sinclair/typebox';
import type { ReportSchema } from '../../server/api/schemas.js';

export type Report = Static<typeof ReportSchema>;
export type Figures = Report['total'];
export type SignalRow = Report['signals'][number];
export type SlippageRow = Report['slippage'][number];
/** A figure that may be missing, with the reason (src/analytics/statistic.ts). */
export type Statistic = Figures['sharpe'];

/** The periods the page offers; the engine reads each as the one containing today (UTC). */
export const PERIODS = [
  { kind: 'day', label: 'Today' },
  { kind: 'week', label: 'This week' },
  { kind: 'month', label: 'This month' },
] as const;
export type PeriodKind = (typeof PERIODS)[number]['kind'];
