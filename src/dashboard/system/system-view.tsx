import { timeOfDay } from '../format.js';
import type { LiveState, LiveStream } from '../live-stream.js';
import { AlertFeedView } from './alert-feed.js';
import { DeadLetters } from './dead-letters.js';
import { EngineVitals } from './engine-vitals.js';
import { latencyHistory } from './latency-history.js';
import { LatencyPlot } from './latency-plot.js';
import { StepTable } from './step-table.js';
import { useAlertFeed } from './use-alert-feed.js';
import { useDeadLetters } from './use-dead-letters.js';
import './system.css';

/**
 * System (`#/system`): per pipeline and step the rates and latency percentiles from the
 * once-a-second `status`, a live p50/p99 plot, dead letters with their reasons, the store, the
 * gateway's sessions, and the alert feed. When the link drops the figures are greyed and say
 * since when they are not live; they are never shown as live.
 */
export function SystemView(props: {
  readonly live: LiveState;
  readonly stream: LiveStream;
  readonly token: string;
}) {
  const { live } = props;
  const isLive = live.connection === 'live';
  const history = latencyHistory(props.stream);
  const letters = useDeadLetters(props.token, live.status, isLive);
  const alerts = useAlertFeed(props.stream);
  const status = live.status;
  const figuresClass = `system-figures${isLive ? '' : ' is-stale'}`;
  return (
    <div class="system" data-system-live={String(isLive)}>
      <p class={isLive ? 'as-of' : 'as-of stale'} data-testid="system-as-of">
        {isLive
          ? `Live: the engine's status of ${live.liveAt === null ? '—' : timeOfDay(live.liveAt)}, once a second.`
          : `NOT live: figures below are from ${live.liveAt === null ? 'no time yet' : timeOfDay(live.liveAt)}.`}
      </p>
      <section class={figuresClass} aria-labelledby="pipelines-title">
        <h2 id="pipelines-title">Pipelines</h2>
        {status === null ? (
          <p>Waiting for the engine's status…</p>
        ) : status.pipelines.length === 0 ? (
          <p>No pipeline runs.</p>
        ) : (
          status.pipelines.map((pipeline) => (
            <div class="pipeline-block" key={pipeline.pipeline}>
              <StepTable pipeline={pipeline} lastLetters={letters.lastByOrigin} />
              <LatencyPlot
                pipeline={pipeline.pipeline}
                history={history}
                live={isLive}
                liveAt={live.liveAt}
              />
            </div>
          ))
        )}
      </section>
      <div class="system-grid">
        <DeadLetters feed={letters} />
        <AlertFeedView feed={alerts} />
      </div>
      {status !== null && (
        <div class={figuresClass}>
          <EngineVitals status={status} />
        </div>
      )}
    </div>
  );
}
