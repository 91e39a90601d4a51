import type { Micros } from '../core/time.js';
import type { AlertSeverity } from '../core/events.js';

/** What became of one try to hand an alert to a channel. */
export type DeliveryStatus =
  /** The channel's server answered 2xx. */
  | 'delivered'
  /** This try failed (network, timeout, non-2xx); another try follows. */
  | 'failed'
  /** The last try failed: the alert is kept as a dead letter and not tried again. */
  | 'dead-lettered'
  /** Over the channel's per-minute limit: counted, and named in the next summary. */
  | 'throttled'
  /** The channel's queue was full: the alert was not sent (the oldest waiting one is dropped). */
  | 'dropped';

/**
 * One delivery attempt of an alert to a channel (`TOPICS.alertDeliveries`), kept in the store's
 * `alert_deliveries` table. Attempt 0 marks an alert that never left (throttled, dropped).
 */
export interface AlertDelivery {
  /** When the attempt ended (wall clock, epoch microseconds). */
  readonly ts: Micros;
  /** The notification's id (one per alert per notifier, shared by its channels and attempts). */
  readonly alertId: string;
  /** The alert's own time and code, to find it in the `alerts` table. */
  readonly alertTs: Micros;
  readonly code: string;
  readonly severity: AlertSeverity;
  /** The rule that raised it (`engine` for the engine's own alerts, `test` for `enigma alerts test`). */
  readonly rule: string;
  readonly channel: string;
  readonly attempt: number;
  readonly status: DeliveryStatus;
  /** The HTTP status the channel answered, when it answered. */
  readonly httpStatus?: number;
  /** Why the attempt failed, in words (never a secret: URLs of secret channels are not named). */
  readonly error?: string;
}
