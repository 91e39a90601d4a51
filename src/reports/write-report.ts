import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Period } from '../analytics/period.js';
import { buildReport, type ReportData, type ReportOptions } from './build-report.js';
import { toCsv } from './csv.js';
import { renderHtml } from './render-html.js';

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
 * Builds the report of `period` and writes `report.html` and its CSVs (trades, daily, stats,
 * signals, slippage, correlation, market, decisions) into `<outDir>/<period label>/`.
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
  const files: Record<string, string> = {
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
