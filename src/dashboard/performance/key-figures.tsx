import { count, money, signedMoney } from '../format.js';
import { profitFactor, statistic, winRate, type Shown } from './figures.js';
import type { Report } from './report-types.js';

function Figure(props: { readonly name: string; readonly field: string; readonly shown: Shown }) {
  return (
    <div class="kpi" data-field={props.field}>
      <dt>{props.name}</dt>
      <dd>
        <span class="kpi-value">{props.shown.text}</span>
        {props.shown.missing !== null && <span class="kpi-why">{props.shown.missing}</span>}
      </dd>
    </div>
  );
}

const shown = (text: string): Shown => ({ text, missing: null });

/**
 * The period's headline figures, over every account: net P&L (signed, so colour is not the only
 * cue), trades, win rate, profit factor, Sharpe, Sortino, max drawdown, slippage.
 */
export function KeyFigures(props: { readonly report: Report }) {
  const { total, slippage } = props.report;
  const slippageDollars = slippage.reduce((sum, row) => sum + row.totalDollars, 0);
  const slippageContracts = slippage.reduce((sum, row) => sum + row.contracts, 0);
  return (
    <dl class="kpis" data-testid="key-figures">
      <Figure name="Net P&L" field="netPnl" shown={shown(signedMoney(total.netPnl))} />
      <Figure
        name="Trades"
        field="trades"
        shown={shown(`${count(total.trades)} (${count(total.wins)} won, ${count(total.losses)} lost)`)}
      />
      <Figure name="Win rate" field="winRate" shown={winRate(total)} />
      <Figure name="Profit factor" field="profitFactor" shown={profitFactor(total)} />
      <Figure name="Sharpe" field="sharpe" shown={statistic(total.sharpe)} />
      <Figure name="Sortino" field="sortino" shown={statistic(total.sortino)} />
      <Figure
        name="Max drawdown"
        field="maxDrawdown"
        shown={shown(total.maxDrawdown === 0 ? signedMoney(0) : signedMoney(-total.maxDrawdown))}
      />
      <Figure
        name="Slippage"
        field="slippage"
        shown={
          slippageContracts === 0
            ? { text: '–', missing: 'no fill with an intended price' }
            : shown(
                `${money(Math.abs(slippageDollars))} ${slippageDollars >= 0 ? 'cost' : 'gained'} on ${count(slippageContracts)} contract${slippageContracts === 1 ? '' : 's'}`,
              )
        }
      />
    </dl>
  );
}
