import { useState } from 'preact/hooks';
import { ApiError, command } from '../api-client.js';
import { money } from '../format.js';
import type { Proposal } from '../types.js';
import { countdown } from './risk-figures.js';

function orderText(p: Proposal): string {
  const i = p.intent;
  const price =
    i.type === 'limit' && i.limitPrice !== undefined
      ? ` limit ${String(i.limitPrice)}`
      : i.stopPrice !== undefined
        ? ` stop ${String(i.stopPrice)}`
        : ` ${i.type}`;
  return `${i.side} ${String(i.quantity)} ${i.symbol}${price}`;
}

/**
 * Orders waiting for a person (accounts in `confirm` mode), with the time left by the engine's
 * clock. Traders and admins get Confirm / Reject (the engine checks the order again on Confirm);
 * a viewer sees the list only. The engine's answer is shown as it gave it.
 */
export function Proposals(props: {
  readonly proposals: readonly Proposal[];
  readonly engineNow: number | null;
  readonly token: string;
  readonly canDecide: boolean;
  readonly onDecided: () => void;
}) {
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ text: string; ok: boolean } | null>(null);

  const decide = async (p: Proposal, action: 'confirm' | 'reject'): Promise<void> => {
    const word = action === 'confirm' ? 'Confirm' : 'Reject';
    setBusy(p.id);
    try {
      const outcome = await command(`/proposals/${encodeURIComponent(p.id)}/${action}`, props.token);
      setResult({
        text: `${word} ${orderText(p)} on ${p.intent.account}: ${outcome.ok ? '' : 'refused by the engine: '}${outcome.message}.`,
        ok: outcome.ok,
      });
    } catch (error) {
      setResult({
        text:
          error instanceof ApiError
            ? `${word} failed: ${error.message} (${error.code}, HTTP ${String(error.status)}).`
            : `${word} failed: the engine cannot be reached. Nothing was sent.`,
        ok: false,
      });
    }
    setBusy(null);
    props.onDecided();
  };

  return (
    <section aria-labelledby="proposals-title">
      <h2 id="proposals-title">Pending proposals ({props.proposals.length})</h2>
      <p
        class={`action-result${result?.ok === false ? ' is-error' : ''}`}
        role="status"
        data-testid="proposal-result"
      >
        {result?.text ?? ''}
      </p>
      {props.proposals.length === 0 ? (
        <p>No order waits for a decision.</p>
      ) : (
        <ul class="proposals">
          {props.proposals.map((p) => {
            const left = countdown(p.expiresAt, props.engineNow);
            const label = `${orderText(p)} on ${p.intent.account}`;
            return (
              <li key={p.id} class="card proposal" data-proposal={p.id}>
                <p class="proposal-order">
                  <strong>{p.intent.account}</strong> {orderText(p)}
                </p>
                <p class="card-sub">
                  stop {money(p.intent.stopLoss ?? null)} · target {money(p.intent.takeProfit ?? null)} ·{' '}
                  {p.intent.reason}
                </p>
                <p>
                  Expires:{' '}
                  <strong data-field="countdown" class={left === 'expired' ? 'down' : ''}>
                    {left}
                  </strong>
                </p>
                {props.canDecide && (
                  <div class="proposal-actions">
                    <button
                      type="button"
                      class="confirm-button"
                      disabled={busy !== null || left === 'expired'}
                      aria-label={`Confirm: ${label}`}
                      onClick={() => void decide(p, 'confirm')}
                    >
                      ✓ Confirm
                    </button>
                    <button
                      type="button"
                      disabled={busy !== null}
                      aria-label={`Reject: ${label}`}
                      onClick={() => void decide(p, 'reject')}
                    >
                      ✕ Reject
                    </button>
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
