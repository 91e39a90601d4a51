import type { EngineReads } from '../api/engine-reads.js';
import type { StreamSnapshots } from './stream-server.js';
import { BARS_PREFIX } from './stream-topics.js';

/** How many recent rows an event topic's snapshot carries (fills, signals, decisions, alerts). */
export const SNAPSHOT_ROWS = 100;
/** How many bars a `bars:<symbol>` snapshot carries: a chart's worth (the engine keeps 500). */
export const BAR_SNAPSHOT_ROWS = 300;

/**
 * The stream's snapshots from the same reads the REST API answers with, so a subscriber starts
 * from exactly what `GET /api/v1/<topic>` would show. Event topics come from the store (null
 * when the engine keeps no history); `bars:<symbol>` from the bars the engine saw since it
 * started (newest first, an empty list before the first).
 */
export function engineSnapshots(reads: EngineReads): StreamSnapshots {
  const recent = { limit: SNAPSHOT_ROWS };
  return (topic) => {
    switch (topic) {
      case 'status':
        return reads.status();
      case 'accounts':
        return reads.accounts();
      case 'orders':
        return reads.orders();
      case 'fills':
        return reads.fills(recent) ?? null;
      case 'signals':
        return reads.signals(recent) ?? null;
      case 'decisions':
        return reads.decisions(recent) ?? null;
      case 'alerts':
        return reads.alerts(recent) ?? null;
      default:
        return topic.startsWith(BARS_PREFIX)
          ? reads.bars(topic.slice(BARS_PREFIX.length), BAR_SNAPSHOT_ROWS)
          : null;
    }
  };
}
