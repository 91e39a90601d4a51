import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Period } from '../analytics/period.js';
import { buildReport, type ReportData, type ReportOptions } from './build-report.js';
import { toCsv } from './csv.js';
import { renderHtml } from './render-html.js';
import type { SeriesAnalytics } from '../analytics/equity-analytics.js';
import type { Statistic } from '../analytics/statistic.js';

/** One row per statistic of a marked-to-market series: a missing figure has an empty value and its reason. */
function statisticRows(s: SeriesAnalytics): Record<string, unknown>[] {
  const row = (statistic: string, value: Statistic | number | null): Record<string, unknown> =>
    typeof value === 'number' || value === null
      ? { scope: s.account, statistic, value, missing: '' }
      : 'value' in value
        ? { scope: s.account, statistic, value: value.value, missing: '' }
        : { scope: s.account, statistic, value: null, missing: value.missing };
  const { returns, drawdown, trades } = s;
  return [
    row('sessions', returns.sessions),
    row('sessionsPerYear', returns.sessionsPerYear),
    row('riskFreeRate', returns.riskFreeRate),
    row('totalReturn', returns.totalReturn),
    row('annualReturnGeometric', returns.annualReturnGeometric),
    row('annualReturnArithmetic', returns.annualReturnArithmetic),
    row('volatility', returns.volatility),
    row('sharpe', returns.sharpe),
    row('sortino', returns.sortino),
    row('calmar', returns.calmar),
    ...(['realised', 'endOfDay', 'intraday'] as const).flatMap((kind) => [
      row(`maxDrawdown.${kind}`, drawdown[kind].maxDepth),
      row(`maxDrawdownPercent.${kind}`, drawdown[kind].maxDepthPercent),
      row(`longestDrawdownSessions.${kind}`, drawdown[kind].longest?.lengthSessions ?? 0),
    ]),
    row('largestWin', trades.largestWin),
    row('largestLoss', trades.largestLoss),
    row('longestWinningStreak', trades.longestWinningStreak),
    row('longestLosingStreak', trades.longestLosingStreak),
    row('averageHoldingMicros', trades.averageHoldingMicros),
    row('timeInMarket', trades.timeInMarket),
    row('commissionShare', trades.commissionShare),
    row('slippageShare', trades.slippageShare),
    row('averageMaeDollars', trades.averageMaeDollars),
    row('averageMfeDollars', trades.averageMfeDollars),
    row('averageRMultiple', trades.averageRMultiple),
  ];
}

const TRADE_COLUMNS = [
  'account',
  'symbol',
  'direction',
  'quantity',
  'entryTs',
  'exitTs',
  'entryPrice',
  'exitPrice',
  'entryFillId',
  'exitFillId',
  'points',
  'grossPnl',
  'commission',
  'netPnl',
  'source',
  'pipeline',
  'day',
] as const;

export interface WrittenReport {
  readonly directory: string;
  readonly html: string;
  readonly csv: readonly string[];
  readonly data: ReportData;
}

/**
 * Builds the report of `period` and writes `report.html` and its CSVs (equity per session and
 * mtm-stats, marked to market; excursions per round trip; trades, daily, stats, realised only; signals, slippage,
 * correlation, market, decisions) into `<outDir>/<period label>/`.
 */
export async function writeReport(
  connection: DuckDBConnection,
  period: Period,
  outDir: string,
  options: ReportOptions & { generatedAt?: string } = {},
): Promise<WrittenReport> {
  const data = await buildReport(connection, period, options);
  const directory = join(outDir, period.label);
  mkdirSync(directory, { recursive: true });
  const html = join(directory, 'report.html');
  writeFileSync(html, renderHtml(data, options.generatedAt ?? new Date().toISOString()));
  const stats = Object.entries(data.by).flatMap(([dimension, groups]) =>
    groups.map((g) => ({ dimension, key: g.key, ...g.stats })),
  );
  const mtm = data.markedToMarket;
  const series = [mtm.total, ...mtm.accounts];
  const files: Record<string, string> = {
    'equity.csv': toCsv(
      series.flatMap((s) =>
        s.series.sessions.map((session) => ({
          scope: s.account,
          ...session,
          carried: session.carried.join(' '),
        })),
      ),
      [
        'scope',
        'date',
        'endTs',
        'startEquity',
        'equity',
        'balance',
        'pnl',
        'return',
        'carried',
        'openContracts',
      ],
    ),
    'excursions.csv': toCsv(mtm.total.excursions, [
      'account',
      'symbol',
      'entryFillId',
      'exitFillId',
      'maePoints',
      'mfePoints',
      'maeDollars',
      'mfeDollars',
      'prices',
      'riskDollars',
      'rMultiple',
    ]),
    'mtm-stats.csv': toCsv(series.flatMap(statisticRows), ['scope', 'statistic', 'value', 'missing']),
    'trades.csv': toCsv(data.trades, TRADE_COLUMNS),
    'daily.csv': toCsv(data.daily, ['day', 'netPnl', 'trades', 'return']),
    'stats.csv': toCsv([{ dimension: 'all', key: 'all', ...data.overall }, ...stats]),
    'signals.csv': toCsv(data.signals, [
      'dimension',
      'bucket',
      'horizonSeconds',
      'signals',
      'hitRate',
      'averageTicks',
      'averageDollars',
    ]),
    'slippage.csv': toCsv(data.slippage, [
      'account',
      'symbol',
      'fills',
      'contracts',
      'averageTicks',
      'totalDollars',
    ]),
    'correlation.csv': toCsv(data.correlations, ['a', 'b', 'correlation', 'observations']),
    'market.csv': toCsv(data.market, ['symbol', 'ticks', 'open', 'high', 'low', 'close', 'volume', 'vwap']),
    'decisions.csv': toCsv(
      data.decisions.map((d) => ({ ...d, numbers: JSON.stringify(d.numbers) })),
      [
        'ts',
        'account',
        'intentId',
        'symbol',
        'side',
        'quantity',
        'outcome',
        'code',
        'reason',
        'limit',
        'value',
        'numbers',
        'by',
      ],
    ),
  };
  const csv: string[] = [];
  for (const [name, text] of Object.entries(files)) {
    const path = join(directory, name);
    writeFileSync(path, text);
    csv.push(path);
  }
  return { directory, html, csv, data };
}
