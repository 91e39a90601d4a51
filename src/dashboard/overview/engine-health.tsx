import { ago, count, latency } from '../format.js';
import type { Status } from '../types.js';

/** The engine's vital signs from the once-a-second `status`: throughput, latency, losses, backlog, AddOns. */
export function EngineHealth(props: { readonly status: Status | null }) {
  const s = props.status;
  if (!s)
    return (
      <section class="card health" aria-label="Engine health">
        <p>Waiting for the engine's status…</p>
      </section>
    );
  const perSecond = s.pipelines.reduce((sum, p) => sum + p.sourcePerSecond, 0);
  const p99 = s.pipelines.reduce(
    (worst, p) => Math.max(worst, Number.isFinite(p.p99Nanos) ? p.p99Nanos : 0),
    0,
  );
  const deadLetters = s.pipelines.reduce((sum, p) => sum + p.deadLetters, 0);
  const sessions = s.gateway?.sessions ?? [];
  return (
    <section class="card health" aria-labelledby="health-title">
      <h2 id="health-title">Engine</h2>
      <dl class="figures">
        <div>
          <dt>Messages / s</dt>
          <dd data-field="rate">{count(perSecond)}</dd>
        </div>
        <div>
          <dt>Pipeline p99</dt>
          <dd data-field="p99">{latency(p99)}</dd>
        </div>
        <div>
          <dt>Dead letters</dt>
          <dd data-field="dead-letters" class={deadLetters > 0 ? 'down' : ''}>
            {count(deadLetters)}
          </dd>
        </div>
        <div>
          <dt>Store backlog</dt>
          <dd data-field="store-backlog">{s.store ? `${count(s.store.queueDepth)} rows` : 'no store'}</dd>
        </div>
        <div>
          <dt>Event loop p99</dt>
          <dd data-field="loop-p99">{s.eventLoopDelayMillis.p99.toFixed(1)} ms</dd>
        </div>
        <div>
          <dt>Uptime</dt>
          <dd data-field="uptime">{count(s.uptimeSeconds)} s</dd>
        </div>
      </dl>
      <h3>NinjaTrader AddOns</h3>
      {sessions.length === 0 ? (
        <p data-field="addons">None connected.</p>
      ) : (
        <ul class="addons" data-field="addons">
          {sessions.map((session) => (
            <li key={session.sessionId}>
              {session.accounts.join(', ') || session.sessionId} · last heard{' '}
              {ago((s.ts - session.lastEventTs) / 1_000_000)}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
