import { timeOfDay } from '../format.js';
import type { AlertFeed } from './use-alert-feed.js';

/** Severity in words, with a symbol and a colour: never colour alone. */
const SEVERITY: Readonly<Record<string, { symbol: string; label: string }>> = {
  critical: { symbol: '‼', label: 'CRITICAL' },
  warning: { symbol: '!', label: 'WARNING' },
  info: { symbol: 'i', label: 'INFO' },
};

/** The engine's alerts as they are raised, newest first. */
export function AlertFeedView(props: { readonly feed: AlertFeed }) {
  const { alerts, history } = props.feed;
  return (
    <section class="panel" aria-labelledby="alerts-title" data-testid="alerts">
      <h2 id="alerts-title">Alerts</h2>
      {!history && <p class="hint">The engine keeps no history: alerts raised since this page opened.</p>}
      {alerts.length === 0 ? (
        <p>No alert.</p>
      ) : (
        <ol class="alert-feed" aria-live="polite" aria-relevant="additions">
          {alerts.map((alert, index) => {
            const severity = SEVERITY[alert.severity] ?? { symbol: '·', label: alert.severity.toUpperCase() };
            const about = [alert.account, alert.symbol].filter((part) => part !== null && part !== undefined);
            return (
              <li
                key={`${String(alert.ts)}|${alert.code}|${String(index)}`}
                class={`alert severity-${alert.severity}`}
                data-code={alert.code}
                data-severity={alert.severity}
              >
                <span class="severity">
                  <span aria-hidden="true">{severity.symbol}</span> {severity.label}
                </span>
                <time>{timeOfDay(alert.ts / 1000)}</time>
                <code>{alert.code}</code>
                <span class="message">
                  {alert.message}
                  {about.length > 0 && ` (${about.join(', ')})`}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
