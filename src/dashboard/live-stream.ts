import { readAccounts } from './api-client.js';
import { saveRole, savedRole } from './session.js';
import { Pacer } from './render-pace.js';
import type { AccountView, Role, Status } from './types.js';

/**
 * `live`: figures are current. `connecting`: first connection, nothing shown yet. `disconnected`:
 * the link dropped (or went quiet); figures on screen are from `liveAt` and the stream reconnects
 * by itself. `signed-out`: the engine refused the token; the page asks for another.
 */
export type Connection = 'connecting' | 'live' | 'disconnected' | 'signed-out';

export interface LiveState {
  readonly connection: Connection;
  /** When the figures were last known live (browser time, ms); null before the first. */
  readonly liveAt: number | null;
  readonly role: Role | null;
  readonly name: string | null;
  readonly status: Status | null;
  readonly accounts: readonly AccountView[];
  /** Why the link is down, for the banner. */
  readonly reason: string | null;
}

/** `status` comes once a second: this long without it, the link is treated as down. */
export const QUIET_MS = 3000;
/** Reconnect delays, then the last one again for as long as it takes. */
const BACKOFF_MS = [250, 500, 1000, 2000, 4000];
/** Account updates are followed by one full re-read at most this often (what the API shows). */
const REREAD_MS = 250;
/** The engine refused the token: reconnecting with it would not help. */
const AUTH_CLOSES = new Set([4401, 4403]);

export type Item = { readonly kind: string; readonly data: Record<string, unknown> };

/** What a view following an extra topic hears: the topic's snapshot (each connection), then its updates. */
export interface TopicListener {
  snapshot(data: unknown): void;
  update(items: readonly Item[]): void;
}
type Message = {
  readonly type: string;
  readonly topic?: string;
  readonly data?: unknown;
  readonly items?: readonly Item[];
  readonly role?: Role;
  readonly name?: string;
};

/** Folds one `accounts` update item into the view the API gave (the re-read that follows confirms it). */
function applyItem(account: AccountView, item: Item): AccountView {
  const d = item.data;
  switch (item.kind) {
    case 'risk':
      return {
        ...account,
        state: d['state'] as AccountView['state'],
        reasons: d['reasons'] as string[],
        health: d['health'] as number,
      };
    case 'limits':
      return {
        ...account,
        equity: d['equity'] as number,
        drawdownRoom: d['drawdownRoom'] as number | null,
        dailyLossRoom: d['dailyLossRoom'] as number | null,
        contractLimit: d['contractLimit'] as number | null,
        openMinis: d['openMinis'] as number,
      };
    case 'account':
      return { ...account, balance: d['balance'] as number, equity: d['equity'] as number };
    default:
      return account;
  }
}

/**
 * The dashboard's link to the engine's live stream (`/api/v1/stream`, docs/api-stream.md):
 * authenticates with the first message, holds `status` and `accounts`, watches for silence,
 * and reconnects with backoff. Listeners get a new state object on every change.
 */
export class LiveStream {
  private state: LiveState = {
    connection: 'connecting',
    liveAt: null,
    role: savedRole(),
    name: null,
    status: null,
    accounts: [],
    reason: null,
  };
  private readonly listeners = new Set<(state: LiveState) => void>();
  private socket: WebSocket | undefined;
  private attempt = 0;
  private lastStatusAt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private rereadTimer: ReturnType<typeof setTimeout> | undefined;
  private watchdog: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  /** This connection's accounts snapshot has come: only then are the figures live again. */
  private accountsFresh = false;
  /** Topics a view follows beyond `accounts` and `status` (decisions, alerts…), and who hears them. */
  private readonly followers = new Map<string, Set<TopicListener>>();
  private welcomed = false;
  /** Updates of followed topics waiting for the next paced delivery, oldest first. */
  private readonly pendingItems = new Map<string, Item[]>();
  private readonly pacer = new Pacer(() => this.deliver());

