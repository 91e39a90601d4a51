import { useEffect, useState } from 'preact/hooks';
import type { LiveStream } from '../live-stream.js';
import type { Alert } from '../types.js';

/** The feed keeps this many, newest first; older ones are in GET /api/v1/alerts. */
export const ALERT_ROWS = 200;

export interface AlertFeed {
  readonly alerts: readonly Alert[];
  /** False when the engine keeps no history: only alerts raised since the page opened are shown. */
  readonly history: boolean;
}

/** What tells two alerts apart (the stream's item and the stored row of the same alert agree on it). */
function alertKey(alert: Alert): string {
  return `${String(alert.ts)}|${alert.severity}|${alert.code}|${alert.account ?? ''}|${alert.symbol ?? ''}|${alert.message}`;
}

/**
 * The stream's `alerts` topic: its snapshot (the same read as GET /api/v1/alerts, the newest 100,
 * sent again on every reconnection) and then each alert as it is raised, newest first.
 */
export function useAlertFeed(stream: LiveStream): AlertFeed {
  const [feed, setFeed] = useState<AlertFeed>({ alerts: [], history: true });
  useEffect(
    () =>
      stream.follow('alerts', {
        snapshot: (data) => {
          const stored = data as Alert[] | null;
          setFeed((held) => {
            if (stored === null) return { ...held, history: false };
            // Alerts heard after the newest stored one (not committed yet) stay on top.
            const newest = stored[0]?.ts ?? -Infinity;
            const known = new Set(stored.map(alertKey));
            const pending = held.alerts.filter((alert) => alert.ts > newest && !known.has(alertKey(alert)));
            return { alerts: [...pending, ...stored].slice(0, ALERT_ROWS), history: true };
          });
        },
        update: (items) => {
          // Items come oldest first: the newest goes on top. One raised while the snapshot was read
          // is in both: it is kept once.
          const raised = items.map((item) => item.data as unknown as Alert).reverse();
          setFeed((held) => {
            const known = new Set(held.alerts.map(alertKey));
            const fresh = raised.filter((alert) => !known.has(alertKey(alert)));
            return { ...held, alerts: [...fresh, ...held.alerts].slice(0, ALERT_ROWS) };
          });
        },
      }),
    [stream],
  );
  return feed;
}
