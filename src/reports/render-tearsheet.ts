import type { Benchmark } from '../analytics/benchmark.js';
import type { StoredDecision } from '../analytics/decisions.js';
import type { DrawdownEpisode } from '../analytics/drawdown.js';
import type { EquityAnalytics, SeriesAnalytics } from '../analytics/equity-analytics.js';
import type { PropView } from '../analytics/prop-view.js';
import type { SignalEffectiveness } from '../analytics/signal-effectiveness.js';
import { numberOrUndefined } from '../analytics/statistic.js';
import {
  monthlyReturns,
  returnHistogram,
  ROLLING_WINDOW,
  rollingRatios,
  yearlyReturns,
} from '../analytics/tearsheet-series.js';
import { wilsonInterval } from '../analytics/wilson-interval.js';
import { isoFromMicros } from '../core/time.js';
import { duration, escapeHtml, money, percent, table } from './html-parts.js';
import { histogram, labelledBars, monthlyHeatmap, timeChart } from './svg-tearsheet-charts.js';

export interface TearsheetInput {
  readonly markedToMarket: EquityAnalytics;
  readonly benchmark: Benchmark | null;
  readonly signals: readonly SignalEffectiveness[];
  readonly decisions: readonly StoredDecision[];
}

/** How many of the deepest end-of-session drawdowns the table lists. */
export const WORST_DRAWDOWNS = 10;

const date = (ts: number | null): string => (ts === null ? '' : isoFromMicros(ts).slice(0, 10));
const pct1 = (v: number): string => `${(v * 100).toFixed(1)}%`;
/** `2024-02-14 14:30 UTC`: short enough for a phone's table cell. */
const minute = (ts: number): string => `${isoFromMicros(ts).slice(0, 16).replace('T', ' ')} UTC`;

/** Equity below its running peak as a fraction of the peak, per session: the end-of-day drawdown's own path. */
export function underwater(total: SeriesAnalytics): number[] {
  let peak = total.series.startEquity;
  return total.series.sessions.map((s) => {
    peak = Math.max(peak, s.equity);
    return peak > 0 ? -(peak - s.equity) / peak : 0;
  });
}

/** The worst drawdowns table's rows: depth, start (the peak), trough, recovery, length. */
export function worstDrawdownRows(episodes: readonly DrawdownEpisode[]): string[][] {
  return episodes
    .slice(0, WORST_DRAWDOWNS)
    .map((e, i) => [
      String(i + 1),
      money(e.depth),
      percent(e.depthPercent),
      date(e.peakTs),
      date(e.troughTs),
      e.recoveryTs === null ? 'not recovered' : date(e.recoveryTs),
      String(e.lengthSessions),
      duration(e.lengthMicros),
    ]);
}

const dailyMargin = (margin: number): string =>
  margin >= 0 ? `${money(margin)} short of the limit` : `${money(-margin)} beyond the limit`;

function complianceRows(prop: PropView): string[][] {
  const rows: string[][] = [];
  for (const rule of prop.rules) {
    if (rule === 'trailingDrawdown')
      rows.push([
        'trailing drawdown',
        `${money(prop.amount)} below the ${prop.basis} peak (threshold at end ${money(prop.finalThreshold)})`,
        prop.closestApproach
          ? `${money(Math.abs(prop.closestApproach.distance))} ${prop.closestApproach.distance >= 0 ? 'above' : 'below'} the threshold, ${minute(prop.closestApproach.ts)}`
          : '–',
        prop.breachedAt === null ? 'no' : `breached ${minute(prop.breachedAt)}`,
      ]);
    else if (rule === 'dailyLoss')
      rows.push([
        'daily loss',
        money(prop.dailyLossLimit),
        prop.worstDailyPnl
          ? `day P&L ${money(prop.worstDailyPnl.pnl)} , ${minute(prop.worstDailyPnl.ts)} (${dailyMargin((prop.dailyLossLimit ?? 0) + prop.worstDailyPnl.pnl)})`
          : '–',
        `${prop.dailyLocks} day${prop.dailyLocks === 1 ? '' : 's'} locked`,
      ]);
    else if (rule === 'maxContracts')
      rows.push([
        'contracts',
        `${String(prop.contractLimit)} full-size (a scaling plan may lower it)`,
        prop.peakContracts
          ? `held ${String(prop.peakContracts.minis)} at most, ${minute(prop.peakContracts.ts)}`
          : 'none held',
        prop.peakContracts && prop.contractLimit !== null && prop.peakContracts.minis > prop.contractLimit
          ? `held above the limit`
          : 'denials in the decisions below',
      ]);
    else
      rows.push([
        rule,
        'per order',
        'not replayed over the equity',
        'denials in the decisions below',
      ]);
  }
  const changes = Object.entries(prop.stateChanges);
  rows.push([
    'halts and reductions',
    'states the rules required over the path',
    changes.length === 0 ? 'always ACTIVE' : changes.map(([state, n]) => `${state} ×${n}`).join(', '),
    prop.breachedAt === null ? 'not halted by a breach' : 'HALTED (breach)',
  ]);
  return rows;
}

