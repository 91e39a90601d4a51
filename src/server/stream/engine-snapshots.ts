import type { EngineReads } from '../api/engine-reads.js';
import type { StreamSnapshots } from './stream-server.js';

/** How many recent rows an event topic's snapshot carries (fills, signals, decisions, alerts). */
export const SNAPSHOT_ROWS = 100;

/**
 * The stream's snapshots from the same reads the REST API answers with, so a subscriber starts
 * from exactly what `GET /api/v1/<topic>` would show. Event topics come from the store (null
 * when the engine keeps no history); `bars:<symbol>` has no snapshot yet (null): its first update
 * is the next bar.
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
        return null;
    }
  };
}
