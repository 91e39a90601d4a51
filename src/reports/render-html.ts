import type { PerformanceStats } from '../analytics/performance.js';
import { isoFromMicros } from '../core/time.js';
import { describeCapital, type ReportData } from './build-report.js';
import { barChart, lineChart } from './svg-charts.js';
import { duration, escapeHtml, money, percent, ratio, table } from './html-parts.js';
import { renderMarkedToMarket } from './render-mtm.js';
import { renderTearsheet } from './render-tearsheet.js';
import { formatStatistic, MIN_SESSIONS } from '../analytics/statistic.js';

const STAT_HEADERS = [
  'trades',
  'net P&L',
  'win rate',
  'avg win',
  'avg loss',
  'payoff',
  'profit factor',
  'expectancy',
  'Sharpe',
  'Sortino',
  'max DD',
  'max DD %',
  'longest DD',
  'Calmar',
];

/**
 * A realised-only ratio, shown only over at least {@link MIN_SESSIONS} closing days: these are
 * kept for comparison, and a ratio of a handful of days is no figure.
 */
const realisedRatio = (value: number | null, days: number): string =>
  days < MIN_SESSIONS ? '–' : ratio(value);

function statCells(stats: PerformanceStats): string[] {
  return [
    String(stats.trades),
    money(stats.netPnl),
    percent(stats.winRate),
    money(stats.averageWin),
    money(stats.averageLoss),
    ratio(stats.payoffRatio),
    ratio(stats.profitFactor),
    money(stats.expectancy),
    realisedRatio(stats.sharpe, stats.tradingDays),
    realisedRatio(stats.sortino, stats.tradingDays),
    money(stats.maxDrawdown),
    percent(stats.maxDrawdownPercent),
    duration(stats.longestDrawdownMicros),
    realisedRatio(stats.calmar, stats.tradingDays),
  ];
}

const STYLE = `body{font:14px system-ui,sans-serif;margin:16px;color:#222;max-width:1000px}
svg{max-width:100%;height:auto}svg.chart{display:block;margin:12px 0}#tearsheet{max-width:760px}h4{font-size:14px;margin:12px 0 4px}@media (max-width:600px){body{margin:8px}table{font-size:12px}th,td{padding:2px 4px}}table{display:block;overflow-x:auto}h3{font-size:15px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ccc}
table{border-collapse:collapse;margin:8px 0}th,td{padding:3px 8px;border-bottom:1px solid #eee;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}th{background:#f4f4f4}.empty{color:#888}
.kpi{display:inline-block;margin:4px 18px 4px 0}.kpi b{display:block;font-size:18px}.note{color:#666;font-size:12px}`;

/**
 * The report as one HTML document: inline CSS and SVG, no script and no external resource, so it
 * opens from disk in any browser without a network.
 */
