import { Pacer, RENDER_MS } from '../render-pace.js';
import {
  decisionOf,
  type Bar,
  type Fill,
  type Order,
  type Position,
  type Signal,
  type TradeDecision,
} from './trading-types.js';

/** The events kept for the tables and markers: enough for a day's glance, bounded for a phone. */
export const KEEP_EVENTS = 50;
/** Bars kept per instrument (the stream's own queue holds 1,000). */
export const KEEP_BARS = 2000;
/** Positions are re-read this often (the API's answer is the broker's book). */
const POSITIONS_MS = 1000;
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];
/** The engine refused the token: the main stream signs the page out, this one just stops. */
const AUTH_CLOSES = new Set([4401, 4403]);
/** An order in one of these can still fill: it stays in the working list. */
const WORKING = new Set([
  'pending',
  'submitted',
  'accepted',
  'working',
  'partially-filled',
  'cancel-pending',
]);

export interface TradingState {
  /** This feed's own link: false while it reconnects (the view then marks its figures stale). */
  readonly live: boolean;
  /** Instruments seen (bars, signals, orders, fills, positions), in the order they appeared. */
  readonly symbols: readonly string[];
  readonly bars: Readonly<Record<string, readonly Bar[]>>;
  /** Newest first. */
  readonly signals: readonly Signal[];
  readonly fills: readonly Fill[];
  readonly decisions: readonly TradeDecision[];
  readonly orders: readonly Order[];
  readonly positions: readonly Position[];
}

type Item = { readonly kind: string; readonly data: unknown };
type Message = {
  readonly type: string;
  readonly topic?: string;
  readonly data?: unknown;
  readonly items?: readonly Item[];
};

const EMPTY: TradingState = {
  live: false,
  symbols: [],
  bars: {},
  signals: [],
  fills: [],
  decisions: [],
  orders: [],
  positions: [],
};

/** Newest first, no duplicates by `key`, at most KEEP_EVENTS. */
function merge<T>(older: readonly T[], newer: readonly T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const item of [...newer].reverse().concat(older)) {
    const k = key(item);
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(item);
    if (out.length === KEEP_EVENTS) break;
  }
  return out;
}

const signalKey = (s: Signal): string => `${s.source}|${s.symbol}|${String(s.ts)}`;
const decisionKey = (d: TradeDecision): string => `${d.intentId}|${d.outcome}|${String(d.ts)}`;

/**
 * The trading view's own link to the live stream: `orders`, `fills`, `signals`, `decisions` and
 * `bars:<symbol>` for every instrument it learns of. A second socket, open only while the view is,
 * so the Overview's link stays as it is. Positions come from the API, re-read once a second.
 */
export class TradingFeed {
  private state: TradingState = EMPTY;
  private readonly listeners = new Set<(state: TradingState) => void>();
  private socket: WebSocket | undefined;
  private attempt = 0;
  private stopped = false;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private positionsTimer: ReturnType<typeof setInterval> | undefined;
  private readonly barTopics = new Set<string>();
  private readonly pacer = new Pacer(() => {
    for (const listener of this.listeners) listener(this.state);
  });
  /** This socket's `welcome` has come: subscriptions may be sent. */
  private ready = false;

