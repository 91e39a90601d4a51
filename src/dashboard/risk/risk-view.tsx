import type { LiveState, LiveStream } from '../live-stream.js';
import { DecisionsLog } from './decisions-log.js';
import { HaltHistory, useHaltHistory } from './halt-history.js';
import { Proposals } from './proposals.js';
import { RulesTable } from './rules-table.js';
import { useRiskFeed } from './use-risk-feed.js';

/**
 * Risk & compliance (`#/risk`): pending proposals first (they expire), each account's rules with
 * the live value beside each limit, the halt history, and the risk engine's decisions.
 */
export function RiskView(props: {
  readonly live: LiveState;
  readonly stream: LiveStream;
  readonly token: string;
}) {
  const { live } = props;
  const feed = useRiskFeed(props.stream, props.token, live.connection);
  const engineNow = live.status?.ts ?? null;
  const halts = useHaltHistory(live.accounts, engineNow);
  return (
    <>
      <Proposals
        proposals={feed.proposals}
        engineNow={engineNow}
        token={props.token}
        canDecide={live.role === 'trader' || live.role === 'admin'}
        onDecided={feed.refresh}
      />
      {feed.problem !== null && (
        <p class="error" role="alert">
          Proposals could not be read: {feed.problem}
        </p>
      )}
      <section aria-labelledby="rules-title">
        <h2 id="rules-title">Rules and live values</h2>
        {live.accounts.length === 0 ? (
          <p>No accounts.</p>
        ) : (
          <div class="cards wide">
            {live.accounts.map((account) => (
              <RulesTable key={account.id} account={account} />
            ))}
          </div>
        )}
      </section>
      <HaltHistory entries={halts} alerts={feed.stateAlerts} />
      <DecisionsLog decisions={feed.decisions} />
    </>
  );
}
