import type { MessageBus } from '../../bus/bus.js';
import { TOPICS, type Topic } from '../../bus/topics.js';

/** The stream topics a client may subscribe to, besides `bars:<symbol>` (one per instrument). */
export const STREAM_TOPIC_NAMES = [
  'status',
  'accounts',
  'orders',
  'fills',
  'signals',
  'decisions',
  'alerts',
] as const;
export type StreamTopicName = (typeof STREAM_TOPIC_NAMES)[number];

/** The prefix of a per-instrument bars topic: `bars:ES 12-26`. */
export const BARS_PREFIX = 'bars:';

/** What a client is told the valid topics are (in an STREAM_UNKNOWN_TOPIC error). */
export const VALID_TOPICS_TEXT: readonly string[] = [...STREAM_TOPIC_NAMES, `${BARS_PREFIX}<symbol>`];

/** An instrument as NinjaTrader names it (`ES 12-26`, `6E 03-27`): letters, digits, space, `-`, `.`, `/`. */
const SYMBOL = /^[A-Za-z0-9][A-Za-z0-9 ./-]{0,31}$/;

/** True for a topic a client may subscribe to. */
export function isStreamTopic(topic: string): boolean {
  if ((STREAM_TOPIC_NAMES as readonly string[]).includes(topic)) return true;
  return topic.startsWith(BARS_PREFIX) && SYMBOL.test(topic.slice(BARS_PREFIX.length));
}

/**
 * How updates of a topic wait for a slow client: `latest` keeps the newest item per key (a state:
 * an account's balance, an order's status), `queue` keeps a bounded list (events: fills, signals)
 * and counts what it had to drop.
 */
export type Coalescing = 'latest' | 'queue';

/** One bus topic feeding a stream topic; `kind` tells the client which event an item is. */
interface BusFeed<T> {
  readonly bus: Topic<T>;
  readonly kind: string;
  /** For `latest` topics: the key whose newest item is kept. */
  readonly key?: (message: T) => string;
}

export interface StreamTopicSpec {
  readonly coalescing: Coalescing;
  readonly feeds: readonly BusFeed<never>[];
}

function feed<T>(bus: Topic<T>, kind: string, key?: (message: T) => string): BusFeed<never> {
  return { bus, kind, ...(key && { key }) } as unknown as BusFeed<never>;
}

/** Where each stream topic's updates come from (`status` is sent once a second from its snapshot). */
export const STREAM_TOPIC_SPECS: Readonly<Record<Exclude<StreamTopicName, 'status'>, StreamTopicSpec>> = {
  accounts: {
    coalescing: 'latest',
    feeds: [
      feed(TOPICS.accounts, 'account', (m) => `account:${m.account}`),
      feed(TOPICS.riskStates, 'risk', (m) => `risk:${m.account}`),
      feed(TOPICS.riskLimits, 'limits', (m) => `limits:${m.account}`),
      feed(TOPICS.positions, 'position', (m) => `position:${m.account}|${m.symbol}`),
    ],
  },
  orders: {
    coalescing: 'latest',
    feeds: [feed(TOPICS.orders, 'order', (m) => m.clientOrderId)],
  },
  fills: { coalescing: 'queue', feeds: [feed(TOPICS.fills, 'fill')] },
  signals: { coalescing: 'queue', feeds: [feed(TOPICS.signals, 'signal')] },
  decisions: { coalescing: 'queue', feeds: [feed(TOPICS.riskDecisions, 'decision')] },
  alerts: { coalescing: 'queue', feeds: [feed(TOPICS.alerts, 'alert')] },
};

/** The bars of every instrument: one bus subscription, routed to `bars:<symbol>` by the bar's symbol. */
export const BARS_FEED = feed(TOPICS.bars, 'bar');

/** Subscribes `handler` to a feed's bus topic; returns the unsubscribe. */
export function observeFeed(
  bus: MessageBus,
  source: BusFeed<never>,
  handler: (kind: string, key: string | undefined, message: unknown) => void,
): () => void {
  const typed = source as unknown as BusFeed<unknown>;
  const subscription = bus.observe(typed.bus).subscribe((message) => {
    handler(typed.kind, typed.key?.(message), message);
  });
  return () => subscription.unsubscribe();
}
