import type { LiveState } from '../live-stream.js';
import { AccountCard } from './account-card.js';
import { EngineHealth } from './engine-health.js';

/** Every account as a card, and the engine's health. */
export function Overview(props: { readonly live: LiveState }) {
  const { accounts, status } = props.live;
  return (
    <>
      <section aria-labelledby="accounts-title">
        <h2 id="accounts-title">Accounts</h2>
        {accounts.length === 0 ? (
          <p>
            {status?.trading === false ? 'The engine runs without trading: no accounts.' : 'No accounts yet.'}
          </p>
        ) : (
          <div class="cards">
            {accounts.map((account) => (
              <AccountCard key={account.id} account={account} />
            ))}
          </div>
        )}
      </section>
      <EngineHealth status={status} />
    </>
  );
}
