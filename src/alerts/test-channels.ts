import { randomUUID } from 'node:crypto';
import { EngineError, describeError } from '../core/errors.js';
import type { AlertsConfig } from './alerts-config.js';
import { channelTarget } from './channel-requests.js';
import { postOnce } from './http-post.js';
import { deliveryPolicy } from './notifier.js';
import type { Notification } from './notification.js';

/** How a test notification went on one channel. */
export interface ChannelTestResult {
  readonly channel: string;
  readonly type: string;
  /** Where it was sent, safe to print; undefined when the channel could not be set up. */
  readonly destination?: string;
  readonly ok: boolean;
  readonly httpStatus?: number;
  readonly error?: string;
  readonly code?: string;
}

/**
 * Sends one test notification through each configured channel (or the one named), one try each
 * with the channel's time limit, and says how each went. Throws ALERT_UNKNOWN_CHANNEL for a name
 * the configuration does not have.
 */
export async function testChannels(
  config: AlertsConfig,
  options: {
    readonly channel?: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly nowMs?: () => number;
  } = {},
): Promise<ChannelTestResult[]> {
  const chosen =
    options.channel === undefined
      ? config.channels
      : config.channels.filter((c) => c.name === options.channel);
  if (chosen.length === 0) {
    throw new EngineError(
      'ALERT_UNKNOWN_CHANNEL',
      `no alert channel is named '${options.channel ?? ''}' (channels: ${config.channels.map((c) => c.name).join(', ')})`,
    );
  }
  const now = options.nowMs ?? Date.now;
  return Promise.all(
    chosen.map(async (channel): Promise<ChannelTestResult> => {
      let target;
      try {
        target = channelTarget(channel, options.env);
      } catch (error) {
        return {
          channel: channel.name,
          type: channel.type,
          ok: false,
          error: describeError(error),
          ...(error instanceof EngineError && { code: error.code }),
        };
      }
      const notification: Notification = {
        id: randomUUID(),
        rule: 'test',
        alert: {
          ts: Math.round(now() * 1000),
          severity: 'info',
          code: 'ALERT_TEST',
          message: `test notification from Enigma-Apex to channel '${channel.name}': alerts reach you here`,
        },
      };
      const result = await postOnce(
        target.request(notification, now() / 1000),
        deliveryPolicy(channel).timeoutMs,
      );
      return {
        channel: channel.name,
        type: channel.type,
        destination: target.destination,
        ok: result.ok,
        ...(result.httpStatus !== undefined && { httpStatus: result.httpStatus }),
        ...(result.error !== undefined && { error: result.error, code: 'ALERT_DELIVERY_FAILED' }),
      };
    }),
  );
}
