import { Component } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError, command } from '../api-client.js';
import { count, signedMoney, timeOfDay } from '../format.js';
import { decisionsOf, describeDecision } from './signal-decisions.js';
import type { Fill, Order, Position, Signal, TradeDecision } from './trading-types.js';

/** Rows shown per table: the newest; the API has the rest. */
const ROWS = 20;

const at = (micros: number): string => timeOfDay(micros / 1000);
const price = (value: number | null | undefined): string =>
  value === null || value === undefined ? '—' : String(value);

export function PositionsTable(props: { readonly positions: readonly Position[] }) {
  const open = props.positions.filter((p) => p.quantity !== 0);
  return (
    <section aria-labelledby="positions-title" class="panel">
      <h3 id="positions-title">Open positions</h3>
      {open.length === 0 ? (
        <p>No open positions.</p>
      ) : (
        <div class="scroll">
          <table data-testid="positions">
            <thead>
              <tr>
                <th>Account</th>
                <th>Instrument</th>
                <th>Quantity</th>
                <th>Average</th>
                <th>Unrealized</th>
                <th>Realized</th>
              </tr>
            </thead>
            <tbody>
              {open.map((p) => (
                <tr key={`${p.account}|${p.symbol}`} data-account={p.account}>
                  <td>{p.account}</td>
                  <td>{p.symbol}</td>
                  {/* Long or short in words as well as the sign. */}
                  <td>{`${p.quantity > 0 ? 'long' : 'short'} ${String(Math.abs(p.quantity))}`}</td>
                  <td>{price(p.averagePrice)}</td>
                  <td class={p.unrealizedPnl < 0 ? 'down' : 'up'}>{signedMoney(p.unrealizedPnl)}</td>
                  <td class={p.realizedPnl < 0 ? 'down' : 'up'}>{signedMoney(p.realizedPnl)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Working orders; a trader or admin may cancel one (the engine's answer is shown as it gives it). */
export function OrdersTable(props: {
  readonly orders: readonly Order[];
  readonly token: string;
  readonly canCancel: boolean;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ text: string; error: boolean } | null>(null);
  const cancel = async (id: string): Promise<void> => {
    setBusy(id);
    try {
      const outcome = await command(`/orders/${encodeURIComponent(id)}/cancel`, props.token);
      setResult({ text: outcome.message, error: !outcome.ok });
    } catch (error) {
      const text =
        error instanceof ApiError ? `${error.message} [${error.code}]` : 'the engine did not answer';
      setResult({ text, error: true });
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="orders-title" class="panel">
      <h3 id="orders-title">Working orders</h3>
      {props.orders.length === 0 ? (
        <p>No working orders.</p>
      ) : (
        <div class="scroll">
          <table data-testid="orders">
            <thead>
              <tr>
                <th>Account</th>
                <th>Instrument</th>
                <th>Side</th>
                <th>Type</th>
                <th>Quantity</th>
                <th>Price</th>
                <th>Status</th>
                {props.canCancel && (
                  <th>
                    <span class="sr-only">Cancel</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {props.orders.map((o) => (
                <tr key={o.clientOrderId} data-order={o.clientOrderId}>
                  <td>{o.account}</td>
                  <td>{o.symbol}</td>
                  <td>{o.side}</td>
                  <td>{o.type}</td>
                  <td>{`${String(o.filledQuantity)}/${String(o.quantity)}`}</td>
                  <td>{price(o.limitPrice ?? o.stopPrice)}</td>
                  <td>{o.status}</td>
                  {props.canCancel && (
                    <td>
                      <button
                        type="button"
                        disabled={busy === o.clientOrderId}
                        aria-label={`Cancel order ${o.clientOrderId}`}
                        onClick={() => void cancel(o.clientOrderId)}
                      >
                        Cancel
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class={`estop-result${result?.error ? ' is-error' : ''}`} role="status" aria-live="polite">
        {result?.text ?? ''}
      </p>
    </section>
  );
}

export function FillsTable(props: { readonly fills: readonly Fill[] }) {
  return (
    <section aria-labelledby="fills-title" class="panel">
      <h3 id="fills-title">Recent fills</h3>
      {props.fills.length === 0 ? (
        <p>No fills yet.</p>
      ) : (
        <div class="scroll">
          <table data-testid="fills">
            <thead>
              <tr>
                <th>Time</th>
                <th>Account</th>
                <th>Instrument</th>
                <th>Side</th>
                <th>Quantity</th>
                <th>Price</th>
                <th>Commission</th>
              </tr>
            </thead>
            <tbody>
              {props.fills.slice(0, ROWS).map((f) => (
                <tr key={f.fillId}>
                  <td>{at(f.ts)}</td>
                  <td>{f.account}</td>
                  <td>{f.symbol}</td>
                  <td>{f.side}</td>
                  <td>{count(f.quantity)}</td>
                  <td>{price(f.price)}</td>
                  <td>{signedMoney(-f.commission)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Recent signals with the size the risk engine was asked for and what it decided. */
export function SignalsTable(props: {
  readonly signals: readonly Signal[];
  readonly decisions: readonly TradeDecision[];
}) {
  return (
    <section aria-labelledby="signals-title" class="panel">
      <h3 id="signals-title">Recent signals</h3>
      {props.signals.length === 0 ? (
        <p>No signals yet.</p>
      ) : (
        <div class="scroll">
          <table data-testid="signals">
            <thead>
              <tr>
                <th>Time</th>
                <th>Instrument</th>
                <th>Source</th>
                <th>Direction</th>
                <th>Power</th>
                <th>Confluence</th>
                <th>Price</th>
                <th>Risk decision</th>
              </tr>
            </thead>
            <tbody>
              {props.signals.slice(0, ROWS).map((s) => {
                const decided = decisionsOf(s, props.signals, props.decisions);
                return (
                  <SignalRow
                    key={`${s.source}|${s.symbol}|${String(s.ts)}`}
                    signal={s}
                    decision={decided.length === 0 ? 'no order' : decided.map(describeDecision).join('; ')}
                  />
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

interface SignalRowProps {
  readonly signal: Signal;
  readonly decision: string;
}

/**
 * One signal's row, redrawn only when its signal or decision changed: at 1,000 signals a second
 * the table shifts by whole rows, and rows already drawn stay as they are.
 */
class SignalRow extends Component<SignalRowProps> {
  override shouldComponentUpdate(next: SignalRowProps): boolean {
    return next.signal !== this.props.signal || next.decision !== this.props.decision;
  }

  override render() {
    const s = this.props.signal;
    return (
      <tr>
        <td>{at(s.ts)}</td>
        <td>{s.symbol}</td>
        <td>{s.source}</td>
        <td class={s.direction === 'long' ? 'up' : s.direction === 'short' ? 'down' : ''}>{s.direction}</td>
        <td>{s.power.toFixed(1)}</td>
        <td>{`${String(s.confluence)}/4`}</td>
        <td>{price(s.price)}</td>
        <td data-field="decision">{this.props.decision}</td>
      </tr>
    );
  }
}
