import type { Alert } from '../core/events.js';

/** An alert on its way to people: the alert, the id its deliveries share, and the rule that raised it. */
export interface Notification {
  readonly id: string;
  /** The rule's name; `engine` for the engine's own alerts, `test` for `enigma alerts test`. */
  readonly rule: string;
  readonly alert: Alert;
}

/** `[WARNING] ALERT_DRAWDOWN_ROOM APEX-12345: …`, the one-line text chat channels show. */
export function notificationText(notification: Notification): string {
  const { alert } = notification;
  const where = alert.account ?? alert.symbol;
  return `[${alert.severity.toUpperCase()}] ${alert.code}${where === undefined ? '' : ` ${where}`}: ${alert.message}`;
}

/** The JSON a generic webhook receives (and what is signed). */
export function notificationJson(notification: Notification): Record<string, unknown> {
  const { alert } = notification;
  return {
    id: notification.id,
    rule: notification.rule,
    ts: alert.ts,
    time: new Date(Math.floor(alert.ts / 1000)).toISOString(),
    severity: alert.severity,
    code: alert.code,
    message: alert.message,
    ...(alert.account !== undefined && { account: alert.account }),
    ...(alert.symbol !== undefined && { symbol: alert.symbol }),
  };
}