export function renderHtml(data: ReportData, generatedAt: string): string {
  const { overall, period } = data;
  const mtm = data.markedToMarket.total;
  const kpis = [
    ['Net P&L (closed trades)', money(overall.netPnl)],
    ['Trades', String(overall.trades)],
    ['Win rate', percent(overall.winRate)],
    ['Profit factor', ratio(overall.profitFactor)],
    ['Sharpe (sessions, MTM)', formatStatistic(mtm.returns.sharpe, (v) => v.toFixed(2))],
    ['Annual return (geometric)', formatStatistic(mtm.returns.annualReturnGeometric, (v) => percent(v))],
    ['Max drawdown (intraday MTM)', money(mtm.drawdown.intraday.maxDepth)],
  ]
    .map(
      ([label, value]) =>
        `<span class="kpi">${escapeHtml(label as string)}<b>${escapeHtml(value as string)}</b></span>`,
    )
    .join('');
  const sections = [
    `<h1>Enigma-Apex report: ${escapeHtml(period.label)}</h1>`,
    `<p class="note">${escapeHtml(period.kind)} ${escapeHtml(isoFromMicros(period.from))} to ${escapeHtml(isoFromMicros(period.to))} (UTC) · generated ${escapeHtml(generatedAt)} · initial capital ${escapeHtml(describeCapital(data))}</p>`,
    `<div>${kpis}</div>`,
    ...renderTearsheet(data),
    ...renderMarkedToMarket(data.markedToMarket),
    '<h2>Realised only: equity after each closed trade</h2>',
    '<p class="note">Realised only: open P&amp;L is ignored, so these curves and the figures below flatter a strategy that holds losing positions. Kept for comparison with earlier reports; the marked-to-market figures above are the ones to decide on.</p>',
    lineChart(
      data.equity.map((p) => p.equity),
      { title: 'Realised only: equity after each closed trade ($)', format: (v) => v.toFixed(0) },
    ),
    lineChart(
      data.equity.map((p) => -p.drawdown),
      {
        title: 'Realised only: drawdown from peak ($)',
        color: '#d62728',
        fill: true,
        format: (v) => v.toFixed(0),
      },
    ),
    '<h2>Realised only: P&amp;L by UTC day of exit</h2>',
    barChart(
      data.daily.map((d) => ({ label: d.day.slice(5), value: Number(d.netPnl.toFixed(2)) })),
      { title: 'Net P&L per UTC day ($)', format: (v) => v.toFixed(0) },
    ),
    table(
      ['day', 'trades', 'net P&L', 'return'],
      data.daily.map((d) => [d.day, String(d.trades), money(d.netPnl), percent(d.return)]),
    ),
    '<h2>Realised only: performance per closed trade</h2>',
    table(['scope', ...STAT_HEADERS], [['all', ...statCells(overall)]]),
    ...(['account', 'symbol', 'pipeline', 'source', 'day'] as const).flatMap((key) => [
      `<h3>By ${key}</h3>`,
      table(
        [key, ...STAT_HEADERS],
        data.by[key].map((g) => [g.key, ...statCells(g.stats)]),
      ),
    ]),
    `<p class="note">Realised only. Sharpe and Sortino here: returns only on UTC days a trade closed (day P&amp;L / equity at the day start), risk-free 0, annualised ×√252 as if every trading day had a close, which overstates them by about √(252 / closing days a year); shown as – under ${MIN_SESSIONS} closing days. Sortino uses downside deviation below 0 over those days. Max drawdown on the trade-by-trade equity curve; Calmar = mean daily return × 252 / max drawdown %.</p>`,
    '<h2>Execution quality</h2>',
    table(
      ['account', 'symbol', 'fills', 'contracts', 'avg slippage (ticks)', 'slippage $'],
      data.slippage.map((s) => [
        s.account,
        s.symbol,
        String(s.fills),
        String(s.contracts),
        ratio(s.averageTicks),
        money(s.totalDollars),
      ]),
      2,
    ),
    table(
      ['signal → fill', 'fills', 'mean ms', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms'],
      [
        [
          'latency',
          String(data.latency.fills),
          ratio(data.latency.meanMillis),
          ratio(data.latency.p50Millis),
          ratio(data.latency.p90Millis),
          ratio(data.latency.p99Millis),
          ratio(data.latency.maxMillis),
        ],
      ],
    ),
    '<h2>Market</h2>',
    table(
      ['symbol', 'ticks', 'open', 'high', 'low', 'close', 'volume', 'VWAP'],
      data.market.map((m) => [
        m.symbol,
        String(m.ticks),
        String(m.open),
        String(m.high),
        String(m.low),
        String(m.close),
        String(m.volume),
        ratio(m.vwap, 4),
      ]),
    ),
    '<h3>Correlation of one-minute returns</h3>',
    table(
      ['a', 'b', 'correlation', 'minutes'],
      data.correlations.map((c) => [c.a, c.b, ratio(c.correlation, 3), String(c.observations)]),
      2,
    ),
    '<h2>Trades</h2>',
    table(
      [
        'exit (UTC)',
        'account',
        'symbol',
        'side',
        'qty',
        'entry',
        'exit',
        'points',
        'commission',
        'net P&L',
        'source',
      ],
      data.trades
        .slice(0, 1000)
        .map((t) => [
          isoFromMicros(t.exitTs),
          t.account,
          t.symbol,
          t.direction,
          String(t.quantity),
          String(t.entryPrice),
          String(t.exitPrice),
          String(t.points),
          money(t.commission),
          money(t.netPnl),
          t.source ?? '',
        ]),
      4,
    ),
    data.trades.length > 1000
      ? `<p class="note">First 1,000 of ${data.trades.length} trades; all are in trades.csv.</p>`
      : '',
    '<h2>Risk decisions</h2>',
    table(
      ['outcome', 'code', 'decisions'],
      data.decisionCounts.map((c) => [c.outcome, c.code ?? '', String(c.decisions)]),
      2,
    ),
    table(
      ['time (UTC)', 'account', 'outcome', 'code', 'order', 'limit', 'value', 'by', 'reason'],
      data.decisions
        .slice(-1000)
        .map((d) => [
          isoFromMicros(d.ts),
          d.account,
          d.outcome,
          d.code ?? '',
          `${d.side} ${d.quantity ?? '?'} ${d.symbol}`,
          d.limit === null ? '' : String(d.limit),
          d.value === null ? '' : String(d.value),
          d.by ?? '',
          d.reason,
        ]),
      9,
    ),
    data.decisions.length > 1000
      ? `<p class="note">Last 1,000 of ${data.decisions.length} decisions; all are in decisions.csv.</p>`
      : '',
    '<h2>Rejected input</h2>',
    table(
      ['code', 'rows'],
      data.rejects.map((r) => [r.code, String(r.rows)]),
    ),
  ];
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Enigma-Apex report ${escapeHtml(period.label)}</title>
<style>${STYLE}</style></head><body>
${sections.join('\n')}
</body></html>
`;
}
