import type { DrawdownEpisode, DrawdownSummary } from '../analytics/drawdown.js';
import type { EquityAnalytics, SeriesAnalytics } from '../analytics/equity-analytics.js';
import { formatStatistic, type Statistic } from '../analytics/statistic.js';
import { isoFromMicros } from '../core/time.js';
import { duration, escapeHtml, money, percent, table } from './html-parts.js';

const date = (ts: number | null): string => (ts === null ? '' : isoFromMicros(ts).slice(0, 10));

/** Collects the reasons of missing figures so the table shows `–¹` and a note says why. */
class Reasons {
  private readonly list: string[] = [];
  cell(statistic: Statistic, format: (value: number) => string): string {
    if ('value' in statistic) return formatStatistic(statistic, format);
    let index = this.list.indexOf(statistic.missing);
    if (index < 0) index = this.list.push(statistic.missing) - 1;
    return `– (${index + 1})`;
  }
  note(): string {
    if (this.list.length === 0) return '';
    const items = this.list.map((reason, i) => `(${i + 1}) ${escapeHtml(reason)}`).join('; ');
    return `<p class="note">– is no number: ${items}.</p>`;
  }
}

const fixed = (digits: number) => (value: number) => value.toFixed(digits);
const asPercent = (value: number): string => `${(value * 100).toFixed(2)}%`;

function returnRows(all: readonly SeriesAnalytics[], reasons: Reasons): string[][] {
  return all.map((s) => [
    s.account,
    String(s.returns.sessions),
    percent(s.returns.totalReturn),
    reasons.cell(s.returns.annualReturnGeometric, asPercent),
    reasons.cell(s.returns.annualReturnArithmetic, asPercent),
    reasons.cell(s.returns.volatility, asPercent),
    reasons.cell(s.returns.sharpe, fixed(2)),
    reasons.cell(s.returns.sortino, fixed(2)),
    reasons.cell(s.returns.calmar, fixed(2)),
  ]);
}

function episodeCells(episode: DrawdownEpisode | null): string[] {
  if (!episode) return ['', '', '', '', ''];
  return [
    date(episode.peakTs),
    date(episode.troughTs),
    episode.recoveryTs === null ? 'not recovered' : date(episode.recoveryTs),
    String(episode.lengthSessions),
    duration(episode.lengthMicros),
  ];
}

function drawdownRow(scope: string, kind: string, summary: DrawdownSummary): string[] {
  return [
    scope,
    kind,
    money(summary.maxDepth),
    percent(summary.maxDepthPercent),
    ...episodeCells(summary.worst),
    summary.longest
      ? `${summary.longest.lengthSessions} sessions, ${duration(summary.longest.lengthMicros)}`
      : '',
  ];
}

/**
 * The headline section: marked-to-market equity per session, its ratios (missing ones as `–`
 * with the reason), drawdown three ways, trade statistics and the prop view, with every
 * convention stated next to the figures.
 */
