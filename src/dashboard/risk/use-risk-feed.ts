import { useEffect, useState } from 'preact/hooks';
import type { RiskDecision } from '../../risk/risk-events.js';
import { readItems } from '../api-client.js';
import type { Connection, Item, LiveStream } from '../live-stream.js';
import type { Alert, Decision, Proposal } from '../types.js';
import { decisionRow, mergeDecisions } from './risk-figures.js';

/** Proposals are re-read after decisions at most this often (a decision is how one comes or goes). */
const REREAD_MS = 250;

export interface RiskFeed {
  readonly decisions: readonly Decision[];
  readonly proposals: readonly Proposal[];
  /** The engine's state-change alerts (when its configuration raises them). */
  readonly stateAlerts: readonly Alert[];
  /** Why the last proposals read failed, if it did. */
  readonly problem: string | null;
  /** Re-read the proposals now (after Confirm / Reject). */
  readonly refresh: () => void;
}

/**
 * The view's own topics: `decisions` and `alerts` from the live stream, and the pending proposals
 * from GET /api/v1/proposals, re-read whenever a decision arrives (the stream has no proposals topic)
 * and whenever the link comes back.
 */
export function useRiskFeed(stream: LiveStream, token: string, connection: Connection): RiskFeed {
  const [decisions, setDecisions] = useState<readonly Decision[]>([]);
  const [proposals, setProposals] = useState<readonly Proposal[]>([]);
  const [stateAlerts, setStateAlerts] = useState<readonly Alert[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [reread] = useState(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const now = (): void => {
      readItems<Proposal>('/proposals', token).then(
        (items) => {
          setProposals(items);
          setProblem(null);
        },
        (error: unknown) =>
          setProblem(error instanceof Error ? error.message : 'the engine cannot be reached'),
      );
    };
    return {
      now,
      soon: (): void => {
        if (timer !== undefined) return;
        timer = setTimeout(() => {
          timer = undefined;
          now();
        }, REREAD_MS);
      },
    };
  });

  useEffect(() => {
    const unfollowDecisions = stream.follow('decisions', {
      snapshot: (data) => {
        setDecisions((held) => mergeDecisions(held, (data as Decision[] | null) ?? []));
        reread.soon();
      },
      update: (items: readonly Item[]) => {
        // Items come oldest first: the newest goes on top.
        const rows = items.map((item) => decisionRow(item.data as unknown as RiskDecision)).reverse();
        setDecisions((held) => mergeDecisions(held, rows));
        reread.soon();
      },
    });
    const isStateChange = (alert: Alert): boolean => alert.code === 'ALERT_STATE_CHANGE';
    const unfollowAlerts = stream.follow('alerts', {
      snapshot: (data) => setStateAlerts(((data as Alert[] | null) ?? []).filter(isStateChange)),
      update: (items) =>
        setStateAlerts((held) =>
          [
            ...items
              .map((item) => item.data as unknown as Alert)
              .filter(isStateChange)
              .reverse(),
            ...held,
          ].slice(0, 100),
        ),
    });
    reread.now();
    return () => {
      unfollowDecisions();
      unfollowAlerts();
    };
  }, [stream]);

  useEffect(() => {
    if (connection === 'live') reread.soon();
  }, [connection]);

  return { decisions, proposals, stateAlerts, problem, refresh: reread.now };
}