  constructor(
    private readonly token: string,
    private readonly url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream`,
  ) {}

  get current(): TradingState {
    return this.state;
  }

  onChange(listener: (state: TradingState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  start(): void {
    this.stopped = false;
    this.connect();
    void this.readPositions();
    this.positionsTimer = setInterval(() => void this.readPositions(), POSITIONS_MS);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.positionsTimer);
    this.pacer.cancel();
    this.socket?.close();
  }

  /** Changes are drawn paced (RENDER_MS), except the link's own state, which shows at once. */
  private set(change: Partial<TradingState>): void {
    this.state = { ...this.state, ...change };
    if ('live' in change) this.pacer.now();
    else this.pacer.request();
  }

  private async readPositions(): Promise<void> {
    try {
      const response = await fetch('/api/v1/positions', {
        cache: 'no-store',
        headers: { authorization: `Bearer ${this.token}` },
      });
      if (!response.ok) return;
      const positions = ((await response.json()) as { items: Position[] }).items;
      if (this.stopped) return;
      this.set({ positions });
      this.learn(positions.map((p) => p.symbol));
    } catch {
      // the engine is away: the last positions stand, marked stale with the rest of the view
    }
  }

  private connect(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    this.barTopics.clear();
    this.ready = false;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: this.token }));
    socket.onmessage = (event: MessageEvent<string>) => {
      if (this.socket === socket) this.handle(socket, JSON.parse(event.data) as Message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = undefined;
      this.set({ live: false });
      if (AUTH_CLOSES.has(event.code)) return;
      const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 4000;
      this.attempt++;
      this.reconnectTimer = setTimeout(() => this.connect(), delay);
    };
  }

  private handle(socket: WebSocket, message: Message): void {
    if (message.type === 'welcome') {
      this.attempt = 0;
      this.ready = true;
      const topics = ['orders', 'fills', ...this.state.symbols.map((s) => `bars:${s}`)];
      for (const symbol of this.state.symbols) this.barTopics.add(symbol);
      // Updates as often as the view redraws, and of signals and decisions only as many as it
      // keeps: at 1,000 signals a second the rest would be parsed only to be thrown away.
      socket.send(JSON.stringify({ type: 'pace', everyMs: RENDER_MS }));
      socket.send(JSON.stringify({ type: 'subscribe', topics }));
      socket.send(
        JSON.stringify({ type: 'subscribe', topics: ['signals', 'decisions'], newest: KEEP_EVENTS }),
      );
      return;
    }
    if (message.type === 'snapshot') {
      const rows = Array.isArray(message.data) ? (message.data as unknown[]) : [];
      this.apply(message.topic ?? '', rows, true);
      return;
    }
    if (message.type === 'update') {
      this.apply(
        message.topic ?? '',
        (message.items ?? []).map((item) => item.data),
        false,
      );
    }
  }

  /** Folds a snapshot (newest first, from the store) or an update (oldest first) into the state. */
  private apply(topic: string, rows: readonly unknown[], snapshot: boolean): void {
    const newer = snapshot ? [...rows].reverse() : rows;
    switch (topic) {
      case 'signals': {
        const signals = newer as Signal[];
        this.set({ signals: merge(snapshot ? [] : this.state.signals, signals, signalKey) });
        this.learn(signals.map((s) => s.symbol));
        return;
      }
      case 'fills': {
        const fills = newer as Fill[];
        this.set({ fills: merge(snapshot ? [] : this.state.fills, fills, (f) => f.fillId) });
        this.learn(fills.map((f) => f.symbol));
        return;
      }
      case 'decisions':
        this.set({
          decisions: merge(
            snapshot ? [] : this.state.decisions,
            (newer as Parameters<typeof decisionOf>[0][]).map(decisionOf),
            decisionKey,
          ),
        });
        return;
      case 'orders':
        this.ordersArrived(rows as Order[], snapshot);
        // This connection's working orders have come: the view's figures are current again.
        if (snapshot) this.set({ live: true });
        return;
      default:
        if (topic.startsWith('bars:')) this.barsArrived(topic.slice('bars:'.length), newer as Bar[]);
    }
  }

  private ordersArrived(orders: readonly Order[], snapshot: boolean): void {
    const byId = new Map(snapshot ? [] : this.state.orders.map((o) => [o.clientOrderId, o]));
    for (const order of orders) {
      if (WORKING.has(order.status))
        byId.set(order.clientOrderId, { ...byId.get(order.clientOrderId), ...order });
      else byId.delete(order.clientOrderId);
    }
    this.set({ orders: [...byId.values()] });
    this.learn(orders.map((o) => o.symbol));
  }

  /** Bars in time order, one per start time (a repeated start replaces the bar: the chart requires it). */
  private barsArrived(symbol: string, bars: readonly Bar[]): void {
    const kept = [...(this.state.bars[symbol] ?? [])];
    for (const bar of bars) {
      const last = kept.at(-1);
      if (last === undefined || bar.ts > last.ts) kept.push(bar);
      else if (bar.ts === last.ts) kept[kept.length - 1] = bar;
      // an older bar than the chart's last is late: the chart cannot insert it, so it is left out
    }
    this.set({ bars: { ...this.state.bars, [symbol]: kept.slice(-KEEP_BARS) } });
  }

  /** New instruments get their own chart and a `bars:<symbol>` subscription. */
  private learn(symbols: readonly string[]): void {
    const fresh = [...new Set(symbols)].filter((s) => !this.state.symbols.includes(s));
    if (fresh.length === 0) return;
    this.set({ symbols: [...this.state.symbols, ...fresh] });
    const socket = this.socket;
    if (!this.ready || socket?.readyState !== WebSocket.OPEN) return;
    const topics = fresh.filter((s) => !this.barTopics.has(s));
    for (const symbol of topics) this.barTopics.add(symbol);
    if (topics.length > 0)
      socket.send(JSON.stringify({ type: 'subscribe', topics: topics.map((s) => `bars:${s}`) }));
  }
}