export function renderMarkedToMarket(mtm: EquityAnalytics): string[] {
  const all = [mtm.total, ...(mtm.accounts.length > 1 ? mtm.accounts : [])];
  const { total } = mtm;
  const reasons = new Reasons();
  const returns = table(
    [
      'scope',
      'sessions',
      'total return',
      'annual return (geometric)',
      'annual return (arithmetic)',
      'volatility',
      'Sharpe',
      'Sortino',
      'Calmar',
    ],
    returnRows(all, reasons),
  );
  const carried = total.series.sessions.filter((s) => s.carried.length > 0).length;
  const sources = [...mtm.priceSources].map(([symbol, source]) => `${symbol}: ${source}`).join(', ');
  const conventions =
    `<p class="note">One observation per trading session (${escapeHtml(mtm.hours.timeZone)}, the trading day ends at ${escapeHtml(mtm.hours.open)} local: CME Globex by default; no holiday calendar, so a holiday is a flat session). ` +
    `Equity at each session's end = starting capital + realised P&amp;L − commissions + open positions marked at the last price before the end (marks: ${escapeHtml(sources || 'none')}; ` +
    `${carried} session${carried === 1 ? '' : 's'} had an open position without a price and carried the last known one). ` +
    `Return = session P&amp;L / equity at the session's start; a flat session returns 0 and counts. ` +
    `Annualised with N = ${mtm.sessionsPerYear.toFixed(1)} sessions a year: arithmetic mean × N, geometric (1 + total)^(N/n) − 1, volatility = sample stdev × √N. ` +
    `Sharpe = mean excess return / sample stdev × √N; Sortino = mean excess return / downside deviation × √N, downside deviation = √(Σ min(x, 0)² / n) over all n sessions (target: the risk-free rate); Calmar = geometric annual return / largest end-of-day marked-to-market drawdown %. ` +
    `risk-free rate ${(mtm.riskFreeRate * 100).toFixed(2)}% a year. A ratio over fewer than ${mtm.minSessions} sessions is shown as – with the reason. See docs/analytics.md.</p>`;
  const drawdownRows = all.flatMap((s) => [
    drawdownRow(s.account, 'realised (closed trades only)', s.drawdown.realised),
    drawdownRow(s.account, 'end of session, marked to market', s.drawdown.endOfDay),
    drawdownRow(s.account, 'intraday, marked to market', s.drawdown.intraday),
  ]);
  const tradeRows = all.map((s) => [
    s.account,
    money(s.trades.largestWin),
    money(s.trades.largestLoss),
    String(s.trades.longestWinningStreak),
    String(s.trades.longestLosingStreak),
    s.trades.averageHoldingMicros === null ? '–' : duration(s.trades.averageHoldingMicros),
    reasons.cell(s.trades.timeInMarket, asPercent),
    reasons.cell(s.trades.commissionShare, asPercent),
    reasons.cell(s.trades.slippageShare, asPercent),
    money(s.trades.averageMaeDollars),
    money(s.trades.averageMfeDollars),
    reasons.cell(s.trades.averageRMultiple, fixed(2)),
  ]);
  const props = mtm.accounts.flatMap((s) => (s.prop ? [s.prop] : []));
  const propSection =
    props.length === 0
      ? '<p class="note">No rule profile was given for any account, so no prop view (writeReport option <code>profiles</code>).</p>'
      : table(
          [
            'account',
            'profile',
            'basis',
            'trailing $',
            'threshold at end',
            'peak',
            'trailing stopped',
            'closest approach $',
            'at',
            'breached',
            'daily-loss locks',
          ],
          props.map((p) => [
            p.account,
            p.profileId,
            p.basis,
            money(p.amount),
            money(p.finalThreshold),
            money(p.peak),
            p.trailingStopped ? 'yes' : 'no',
            money(p.closestApproach?.distance ?? null),
            p.closestApproach ? isoFromMicros(p.closestApproach.ts) : '',
            p.breachedAt === null ? 'no' : isoFromMicros(p.breachedAt),
            String(p.dailyLocks),
          ]),
          3,
        );
  return [
    '<h2>Marked to market: equity per session</h2>',
    conventions,
    '<h3>Returns and ratios</h3>',
    returns,
    '<h3>Drawdown three ways</h3>',
    table(
      [
        'scope',
        'measured on',
        'max $',
        'max %',
        'peak',
        'trough',
        'recovered',
        'sessions',
        'calendar',
        'longest',
      ],
      drawdownRows,
      2,
    ),
    '<p class="note">Depth = running peak − equity; % of the peak. Length from the peak to the recovery (back at the peak), or to the end when not recovered, in sessions and calendar time. The realised drawdown ignores open P&amp;L; the intraday one marks every tick of an open position.</p>',
    '<h3>Trades</h3>',
    table(
      [
        'scope',
        'largest win',
        'largest loss',
        'longest winning streak',
        'longest losing streak',
        'average holding',
        'time in market',
        'commissions / gross P&L',
        'slippage / gross P&L',
        'average MAE $',
        'average MFE $',
        'average R',
      ],
      tradeRows,
    ),
    reasons.note(),
    '<p class="note">MAE / MFE: the furthest the price went against / for an open round trip (entry, exit and every price between), × quantity × point value; per trade in excursions.csv. R = net P&amp;L / (|entry − stop| × quantity × point value), the stop of the entry order.</p>',
    '<h3>Prop view: the risk engine’s trailing threshold over this path</h3>',
    propSection,
    `<p class="note">Replays the account's intraday marked-to-market path through the risk engine's own rule evaluator (AccountCompliance) with the account's profile. Starting balance = the account's capital (${money(total.series.capital)} in total).</p>`,
  ];
}
