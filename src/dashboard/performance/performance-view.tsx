import { useMemo } from 'preact/hooks';
import { count, money, signedMoney } from '../format.js';
import type { LiveState, LiveStream } from '../live-stream.js';
import { percent, profitFactor, statistic, winRate } from './figures.js';
import { KeyFigures } from './key-figures.js';
import { Plot, PLOT_COLORS } from './plot.js';
import { ReportDownload } from './report-download.js';
import { PERIODS, type Report } from './report-types.js';
import { SignalTable } from './signal-table.js';
import { SlippageTable } from './slippage-table.js';
import { useReport } from './use-report.js';
import './performance.css';

const SECONDS_PER_DAY = 86_400;
const dollarsAxis = (value: number): string =>
  `${value < 0 ? '−' : ''}$${Math.abs(value).toLocaleString('en-US', { maximumFractionDigits: 0 })}`;

/** The curves' points: equity after each closed trade, from the period's start at the initial capital. */
function curves(report: Report) {
  const start = report.period.from / 1e6;
  const x = [start, ...report.equity.map((p) => p.ts / 1e6)];
  return {
    range: [start, report.period.to / 1e6] as const,
    x,
    equity: [report.initialCapital, ...report.equity.map((p) => p.equity)],
    drawdown: [0, ...report.equity.map((p) => -p.drawdown)],
    days: report.daily.map((d) => Date.parse(`${d.day}T00:00:00Z`) / 1000 + SECONDS_PER_DAY / 2),
    daily: report.daily.map((d) => d.netPnl),
  };
}

/** `2026-11-24 15:04:05 UTC` from epoch µs. */
const utc = (micros: number): string =>
  `${new Date(micros / 1000).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

function PeriodSwitch(props: {
  readonly period: string;
  readonly onChoose: (kind: 'day' | 'week' | 'month') => void;
}) {
  return (
    <div class="period-switch" role="group" aria-label="Period">
      {PERIODS.map((p) => (
        <button
          key={p.kind}
          type="button"
          aria-pressed={props.period === p.kind}
          data-period={p.kind}
          onClick={() => props.onChoose(p.kind)}
        >
          {p.label}
        </button>
      ))}
    </div>
  );
}

function AccountsTable(props: { readonly report: Report }) {
  return (
    <section aria-labelledby="perf-accounts-title" class="panel">
      <h3 id="perf-accounts-title">By account</h3>
      {props.report.accounts.length === 0 ? (
        <p>No round trip closed in the period.</p>
      ) : (
        <div class="scroll">
          <table data-testid="perf-accounts">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Trades</th>
                <th scope="col">Net P&L</th>
                <th scope="col">Win rate</th>
                <th scope="col">Profit factor</th>
                <th scope="col">Sharpe</th>
                <th scope="col">Max drawdown</th>
              </tr>
            </thead>
            <tbody>
              {props.report.accounts.map(({ account, figures }) => (
                <tr key={account} data-account={account}>
                  <th scope="row">{account}</th>
                  <td>{count(figures.trades)}</td>
                  <td>{signedMoney(figures.netPnl)}</td>
                  <td>{winRate(figures).text}</td>
                  <td>{profitFactor(figures).text}</td>
                  <td title={statistic(figures.sharpe).missing ?? undefined}>
                    {statistic(figures.sharpe).text}
                  </td>
                  <td>{signedMoney(-figures.maxDrawdown)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

function DailyTable(props: { readonly report: Report }) {
  return (
    <section class="panel daily-panel" aria-label="Daily P&L">
      <div class="scroll">
        <table data-testid="daily">
          <caption>Net P&L per UTC day of exit</caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              <th scope="col">Trades</th>
              <th scope="col">Net P&L</th>
              <th scope="col">Return</th>
            </tr>
          </thead>
          <tbody>
            {props.report.daily.map((d) => (
              <tr key={d.day}>
                <th scope="row">{d.day}</th>
                <td>{count(d.trades)}</td>
                <td class={d.netPnl < 0 ? 'down' : 'up'}>{signedMoney(d.netPnl)}</td>
                <td>{percent(d.return, 2)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/**
 * Performance (`#/performance`): the figures of the round trips closed today, this week or this
 * month (UTC), as the engine's analytics compute them (`GET /report`), read again after fills.
 * Realised only: open positions are not in these figures, and the page says so.
 */
export function PerformanceView(props: {
  readonly live: LiveState;
  readonly stream: LiveStream;
  readonly token: string;
}) {
  const state = useReport(props.stream, props.token, props.live.connection);
  const { report } = state;
  const drawn = useMemo(() => (report ? curves(report) : null), [report]);
  const fresh = props.live.connection === 'live' && !state.loading;
  return (
    <div
      class={`performance${props.live.connection === 'live' ? '' : ' is-stale'}`}
      data-reads={String(state.reads)}
    >
      <section aria-labelledby="performance-title">
        <div class="performance-head">
          <h2 id="performance-title">Performance</h2>
          <PeriodSwitch period={state.period} onChoose={state.choose} />
        </div>
        <p class="hint" aria-live="polite" data-testid="computed">
          {report
            ? `${report.period.label}: ${utc(report.period.from)} to ${utc(report.period.to)} · computed ${utc(report.computedAt)}${fresh ? '' : state.loading ? ' · reading…' : ' · not live'}`
            : state.loading
              ? 'Reading the figures…'
              : ''}
        </p>
        {state.problem !== null && (
          <p class="error" role="alert">
            The figures could not be read: {state.problem}
          </p>
        )}
        {report && drawn && (
          <>
            <KeyFigures report={report} />
            <p class="hint">
              Realised only: round trips closed in the period, matched first in, first out; an open position
              counts once it is closed. Sharpe and Sortino are over closing days and shown only from 20 of
              them. The marked-to-market figures (open positions priced, ratios per session) are in the HTML
              report, rendered by the engine as <code>enigma report</code> renders it:
            </p>
            <ReportDownload period={state.period} token={props.token} />
            <div class="plots">
              <Plot
                testId="equity-plot"
                caption={`Equity after each closed trade, from ${money(report.initialCapital)}`}
                label="equity"
                x={drawn.x}
                y={drawn.equity}
                range={drawn.range}
                kind="line"
                color={PLOT_COLORS.line}
                format={dollarsAxis}
              />
              <Plot
                testId="drawdown-plot"
                caption={`Drawdown below the running peak (deepest ${money(report.total.maxDrawdown)})`}
                label="drawdown"
                x={drawn.x}
                y={drawn.drawdown}
                range={drawn.range}
                kind="area"
                color={PLOT_COLORS.drawdown}
                format={dollarsAxis}
              />
              <Plot
                testId="daily-plot"
                caption="Net P&L per UTC day: gains above the line, losses below"
                label="net P&L"
                x={drawn.days}
                y={drawn.daily}
                range={drawn.range}
                kind="bars"
                color={PLOT_COLORS.gain}
                format={dollarsAxis}
              />
            </div>
            <DailyTable report={report} />
            <div class="performance-tables">
              <AccountsTable report={report} />
              <SignalTable signals={report.signals} />
              <SlippageTable rows={report.slippage} />
            </div>
          </>
        )}
      </section>
    </div>
  );
}
