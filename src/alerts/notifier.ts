import { randomUUID } from 'node:crypto';
import type { MessageBus } from '../bus/bus.js';
import { TOPICS } from '../bus/topics.js';
import type { Alert } from '../core/events.js';
import { MICROS_PER_MINUTE, parseDuration } from '../core/time.js';
import type { AlertDelivery } from './alert-events.js';
import { AlertRules, type AlertRulesOptions, type RaisedAlert } from './alert-rules.js';
import type { AlertChannelConfig, AlertsConfig } from './alerts-config.js';
import { channelTarget } from './channel-requests.js';
import { ChannelThrottle, heldBackText } from './channel-throttle.js';
import { Deduplicator } from './deduplicator.js';
import { MetricRules, type MetricRulesOptions } from './metric-rules.js';
import type { MetricsReader } from './metrics-reader.js';
import { DeliveryQueue, type DeliveryPolicy } from './delivery-queue.js';
import type { Notification } from './notification.js';

export const DEFAULT_MAX_PER_MINUTE = 10;
const DEFAULT_DEDUPE = 5 * MICROS_PER_MINUTE;
const MAX_RETRY_MS = 5 * 60_000;

export interface NotifierOptions extends AlertRulesOptions {
  /** Where `…Env` secrets are read (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Wall clock in milliseconds, for throttling and delivery times (default Date.now). */
  readonly nowMs?: () => number;
  /** Jitter source in [0, 1) (default Math.random). */
  readonly random?: () => number;
  /** The throttle's window (default one minute; tests shorten it). */
  readonly throttleWindowMs?: number;
}

/** A channel's delivery policy from its configuration and the defaults. */
export function deliveryPolicy(channel: AlertChannelConfig): DeliveryPolicy {
  return {
    attempts: channel.attempts ?? 5,
    firstRetryMs: parseDuration(channel.firstRetry ?? '1s') / 1000,
    maxRetryMs: MAX_RETRY_MS,
    timeoutMs: parseDuration(channel.timeout ?? '10s') / 1000,
    capacity: channel.queue ?? 100,
  };
}

interface Outlet {
  readonly queue: DeliveryQueue;
  readonly throttle: ChannelThrottle;
}

/**
 * Alerts to people. Runs the configured rules on the bus; each alert they raise is published on
 * `TOPICS.alerts` (the live stream and the history get it there), de-duplicated, then handed to
 * each of its rule's channels, within the channel's per-minute limit (the rest are counted and
 * summarised), through the channel's bounded queue. Every attempt is published on
 * `TOPICS.alertDeliveries` (the store keeps them), and a notification whose last try failed on
 * `TOPICS.deadLetters`. Nothing here makes the bus wait: rules are synchronous and small, sending
 * happens in the queues.
 */
export class Notifier {
  private readonly outlets = new Map<string, Outlet>();
  private readonly rules: AlertRules;
  private metricRules: MetricRules | undefined;
  private readonly dedupe = new Deduplicator();
  /** Alerts this notifier published, so an engine-alert rule does not take them for the engine's. */
  private readonly own = new WeakSet<Alert>();
  private bus: MessageBus | undefined;
  private readonly nowMs: () => number;
  private readonly pending: AlertDelivery[] = [];

  /** Reads every channel's secrets now: throws ALERT_SECRET_MISSING for the first one absent. */
  constructor(
    readonly config: AlertsConfig,
    options: NotifierOptions = {},
  ) {
    this.nowMs = options.nowMs ?? Date.now;
    const windowMs = options.throttleWindowMs ?? 60_000;
    for (const channel of config.channels) {
      const target = channelTarget(channel, options.env);
      const queue = new DeliveryQueue(target, deliveryPolicy(channel), {
        record: (delivery) => this.record(delivery),
        deadLetter: (notification, name, error) => this.deadLetter(notification, name, error),
        nowMs: this.nowMs,
        ...(options.random && { random: options.random }),
      });
      const throttle = new ChannelThrottle(
        channel.maxPerMinute ?? DEFAULT_MAX_PER_MINUTE,
        windowMs,
        (held) =>
          queue.enqueue({
            id: randomUUID(),
            rule: 'throttle',
            alert: {
              ts: Math.round(this.nowMs() * 1000),
              severity: held.severity,
              code: 'ALERT_THROTTLED',
              message: heldBackText(held, windowMs),
            },
          }),
        this.nowMs,
      );
      this.outlets.set(channel.name, { queue, throttle });
    }
    this.rules = new AlertRules(config.rules, (raised) => this.handleRaised(raised), {
      ...options,
      isOwn: (alert) => this.own.has(alert),
    });
  }

