import { timeOfDay } from './format.js';
import type { LiveState } from './live-stream.js';

/** The link in one word, always in the header: text and a symbol, not colour alone. */
export function ConnectionBadge(props: { readonly live: LiveState }) {
  const { connection } = props.live;
  const text = connection === 'live' ? 'Live' : connection === 'connecting' ? 'Connecting' : 'Disconnected';
  const symbol = connection === 'live' ? '●' : connection === 'connecting' ? '◌' : '✕';
  return (
    <span class={`badge connection-${connection}`} data-testid="connection">
      <span aria-hidden="true">{symbol}</span> {text}
    </span>
  );
}

/**
 * Says at once when the figures are not live, and since when they are stale. Shown on every view
 * above its content; empty while live.
 */
export function ConnectionBanner(props: { readonly live: LiveState }) {
  const { connection, liveAt, reason } = props.live;
  if (connection === 'live') return <div role="status" aria-live="assertive" class="banner-slot" />;
  const message =
    connection === 'connecting'
      ? 'Connecting to the engine…'
      : `Disconnected from the engine (${reason ?? 'link lost'}). Reconnecting… ` +
        (liveAt === null
          ? 'No figures yet.'
          : `Figures below are from ${timeOfDay(liveAt)} and are NOT live.`);
  return (
    <div role="status" aria-live="assertive" class={`banner banner-${connection}`} data-testid="banner">
      {message}
    </div>
  );
}