  constructor(
    private readonly token: string,
    private readonly url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/v1/stream`,
  ) {}

  get current(): LiveState {
    return this.state;
  }

  onChange(listener: (state: LiveState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Follows one more topic for as long as a view needs it: subscribed on this connection and on
   * every reconnection (each brings a fresh snapshot). Returns the unfollow.
   */
  follow(topic: string, listener: TopicListener): () => void {
    const listeners = this.followers.get(topic) ?? new Set<TopicListener>();
    this.followers.set(topic, listeners);
    listeners.add(listener);
    if (listeners.size === 1) this.sendTopics('subscribe', [topic]);
    return () => {
      listeners.delete(listener);
      if (listeners.size > 0 || this.followers.get(topic) !== listeners) return;
      this.followers.delete(topic);
      this.sendTopics('unsubscribe', [topic]);
    };
  }

  private sendTopics(type: 'subscribe' | 'unsubscribe', topics: readonly string[]): void {
    if (this.welcomed && this.socket?.readyState === WebSocket.OPEN)
      this.socket.send(JSON.stringify({ type, topics }));
  }

  start(): void {
    this.stopped = false;
    this.connect();
    this.watchdog = setInterval(() => {
      if (this.state.connection === 'live' && Date.now() - this.lastStatusAt > QUIET_MS) {
        this.socket?.close();
        this.dropped('no update from the engine for 3 s');
      }
    }, 500);
    window.addEventListener('offline', this.handleOffline);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    clearTimeout(this.rereadTimer);
    clearInterval(this.watchdog);
    this.pacer.cancel();
    window.removeEventListener('offline', this.handleOffline);
    this.socket?.close();
  }

  private readonly handleOffline = (): void => {
    this.socket?.close();
    this.dropped('this device is offline');
  };

  /** Changes are drawn paced (RENDER_MS), except the link's own state, which shows at once. */
  private set(change: Partial<LiveState>): void {
    this.state = { ...this.state, ...change };
    if ('connection' in change) this.pacer.now();
    else this.pacer.request();
  }

  private deliver(): void {
    for (const [topic, items] of this.pendingItems)
      for (const listener of this.followers.get(topic) ?? []) listener.update(items);
    this.pendingItems.clear();
    for (const listener of this.listeners) listener(this.state);
  }

  private connect(): void {
    const socket = new WebSocket(this.url);
    this.socket = socket;
    this.accountsFresh = false;
    this.welcomed = false;
    socket.onopen = () => socket.send(JSON.stringify({ type: 'auth', token: this.token }));
    socket.onmessage = (event: MessageEvent<string>) => {
      if (this.socket === socket) this.handleMessage(socket, JSON.parse(event.data) as Message);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket || this.stopped) return;
      if (AUTH_CLOSES.has(event.code)) {
        this.set({ connection: 'signed-out', reason: 'the engine no longer accepts this token' });
        return;
      }
      this.dropped(event.reason === '' ? 'the connection to the engine closed' : event.reason);
    };
  }

  /** The link is down: say so at once, keep the figures marked stale, and try again. */
  private dropped(reason: string): void {
    if (this.stopped) return;
    this.socket = undefined;
    if (this.state.connection !== 'disconnected') this.set({ connection: 'disconnected', reason });
    clearTimeout(this.reconnectTimer);
    const delay = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)] ?? 4000;
    this.attempt++;
    this.reconnectTimer = setTimeout(() => this.connect(), delay);
  }

  private handleMessage(socket: WebSocket, message: Message): void {
    switch (message.type) {
      case 'welcome':
        if (message.role) saveRole(message.role);
        this.set({ role: message.role ?? null, name: message.name ?? null });
        this.welcomed = true;
        socket.send(
          JSON.stringify({ type: 'subscribe', topics: ['accounts', 'status', ...this.followers.keys()] }),
        );
        return;
      case 'snapshot':
        if (message.topic === 'accounts') {
          this.accountsFresh = true;
          this.set({ accounts: (message.data as AccountView[] | null) ?? [] });
        }
        if (message.topic === 'status') this.statusArrived(message.data as Status);
        // A snapshot replaces what came before it, updates still waiting included.
        this.pendingItems.delete(message.topic ?? '');
        for (const listener of this.followers.get(message.topic ?? '') ?? []) listener.snapshot(message.data);
        return;
      case 'update':
        if (message.topic === 'status') {
          const last = message.items?.at(-1);
          if (last) this.statusArrived(last.data as unknown as Status);
        }
        if (message.topic === 'accounts') this.accountsChanged(message.items ?? []);
        if (this.followers.has(message.topic ?? '') && message.items) {
          const pending = this.pendingItems.get(message.topic ?? '') ?? [];
          this.pendingItems.set(message.topic ?? '', pending.concat(message.items));
          this.pacer.request();
        }
        return;
      default:
        return;
    }
  }

  /** A status makes the figures live, once this connection's accounts snapshot has come too. */
  private statusArrived(status: Status): void {
    if (!this.accountsFresh) {
      this.set({ status });
      return;
    }
    this.lastStatusAt = Date.now();
    this.attempt = 0;
    this.set({ status, connection: 'live', liveAt: this.lastStatusAt, reason: null });
  }

  private accountsChanged(items: readonly Item[]): void {
    const accounts = this.state.accounts.map((account) =>
      items.reduce(
        (view, item) => (item.data['account'] === account.id ? applyItem(view, item) : view),
        account,
      ),
    );
    this.set({ accounts });
    if (this.rereadTimer !== undefined) return;
    this.rereadTimer = setTimeout(() => {
      this.rereadTimer = undefined;
      readAccounts(this.token).then(
        (fresh) => this.set({ accounts: fresh }),
        () => undefined, // the stream's own items stand until the next update
      );
    }, REREAD_MS);
  }
}