  /** Starts the rules on the bus; alerts and deliveries are published on it from now on. */
  attach(bus: MessageBus): void {
    this.bus = bus;
    for (const delivery of this.pending.splice(0)) bus.publish(TOPICS.alertDeliveries, delivery);
    this.rules.attach(bus);
  }

  /**
   * Starts the rules on the engine's figures (`slo`, `engine-silent`), read once a second until
   * `close` from the reader `reader()` builds. Does nothing (builds no reader) when no rule is of
   * those kinds.
   */
  watchMetrics(reader: () => MetricsReader, options: MetricRulesOptions = {}): void {
    const rules = this.config.rules.filter((rule) => MetricRules.covers(rule));
    if (rules.length === 0 || this.metricRules) return;
    this.metricRules = new MetricRules(rules, reader(), (raised) => this.handleRaised(raised), options);
    this.metricRules.start();
  }

  /** Sends one notification to the named channels (all when omitted), past de-duplication. */
  send(notification: Notification, channels?: readonly string[]): void {
    for (const name of channels ?? this.outlets.keys()) {
      const outlet = this.outlets.get(name);
      if (!outlet) continue;
      const { alert } = notification;
      if (outlet.throttle.admit(alert.code, alert.severity)) outlet.queue.enqueue(notification);
      else
        this.record({
          ts: Math.round(this.nowMs() * 1000),
          alertId: notification.id,
          alertTs: alert.ts,
          code: alert.code,
          severity: alert.severity,
          rule: notification.rule,
          channel: name,
          attempt: 0,
          status: 'throttled',
        });
    }
  }

  /** Resolves when every channel's queue is empty and nothing is being sent. */
  async idle(): Promise<void> {
    await Promise.all([...this.outlets.values()].map((outlet) => outlet.queue.idle()));
  }

  /** Notifications waiting per channel. */
  depths(): Record<string, number> {
    return Object.fromEntries([...this.outlets].map(([name, outlet]) => [name, outlet.queue.depth]));
  }

  /**
   * Stops the rules, sends any pending throttle summary, and gives the queues up to `graceMs` to
   * empty before what is left is recorded as dropped.
   */
  async close(graceMs = 5_000): Promise<void> {
    this.rules.detach();
    this.metricRules?.stop();
    for (const outlet of this.outlets.values()) outlet.throttle.flush();
    await Promise.all([...this.outlets.values()].map((outlet) => outlet.queue.close(graceMs)));
    this.bus = undefined;
  }

  /** True when the alert went on (false: a duplicate within the rule's window, dropped). */
  private handleRaised({ rule, alert, key }: RaisedAlert): boolean {
    const window = rule.dedupe === undefined ? DEFAULT_DEDUPE : parseDuration(rule.dedupe);
    if (window > 0 && this.dedupe.isDuplicate(`${rule.name}:${key}`, alert.ts, window)) return false;
    if (rule.on !== 'engine-alert') {
      // The rule's alert joins the engine's own on the bus: the live stream and the history see it.
      this.own.add(alert);
      this.bus?.publish(TOPICS.alerts, alert);
    }
    this.send({ id: randomUUID(), rule: rule.name, alert }, rule.channels);
    return true;
  }

  private record(delivery: AlertDelivery): void {
    if (this.bus) this.bus.publish(TOPICS.alertDeliveries, delivery);
    else if (this.pending.length < 1_000) this.pending.push(delivery);
  }

  private deadLetter(notification: Notification, channel: string, error: string): void {
    this.bus?.publish(TOPICS.deadLetters, {
      ts: Math.round(this.nowMs() * 1000),
      origin: `alerts:${channel}`,
      code: 'ALERT_DELIVERY_FAILED',
      reason: `alert ${notification.alert.code} (${notification.id}) not delivered to channel '${channel}' after its last try: ${error}`,
      message: { id: notification.id, rule: notification.rule, alert: notification.alert },
    });
  }
}
