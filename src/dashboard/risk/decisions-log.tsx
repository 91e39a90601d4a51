import { timeOfDay } from '../format.js';
import type { Decision } from '../types.js';

const OUTCOME_SYMBOL: Readonly<Record<string, string>> = {
  approved: '✓',
  confirmed: '✓',
  proposed: '?',
  denied: '✕',
  rejected: '✕',
  expired: '✕',
};
const GOOD = new Set(['approved', 'confirmed']);
const BAD = new Set(['denied', 'rejected', 'expired']);

const figure = (value: number | null): string => (value === null ? '—' : value.toLocaleString('en-US'));

/** The risk engine's decisions, newest first: the outcome in words, its reason, and the numbers behind it. */
export function DecisionsLog(props: { readonly decisions: readonly Decision[] }) {
  return (
    <section aria-labelledby="decisions-title">
      <h2 id="decisions-title">Decisions log</h2>
      {props.decisions.length === 0 ? (
        <p>No decision yet.</p>
      ) : (
        <div class="table-wrap">
          <table class="decisions">
            <thead>
              <tr>
                <th scope="col">Time</th>
                <th scope="col">Account</th>
                <th scope="col">Order</th>
                <th scope="col">Outcome</th>
                <th scope="col">Reason</th>
                <th scope="col">Limit</th>
                <th scope="col">Value</th>
                <th scope="col">By</th>
              </tr>
            </thead>
            <tbody>
              {props.decisions.map((d) => (
                <tr
                  key={`${d.intentId}|${d.outcome}|${String(d.ts)}`}
                  data-decision={d.intentId}
                  data-outcome={d.outcome}
                >
                  <td>{timeOfDay(d.ts / 1000)}</td>
                  <td>{d.account}</td>
                  <td>
                    {d.side} {d.quantity === null ? '' : String(d.quantity)} {d.symbol}
                  </td>
                  <td
                    class={GOOD.has(d.outcome) ? 'up' : BAD.has(d.outcome) ? 'down' : ''}
                    data-field="outcome"
                  >
                    <span aria-hidden="true">{OUTCOME_SYMBOL[d.outcome] ?? '·'}</span> {d.outcome}
                  </td>
                  <td data-field="reason">
                    {d.code !== null && <code>{d.code}</code>} {d.reason}
                  </td>
                  <td>{figure(d.limit)}</td>
                  <td>{figure(d.value)}</td>
                  <td data-field="by">{d.by ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