function decisionsByReason(decisions: readonly StoredDecision[]): string[][] {
  const counts = new Map<string, number>();
  for (const d of decisions) {
    const key = `${d.outcome}\u0000${d.code ?? ''}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .map(([key, n]) => [...key.split('\u0000'), String(n)]);
}

function compliance(mtm: EquityAnalytics, decisions: readonly StoredDecision[]): string[] {
  const accounts = [...new Set([...mtm.accounts.map((a) => a.account), ...decisions.map((d) => d.account)])].sort();
  if (accounts.length === 0) return ['<p class="empty">no account</p>'];
  return accounts.flatMap((account) => {
    const prop = mtm.accounts.find((a) => a.account === account)?.prop ?? null;
    const own = decisions.filter((d) => d.account === account);
    return [
      `<h4>${escapeHtml(account)}${prop ? ` · profile ${escapeHtml(prop.profileId)}` : ''}</h4>`,
      prop
        ? table(['rule', 'limit', 'closest approach', 'breaches, locks'], complianceRows(prop), 4)
        : '<p class="note">No rule profile for this account (enigma report --profile): no rule replayed.</p>',
      own.length === 0
        ? '<p class="note">No risk decision of this account is stored for the period.</p>'
        : table(['outcome', 'code', 'decisions'], decisionsByReason(own), 2),
    ];
  });
}

const SIGNAL_DIMENSIONS = ['source', 'confidence', 'power', 'confluence', 'strength'] as const;

/** The longest horizon any signal reached: a trend's signals are judged over the hour, not the minute. */
const longestHorizon = (signals: readonly SignalEffectiveness[]): number =>
  Math.max(0, ...signals.map((s) => s.horizonSeconds));

function signalRows(signals: readonly SignalEffectiveness[], horizon: number): string[][] {
  return signals
    .filter((s) => s.horizonSeconds === horizon && (SIGNAL_DIMENSIONS as readonly string[]).includes(s.dimension))
    .map((s) => {
      const hits = Math.round(s.hitRate * s.signals);
      const interval = wilsonInterval(hits, s.signals);
      return [
        s.dimension,
        s.bucket,
        String(s.signals),
        String(hits),
        percent(s.hitRate),
        interval ? `${pct1(interval.low)} – ${pct1(interval.high)}` : '–',
        s.averageTicks.toFixed(2),
      ];
    });
}

/**
 * The tearsheet: every chart drawn from the series the statistics are computed on (the total's
 * session equity and returns, its end-of-day drawdown path), on a real date axis, then the worst
 * drawdowns, compliance per account and signal effectiveness with Wilson intervals.
 */
export function renderTearsheet(input: TearsheetInput): string[] {
  const mtm = input.markedToMarket;
  const { total } = mtm;
  const sessions = total.series.sessions;
  const times = sessions.map((s) => s.endTs);
  const { benchmark } = input;
  const rolling = rollingRatios(sessions, { sessionsPerYear: mtm.sessionsPerYear, riskFreeRate: mtm.riskFreeRate });
  const returns = sessions.map((s) => s.return);
  const horizon = longestHorizon(input.signals);
  const months = new Map(monthlyReturns(sessions).map((m) => [m.period, m.return]));
  const benchmarkNote = benchmark
    ? `Benchmark: buy and hold ${escapeHtml(benchmark.symbol)} (the most traded instrument), the starting equity ${money(total.series.startEquity)} put into it at ${benchmark.startPrice} and held unlevered: start equity × price at each session's end / ${benchmark.startPrice}, prices from the store's ${benchmark.source} (the last before each session's end).`
    : 'No benchmark: no fill in the period, or no stored price of the traded instrument.';
  return [
    '<section id="tearsheet">',
    '<h2>Tearsheet</h2>',
    `<p class="note">Total of every account, marked to market at each session's end (${sessions.length} sessions, ${escapeHtml(sessions[0]?.date ?? '')} to ${escapeHtml(sessions[sessions.length - 1]?.date ?? '')}). ${benchmarkNote}</p>`,
    timeChart(
      times,
      [
        { name: 'strategy (marked to market)', color: '#1f77b4', values: sessions.map((s) => s.equity) },
        ...(benchmark ? [{ name: `buy and hold ${benchmark.symbol}`, color: '#999', values: benchmark.equity }] : []),
      ],
      { title: 'Cumulative equity at each session end', yLabel: '$', format: (v) => v.toFixed(0) },
    ),
    timeChart(times, [{ name: 'drawdown', color: '#d62728', values: underwater(total), fill: true }], {
      title: 'Under water: below the running peak (end of session)',
      yLabel: '% of peak',
      format: pct1,
      zero: true,
    }),
    monthlyHeatmap(months, 'Monthly returns (%), compounded from session returns'),
    labelledBars(
      yearlyReturns(sessions).map((y) => ({ label: y.period, value: y.return })),
      { title: 'Yearly returns', yLabel: 'return', format: pct1 },
    ),
    timeChart(
      times,
      [{ name: 'Sharpe', color: '#9467bd', values: rolling.map((r) => numberOrUndefined(r.sharpe) ?? null) }],
      { title: `Rolling Sharpe, ${ROLLING_WINDOW} sessions`, yLabel: 'Sharpe', format: (v) => v.toFixed(1), zero: true },
    ),
    timeChart(
      times,
      [{ name: 'volatility', color: '#ff7f0e', values: rolling.map((r) => numberOrUndefined(r.volatility) ?? null) }],
      { title: `Rolling volatility, ${ROLLING_WINDOW} sessions, annualised`, yLabel: 'volatility', format: pct1 },
    ),
    `<p class="note">Rolling figures over the last ${ROLLING_WINDOW} sessions (about three months), by the same formulas as the ratios table (annualised with N = ${mtm.sessionsPerYear.toFixed(1)}, risk-free ${(mtm.riskFreeRate * 100).toFixed(2)}%); no line (–) before ${ROLLING_WINDOW} sessions exist or where the returns do not vary.</p>`,
    histogram(returnHistogram(returns), {
      title: 'Distribution of session returns',
      xLabel: 'session return (flat sessions count as 0)',
      format: (v) => `${(v * 100).toFixed(2)}%`,
    }),
    `<h3>Worst ${WORST_DRAWDOWNS} drawdowns (end of session, marked to market)</h3>`,
    table(
      ['#', 'depth $', 'depth %', 'start (peak)', 'trough', 'recovery', 'sessions', 'calendar'],
      worstDrawdownRows(total.drawdown.endOfDay.episodes),
    ),
    '<h3 id="compliance">Compliance per account</h3>',
    '<p class="note">Each rule of the account’s profile replayed over its intraday marked-to-market path by the risk engine’s own evaluator (see the prop view below); the decisions are the risk engine’s, from the store, by outcome and code.</p>',
    ...compliance(mtm, input.decisions),
    '<h3>Signal effectiveness</h3>',
    `<p class="note">At ${horizon} s after the signal (the longest horizon the data reaches; every horizon is in signals.csv).</p>`,
    table(
      ['attribute', 'bucket', 'signals', 'hits', 'hit rate', '95% Wilson interval', 'avg ticks'],
      signalRows(input.signals, horizon),
      2,
    ),
    '<p class="note">A hit: the price moved the signal’s way by the horizon. The interval is the Wilson score interval (95%, z = 1.96) of hits out of signals: it stays inside 0–100% and is wide for small buckets, so a bucket of a few signals does not pass for an edge.</p>',
    '</section>',
  ];
}
