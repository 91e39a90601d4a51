import { ago, count } from '../format.js';
import type { Status } from '../types.js';

const megabytes = (bytes: number): string => `${(bytes / 1_048_576).toFixed(0)} MB`;

/** The store's backlog, the gateway's AddOn sessions, and the process (event loop, memory). */
export function EngineVitals(props: { readonly status: Status }) {
  const s = props.status;
  const sessions = s.gateway?.sessions ?? [];
  return (
    <section class="panel vitals" aria-labelledby="vitals-title">
      <h2 id="vitals-title">Store, gateway and process</h2>
      <dl class="figures">
        <div>
          <dt>Store backlog</dt>
          <dd data-field="store-backlog">
            {s.store
              ? `${count(s.store.queueDepth)} rows (backpressure at ${count(s.store.highWaterMark)})`
              : 'no store'}
          </dd>
        </div>
        {s.store && (
          <>
            <div>
              <dt>Backpressure</dt>
              <dd data-field="backpressure" class={s.store.backpressured ? 'down' : ''}>
                {s.store.backpressured ? '⚠ on: the store holds publishers back' : 'off'}
              </dd>
            </div>
            <div>
              <dt>Rows committed</dt>
              <dd data-field="rows-committed">{count(s.store.rowsCommitted)}</dd>
            </div>
            <div>
              <dt>Rejected rows</dt>
              <dd data-field="rejects">{count(s.store.rejects)}</dd>
            </div>
            <div>
              <dt>Commit errors</dt>
              <dd data-field="commit-errors" class={s.store.commitErrors > 0 ? 'down' : ''}>
                {count(s.store.commitErrors)}
              </dd>
            </div>
          </>
        )}
        <div>
          <dt>Event loop p99</dt>
          <dd data-field="loop-p99">{s.eventLoopDelayMillis.p99.toFixed(1)} ms</dd>
        </div>
        <div>
          <dt>Memory (RSS / heap)</dt>
          <dd data-field="memory">
            {megabytes(s.memory.rssBytes)} / {megabytes(s.memory.heapUsedBytes)}
          </dd>
        </div>
      </dl>
      <h3>Gateway</h3>
      {s.gateway === null ? (
        <p data-field="gateway">The engine does not listen for AddOns.</p>
      ) : sessions.length === 0 ? (
        <p data-field="gateway">{count(s.gateway.connections)} connection(s); no AddOn session.</p>
      ) : (
        <ul class="sessions" data-field="gateway">
          {sessions.map((session) => (
            <li key={session.sessionId} data-session={session.sessionId}>
              <strong>{session.accounts.join(', ') || 'no account'}</strong> · session {session.sessionId} ·
              connected {ago((s.ts - session.connectedTs) / 1_000_000)} · last heartbeat{' '}
              {session.lastHeartbeatTs === null
                ? 'not yet'
                : ago((s.ts - session.lastHeartbeatTs) / 1_000_000)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
