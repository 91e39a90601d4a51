import { count, money } from '../format.js';
import type { SlippageRow } from './report-types.js';

/** Slippage per account and instrument against the intended price (limit, else the signal's). */
export function SlippageTable(props: { readonly rows: readonly SlippageRow[] }) {
  return (
    <section aria-labelledby="slippage-title" class="panel">
      <h3 id="slippage-title">Slippage</h3>
      {props.rows.length === 0 ? (
        <p>No fill in the period with an intended price (a limit, or the signal's price).</p>
      ) : (
        <div class="scroll">
          <table data-testid="slippage">
            <thead>
              <tr>
                <th scope="col">Account</th>
                <th scope="col">Instrument</th>
                <th scope="col">Fills</th>
                <th scope="col">Contracts</th>
                <th scope="col">Avg ticks</th>
                <th scope="col">Dollars</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((row) => (
                <tr key={`${row.account}|${row.symbol}`} data-account={row.account}>
                  <td>{row.account}</td>
                  <td>{row.symbol}</td>
                  <td>{count(row.fills)}</td>
                  <td>{count(row.contracts)}</td>
                  {/* Positive is worse than intended: said in words, not only by colour. */}
                  <td>
                    {`${row.averageTicks.toFixed(2)} ${row.averageTicks > 0 ? 'worse' : row.averageTicks < 0 ? 'better' : ''}`.trim()}
                  </td>
                  <td>{`${money(Math.abs(row.totalDollars))} ${row.totalDollars >= 0 ? 'cost' : 'gained'}`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="hint">
        Positive ticks are worse than intended: a buy above, or a sell below, the intended price.
      </p>
    </section>
  );
}
