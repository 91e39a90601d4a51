import type { ErrorCode } from '../../core/error-codes.js';

/** What a client may send (docs/api-stream.md §3). */
export type StreamClientMessage =
  | { readonly type: 'auth'; readonly token: string }
  | {
      readonly type: 'subscribe';
      readonly topics: readonly string[];
      /** Event topics only: keep the newest N items between two updates (the rest are counted). */
      readonly newest?: number;
    }
  | { readonly type: 'unsubscribe'; readonly topics: readonly string[] }
  | { readonly type: 'pace'; readonly everyMs: number };

/** Bounds of `newest` (the stream's own queue holds 1,000) and of `pace`'s `everyMs`. */
export const NEWEST_RANGE = { min: 1, max: 1000 } as const;
export const PACE_RANGE_MS = { min: 50, max: 10_000 } as const;

const isIntegerIn = (value: unknown, range: { min: number; max: number }): value is number =>
  Number.isInteger(value) && (value as number) >= range.min && (value as number) <= range.max;

export interface StreamMessageError {
  readonly code: ErrorCode;
  readonly message: string;
}

/** Longest topic name a client may send (a symbol is at most 32 characters). */
const MAX_TOPIC_LENGTH = 64;
/** Longest token a client may send. */
const MAX_TOKEN_LENGTH = 512;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses one text frame; an error says what is wrong in words a client author can act on. */
export function parseStreamMessage(
  text: string,
  maxTopics: number,
): StreamClientMessage | StreamMessageError {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { code: 'STREAM_BAD_MESSAGE', message: 'the message is not JSON' };
  }
  if (!isObject(value) || typeof value['type'] !== 'string')
    return { code: 'STREAM_BAD_MESSAGE', message: 'the message is not an object with a string `type`' };
  const type = value['type'];
  if (type === 'auth') {
    const token = value['token'];
    if (typeof token !== 'string' || token === '' || token.length > MAX_TOKEN_LENGTH)
      return { code: 'STREAM_BAD_MESSAGE', message: '`auth` needs a non-empty string `token`' };
    return { type, token };
  }
  if (type === 'subscribe' || type === 'unsubscribe') {
    const topics = value['topics'];
    if (
      !Array.isArray(topics) ||
      topics.length === 0 ||
      !topics.every((topic) => typeof topic === 'string' && topic.length <= MAX_TOPIC_LENGTH)
    )
      return {
        code: 'STREAM_BAD_MESSAGE',
        message: `\`${type}\` needs \`topics\`: a non-empty array of names of at most ${String(MAX_TOPIC_LENGTH)} characters`,
      };
    if (topics.length > maxTopics)
      return {
        code: 'STREAM_TOO_MANY_TOPICS',
        message: `at most ${String(maxTopics)} topics per connection`,
      };
    const unique = [...new Set(topics as string[])];
    if (type === 'unsubscribe') return { type, topics: unique };
    const newest = value['newest'];
    if (newest === undefined) return { type, topics: unique };
    if (!isIntegerIn(newest, NEWEST_RANGE))
      return {
        code: 'STREAM_BAD_MESSAGE',
        message: `\`newest\` must be a whole number from ${String(NEWEST_RANGE.min)} to ${String(NEWEST_RANGE.max)}`,
      };
    return { type, topics: unique, newest };
  }
  if (type === 'pace') {
    const everyMs = value['everyMs'];
    if (!isIntegerIn(everyMs, PACE_RANGE_MS))
      return {
        code: 'STREAM_BAD_MESSAGE',
        message: `\`pace\` needs \`everyMs\`: a whole number of milliseconds from ${String(PACE_RANGE_MS.min)} to ${String(PACE_RANGE_MS.max)}`,
      };
    return { type, everyMs };
  }
  return {
    code: 'STREAM_BAD_MESSAGE',
    message: `unknown message type '${type.slice(0, 32)}': use auth, subscribe, unsubscribe or pace`,
  };
}
