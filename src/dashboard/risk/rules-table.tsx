import { count, money, signedMoney } from '../format.js';
import { StateBadge } from '../overview/account-card.js';
import type { AccountView } from '../types.js';

// Consistency is a payout condition, not a limit that halts: it is met or not (yet), never breached.
type Standing = 'ok' | 'close' | 'breached' | 'none' | 'met' | 'unmet' | 'pending';
const STANDING_TEXT: Readonly<Record<Standing, string>> = {
  ok: '✓ within',
  close: '▲ close',
  breached: '✕ breached',
  none: '— no rule',
  met: '✓ met',
  unmet: '▲ not met: best day too large',
  pending: '… no profit yet',
};
/** Below this share of a limit left, the rule reads "close". */
const CLOSE_SHARE = 0.2;

function standingOfRoom(room: number | null, limit: number | null): Standing {
  if (room === null || limit === null) return 'none';
  if (room <= 0) return 'breached';
  return room < limit * CLOSE_SHARE ? 'close' : 'ok';
}

interface Rule {
  readonly key: string;
  readonly name: string;
  readonly limit: string;
  readonly live: string;
  readonly room: string;
  readonly standing: Standing;
}

/** The account's profile rules, each limit beside the live value the engine holds against it. */
function rulesOf(a: AccountView): Rule[] {
  const drawdownRoom = a.threshold === null ? null : a.equity - a.threshold;
  const dailyRoom = a.dailyLossLimit === null ? null : a.dailyLossLimit + a.dailyPnl;
  const contractsRoom = a.contractLimit === null ? null : a.contractLimit - a.openMinis;
  const c = a.consistency;
  const share = (value: number | null): string => (value === null ? '—' : `${(value * 100).toFixed(1)}%`);
  return [
    {
      key: 'drawdown',
      name: 'Trailing drawdown',
      limit:
        a.drawdownLimit === null ? 'none' : `${money(a.drawdownLimit)} (threshold ${money(a.threshold)})`,
      live: `equity ${money(a.equity)}`,
      room: drawdownRoom === null ? '—' : money(drawdownRoom),
      standing: standingOfRoom(drawdownRoom, a.drawdownLimit),
    },
    {
      key: 'daily-loss',
      name: 'Daily loss',
      limit: a.dailyLossLimit === null ? 'none' : money(a.dailyLossLimit),
      live: `today ${signedMoney(a.dailyPnl)}`,
      room: dailyRoom === null ? '—' : money(dailyRoom),
      standing: standingOfRoom(dailyRoom, a.dailyLossLimit),
    },
    {
      key: 'contracts',
      name: 'Contracts (full size)',
      limit: a.contractLimit === null ? 'none' : count(a.contractLimit),
      live: `${count(a.openMinis)} open`,
      room: contractsRoom === null ? '—' : count(contractsRoom),
      standing:
        contractsRoom === null
          ? 'none'
          : contractsRoom < 0
            ? 'breached'
            : contractsRoom === 0
              ? 'close'
              : 'ok',
    },
    {
      key: 'consistency',
      name: 'Consistency (best day share)',
      limit: c === null ? 'none' : `at most ${share(c.maxBestDayShare)}`,
      live:
        c === null
          ? '—'
          : `${share(c.bestDayShare)} (best day ${money(c.bestDay)} of ${money(c.totalProfit)})`,
      room: '—',
      standing: c === null ? 'none' : c.passes ? 'met' : c.bestDayShare === null ? 'pending' : 'unmet',
    },
  ];
}

/** One account's rules: the live value beside each limit, and its standing in words. */
export function RulesTable(props: { readonly account: AccountView }) {
  const a = props.account;
  const titleId = `rules-${a.id}`.replace(/[^A-Za-z0-9_-]/g, '_');
  return (
    <article class="card rules" data-rules-account={a.id} aria-labelledby={titleId}>
      <header class="card-head">
        <h3 id={titleId}>{a.id}</h3>
        <StateBadge state={a.state} />
      </header>
      <p class="card-sub">
        {a.profile} · mode <strong data-field="mode">{a.mode}</strong> · health {count(a.health)} / 100
        {a.reasons.length > 0 && <> · {a.reasons.join('; ')}</>}
      </p>
      <div class="table-wrap">
        <table>
          <caption class="sr-only">
            Rules of {a.profile} for {a.id}
          </caption>
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col">Limit</th>
              <th scope="col">Live</th>
              <th scope="col">Room</th>
              <th scope="col">Standing</th>
            </tr>
          </thead>
          <tbody>
            {rulesOf(a).map((rule) => (
              <tr key={rule.key} data-rule={rule.key}>
                <th scope="row">{rule.name}</th>
                <td data-field="limit">{rule.limit}</td>
                <td data-field="live">{rule.live}</td>
                <td data-field="room">{rule.room}</td>
                <td data-field="standing" class={`standing-${rule.standing}`}>
                  {STANDING_TEXT[rule.standing]}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </article>
  );
}
