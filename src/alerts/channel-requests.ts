import type { AlertSeverity } from '../core/events.js';
import type { AlertChannelConfig } from './alerts-config.js';
import type { ChannelType } from './alerts-config-schema.js';
import { notificationJson, notificationText, type Notification } from './notification.js';
import { readSecret } from './secrets.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, signWebhook } from './webhook-signature.js';

/** One HTTP POST a channel makes for a notification. */
export interface ChannelRequest {
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** A configured channel with its secrets read: builds the request each notification needs. */
export interface ChannelTarget {
  readonly name: string;
  readonly type: ChannelType;
  /** Where it posts, safe to print (a secret URL is named by its host only). */
  readonly destination: string;
  request(notification: Notification, nowSeconds: number): ChannelRequest;
}

export const DEFAULT_NTFY_SERVER = 'https://ntfy.sh';
export const DEFAULT_TELEGRAM_API = 'https://api.telegram.org';
/** Discord refuses a message `content` longer than this; Telegram a text longer than 4096. */
const DISCORD_CONTENT_MAX = 2000;
const TELEGRAM_TEXT_MAX = 4096;

/** ntfy priorities: 5 max (urgent, breaks through do-not-disturb on some phones), 3 default. */
const NTFY_PRIORITY: Record<AlertSeverity, number> = { critical: 5, warning: 4, info: 3 };
/** ntfy tags that phones show as emoji. */
const NTFY_TAG: Record<AlertSeverity, string> = {
  critical: 'rotating_light',
  warning: 'warning',
  info: 'information_source',
};

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'an invalid URL';
  }
}

function required<T>(value: T | undefined, channel: string, what: string): T {
  if (value === undefined) throw new Error(`alert channel '${channel}' has no ${what}`);
  return value;
}

/**
 * The channel's request builder, with its secrets read from the environment or files now.
 * Throws ALERT_SECRET_MISSING when a secret is absent. Formats follow each service's documented
 * API: ntfy's JSON publish (POST to the server root with `topic`, `title`, `message`, `priority`,
 * `tags`), Telegram's `sendMessage` (`chat_id`, `text`), Discord's execute-webhook (`content`),
 * Slack's incoming webhook (`text`).
 */
export function channelTarget(
  config: AlertChannelConfig,
  env: NodeJS.ProcessEnv = process.env,
): ChannelTarget {
  const { name, type } = config;
  const secret = (what: string, source: { env?: string | undefined; file?: string | undefined }) =>
    readSecret(name, what, source, env);
  const text = (notification: Notification) => notificationText(notification);
  switch (type) {
    case 'webhook': {
      const url = required(
        config.url ?? secret('URL', { env: config.urlEnv, file: config.urlFile }),
        name,
        'URL',
      );
      const key = required(
        secret('signing secret', { env: config.secretEnv, file: config.secretFile }),
        name,
        'secret',
      );
      return {
        name,
        type,
        destination: config.url ?? `${hostOf(url)} (URL from ${config.urlEnv ?? 'a file'})`,
        request(notification, nowSeconds) {
          const body = JSON.stringify(notificationJson(notification));
          const timestamp = Math.floor(nowSeconds);
          return {
            url,
            headers: {
              ...JSON_HEADERS,
              [TIMESTAMP_HEADER]: String(timestamp),
              [SIGNATURE_HEADER]: signWebhook(key, timestamp, body),
            },
            body,
          };
        },
      };
    }
    case 'ntfy': {
      const server = (config.server ?? DEFAULT_NTFY_SERVER).replace(/\/+$/, '');
      const topic = required(config.topic ?? secret('topic', { env: config.topicEnv }), name, 'topic');
      const token = secret('access token', { env: config.tokenEnv, file: config.tokenFile });
      return {
        name,
        type,
        destination: `${server} (topic ${config.topicEnv === undefined ? topic : `from ${config.topicEnv}`})`,
        request(notification) {
          const { alert } = notification;
          return {
            url: `${server}/`,
            headers: { ...JSON_HEADERS, ...(token !== undefined && { authorization: `Bearer ${token}` }) },
            body: JSON.stringify({
              topic,
              title: `Enigma-Apex ${alert.severity}: ${alert.code}`,
              message: alert.message,
              priority: NTFY_PRIORITY[alert.severity],
              tags: [NTFY_TAG[alert.severity]],
            }),
          };
        },
      };
    }
    case 'telegram': {
      const api = (config.apiUrl ?? DEFAULT_TELEGRAM_API).replace(/\/+$/, '');
      const token = required(
        secret('bot token', { env: config.tokenEnv, file: config.tokenFile }),
        name,
        'bot token',
      );
      const chatId = String(required(config.chatId, name, 'chatId'));
      return {
        name,
        type,
        destination: `${hostOf(api)} (chat ${chatId})`,
        request(notification) {
          return {
            url: `${api}/bot${token}/sendMessage`,
            headers: JSON_HEADERS,
            body: JSON.stringify({ chat_id: chatId, text: truncate(text(notification), TELEGRAM_TEXT_MAX) }),
          };
        },
      };
    }
    case 'discord':
    case 'slack': {
      const url = required(secret('webhook URL', { env: config.urlEnv, file: config.urlFile }), name, 'URL');
      return {
        name,
        type,
        destination: `${hostOf(url)} (URL from ${config.urlEnv ?? 'a file'})`,
        request(notification) {
          const body =
            type === 'discord'
              ? { content: truncate(text(notification), DISCORD_CONTENT_MAX), username: 'Enigma-Apex' }
              : { text: text(notification) };
          return { url, headers: JSON_HEADERS, body: JSON.stringify(body) };
        },
      };
    }
  }
}
