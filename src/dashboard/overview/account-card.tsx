import { signedMoney, money, count } from '../format.js';
import type { AccountView } from '../types.js';
import { Gauge } from './gauge.js';

const STATE_SYMBOL: Readonly<Record<AccountView['state'], string>> = {
  ACTIVE: '●',
  REDUCING: '▲',
  HALTED: '■',
};

/** The state in colour, a symbol and the word itself. */
export function StateBadge(props: { readonly state: AccountView['state'] }) {
  return (
    <span class={`badge state-${props.state.toLowerCase()}`} data-field="state">
      <span aria-hidden="true">{STATE_SYMBOL[props.state]}</span> {props.state}
    </span>
  );
}

/**
 * How far the account is from its limits, as the rules measure it: equity above the trailing
 * threshold, and today's loss limit plus today's P&L. The engine's own `drawdownRoom` and
 * `dailyLossRoom` are the room for sizing new orders, which a halt sets to zero.
 */
function drawdownRoom(a: AccountView): number | null {
  return a.threshold === null ? a.drawdownRoom : a.equity - a.threshold;
}

function dailyLossRoom(a: AccountView): number | null {
  return a.dailyLossLimit === null ? a.dailyLossRoom : a.dailyLossLimit + a.dailyPnl;
}

/** One account at a glance: state, mode, equity, today's P&L, room under its limits, health. */
export function AccountCard(props: { readonly account: AccountView }) {
  const a = props.account;
  const pnlClass = a.dailyPnl > 0 ? 'up' : a.dailyPnl < 0 ? 'down' : '';
  // Element ids from the account id: unique on the page, valid in a selector.
  const id = (field: string): string => `${a.id}-${field}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <article
      class={`card account account-${a.state.toLowerCase()}`}
      data-account={a.id}
      aria-labelledby={id('title')}
    >
      <header class="card-head">
        <h3 id={id('title')}>{a.id}</h3>
        <StateBadge state={a.state} />
      </header>
      <p class="card-sub">
        {a.profile} · {a.broker} · mode <strong data-field="mode">{a.mode}</strong>
      </p>
      <dl class="figures">
        <div>
          <dt>Equity</dt>
          <dd data-field="equity">{money(a.equity)}</dd>
        </div>
        <div>
          <dt>Today's P&amp;L</dt>
          <dd data-field="daily-pnl" class={pnlClass}>
            {signedMoney(a.dailyPnl)}
          </dd>
        </div>
        <div>
          <dt>Health</dt>
          <dd data-field="health">{count(a.health)} / 100</dd>
        </div>
        <div>
          <dt>Contracts</dt>
          <dd data-field="contracts">
            {count(a.openMinis)} of {a.contractLimit === null ? 'no limit' : count(a.contractLimit)}
          </dd>
        </div>
      </dl>
      <Gauge label="Drawdown room" field={id('drawdown')} room={drawdownRoom(a)} limit={a.drawdownLimit} />
      <Gauge
        label="Daily loss room"
        field={id('daily-loss')}
        room={dailyLossRoom(a)}
        limit={a.dailyLossLimit}
      />
      {a.halt && (
        <p class="halt-note" data-field="halt">
          Halted ({a.halt.kind}) by {a.halt.by}: {a.halt.reason}
        </p>
      )}
      {a.state !== 'ACTIVE' && a.reasons.length > 0 && !a.halt && (
        <p class="halt-note">{a.reasons.join('; ')}</p>
      )}
    </article>
  );
}
