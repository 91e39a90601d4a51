import WebSocket from 'ws';
import { startFsyncMeter } from './fsync-meter.js';
import { startHiccupMeter } from './hiccup-meter.js';
import { LatencyHistogram, summarise, type Percentiles } from './latency-histogram.js';
import { SequenceLedger, type SequenceCounts } from './sequence-ledger.js';
import {
  ackFrame,
  connectionPlan,
  helloFrame,
  signalMessage,
  tickMessage,
  MAX_CONNECTIONS,
  type ConnectionPlan,
} from './wire.js';

export interface LoadOptions {
  /** The engine: `http://127.0.0.1:<port>` as `enigma run --listen` prints it, or the ws URL. */
  readonly url: string;
  readonly token: string;
  /** Client connections, each a NinjaTrader client with its own account (1 to 8). */
  readonly connections: number;
  /** Offered messages per second over all connections, or `max` (as fast as the engine acks). */
  readonly rate: number | 'max';
  readonly durationMs: number;
  /** One message in `signalEvery` is a signal, the rest are ticks. Default 10. */
  readonly signalEvery?: number;
  /** Most messages in one batch frame. Default 1,000 (kept under the engine's max_payload too). */
  readonly maxBatch?: number;
  /** `max` mode: most unacknowledged messages per connection. Default 20,000. */
  readonly window?: number;
  /** How long to wait after the last send for the outstanding acks and orders. Default 10 s. */
  readonly drainMs?: number;
  /**
   * Messages due in the first `settleMs` of the step are sent and accounted for but not timed:
   * the fresh generator process is still compiling its own hot path. Default 500 ms.
   */
  readonly settleMs?: number;
  /**
   * How a fixed-rate step waits between turns. `spin` (default): the next event-loop turn at once,
   * timed from each message's intended send time. `timer`: a 1 ms timer, so the generator takes a
   * fifth of a core instead of all of one (on 2 cores a spinning generator leaves the engine and
   * anything beside it one core to share); timed from each frame's actual send, so the batching
   * wait (up to 1 ms) and the generator's own lateness stay out of the engine's figures. Still
   * open loop: the generator never waits for the engine.
   */
  readonly pacing?: 'spin' | 'timer';
}

export interface LoadReport {
  readonly offered: number | 'max';
  readonly connections: number;
  /** Messages sent (ticks and signals). */
  readonly sent: number;
  readonly signals: number;
  /** Messages acknowledged per second: acked ÷ (last ack − first intended send). */
  readonly achievedPerSecond: number;
  readonly sendSeconds: number;
  /** Tick → ack, from the tick's intended send time. */
  readonly tickToAck: Percentiles;
  /** Signal → order, from the signal's intended send time to the order frame's arrival. */
  readonly signalToOrder: Percentiles;
  /** How late the generator itself sent (now − intended send time, per frame). */
  readonly generatorLag: Percentiles;
  /** The machine's stalls in the same run (hiccup-meter.ts). */
  readonly hiccup: Percentiles;
  /** The disk's fsync latency in the same run (fsync-meter.ts). */
  readonly fsync: Percentiles;
  /** Client → engine: messages never acknowledged. */
  readonly unacked: number;
  /** Engine → client sequenced messages (orders). */
  readonly commands: SequenceCounts;
  /** Signals that got no order back. */
  readonly unanswered: number;
  /** Orders for a signal that already had one (each extra copy). */
  readonly duplicateOrders: number;
  /** `ack.last_seq` lower than an earlier one. */
  readonly acksBackwards: number;
  /** Totals over both directions (an ack going backwards counts as reordered): what must be zero. */
  readonly lost: number;
  readonly duplicated: number;
  readonly reordered: number;
  /** `error` frames from the engine by code. */
  readonly errors: Readonly<Record<string, number>>;
  /** Connections that closed before the generator closed them. */
  readonly disconnects: number;
}

interface EngineFrame {
  readonly type: string;
  readonly seq: number;
  readonly last_seq?: number;
  readonly signal_ts?: number;
  readonly code?: string;
  readonly max_payload?: number;
}

const yieldTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
const sleepTurn = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 1));

/** One simulated NinjaTrader client: its socket, what it sent and what came back. */
class BenchConnection {
  socket!: WebSocket;
  /** Base of this connection's message times: message `seq` has `ts = base + seq`. */
  readonly base: number;
  private nextSeq = 0;
  /** Intended send time (performance.now() ms) of each seq. */
  private intended = new Float64Array(1024);
  /** 1 for a signal seq, 2 once it has its order. */
  private kinds = new Uint8Array(1024);
  acked = 0;
  lastAckAt = 0;
  signals = 0;
  answered = 0;
  duplicateOrders = 0;
  acksBackwards = 0;
  closedByEngine = false;
  maxPayload = 262_144;
  readonly ledger = new SequenceLedger();
  private lastEngineAck = 0;
  private frame: string[] = [];
  private frameBytes = 0;

  constructor(
    readonly plan: ConnectionPlan,
    private readonly shared: SharedState,
  ) {
    this.base = Math.floor(Date.now() * 1000) + plan.index;
  }

  get sent(): number {
    return this.nextSeq;
  }

  get outstanding(): number {
    return this.nextSeq - this.acked;
  }

  open(url: string, token: string): Promise<void> {
    const target = new URL(url);
    if (target.protocol === 'http:') target.protocol = 'ws:';
    if (target.pathname === '/' || target.pathname === '') target.pathname = '/v1/stream';
    this.socket = new WebSocket(target, {
      headers: { Authorization: `Bearer ${token}` },
      perMessageDeflate: false,
    });
    return new Promise<void>((resolve, reject) => {
      this.socket.once('open', () => this.socket.send(helloFrame(this.plan.account, this.base)));
      this.socket.once('error', reject);
      this.socket.once('close', (code, reason) => {
        this.closedByEngine = !this.shared.closing;
        reject(new Error(`closed before welcome: ${String(code)} ${reason.toString()}`));
      });
      this.socket.on('message', (data: Buffer) => {
        const welcome = this.handle(data.toString());
        if (welcome) resolve();
      });
    });
  }

  /** Queues the next message (a signal every `signalEvery`), sent as part of this turn's frame. */
  queue(intendedAt: number): void {
    const seq = ++this.nextSeq;
    if (seq >= this.intended.length) this.grow(seq);
    this.intended[seq] = intendedAt;
    const ts = this.base + seq;
    let text: string;
    if (seq % this.shared.signalEvery === 0) {
      this.kinds[seq] = 1;
      this.signals += 1;
      text = signalMessage(seq, ts, this.plan);
    } else {
      text = tickMessage(seq, ts, this.plan);
    }
    this.frame.push(text);
    this.frameBytes += text.length + 1;
    if (this.frame.length >= this.shared.maxBatch || this.frameBytes > this.maxPayload / 2) this.flush();
  }

  /** Writes what was queued as one batch frame. */
  flush(): void {
    if (this.frame.length === 0) return;
    this.socket.send(`[${this.frame.join(',')}]`);
    this.frame = [];
    this.frameBytes = 0;
  }

  /** Handles one engine frame; true when it held the welcome. */
  handle(text: string): boolean {
    const now = performance.now();
    const parsed = JSON.parse(text) as EngineFrame | EngineFrame[];
    const messages = Array.isArray(parsed) ? parsed : [parsed];
    let welcome = false;
    for (const message of messages) {
      switch (message.type) {
        case 'welcome':
          welcome = true;
          if (message.max_payload !== undefined) this.maxPayload = message.max_payload;
          break;
        case 'ack':
          this.onAck(message.last_seq ?? 0, now);
          break;
        case 'error': {
          const code = message.code ?? 'unknown';
          this.shared.errors[code] = (this.shared.errors[code] ?? 0) + 1;
          break;
        }
        case 'pong':
          break;
        default:
          if (message.seq > 0) this.onCommand(message, now);
      }
    }
    if (this.ledger.lastContiguous > this.lastEngineAck) {
      this.lastEngineAck = this.ledger.lastContiguous;
      this.socket.send(ackFrame(this.lastEngineAck, this.base));
    }
    return welcome;
  }

  private onAck(lastSeq: number, now: number): void {
    if (lastSeq < this.acked) {
      this.acksBackwards += 1;
      return;
    }
    const top = Math.min(lastSeq, this.nextSeq);
    for (let seq = this.acked + 1; seq <= top; seq++) {
      const intended = this.intended[seq] as number;
      if (this.kinds[seq] === 0 && intended >= this.shared.timedFrom)
        this.shared.tickToAck.record((now - intended) * 1000);
    }
    if (lastSeq > this.acked) this.lastAckAt = now;
    this.acked = top;
  }

  private onCommand(message: EngineFrame, now: number): void {
    if (!this.ledger.receive(message.seq)) return;
    if (message.type !== 'order' || message.signal_ts === undefined) return;
    const seq = message.signal_ts - this.base;
    if (seq < 1 || seq > this.nextSeq || this.kinds[seq] === 0) return;
    if (this.kinds[seq] === 2) {
      this.duplicateOrders += 1;
      return;
    }
    this.kinds[seq] = 2;
    this.answered += 1;
    const intended = this.intended[seq] as number;
    if (intended >= this.shared.timedFrom) this.shared.signalToOrder.record((now - intended) * 1000);
  }

  /** True once every message is acked and every signal answered. */
  get settled(): boolean {
    return this.acked >= this.nextSeq && this.answered >= this.signals;
  }

  private grow(seq: number): void {
    let size = this.intended.length;
    while (size <= seq) size *= 2;
    const intended = new Float64Array(size);
    intended.set(this.intended);
    const kinds = new Uint8Array(size);
    kinds.set(this.kinds);
    this.intended = intended;
    this.kinds = kinds;
  }
}

interface SharedState {
  readonly signalEvery: number;
  readonly maxBatch: number;
  readonly tickToAck: LatencyHistogram;
  readonly signalToOrder: LatencyHistogram;
  readonly errors: Record<string, number>;
  /** performance.now() from which intended send times are timed (see LoadOptions.settleMs). */
  timedFrom: number;
  closing: boolean;
}

/**
 * Plays `connections` NinjaTrader clients against a running engine over real WebSockets, speaking
 * protocol v1, and measures it.
 *
 * 1. Open loop: message `g` is due at `start + g / rate`; each event-loop turn sends everything
 *    due, per connection as one batch frame, round robin over the connections. Latencies run from
 *    that intended time, so a stall in the engine (or the generator) shows up in full instead of
 *    pausing the clock (no coordinated omission); with `pacing: 'timer'`, from the actual send.
 *    `rate: 'max'` sends whenever fewer than `window` messages are unacknowledged, and times from
 *    the actual send.
 * 2. One message in `signalEvery` is a signal; the engine's order for it carries `signal_ts`.
 * 3. After `durationMs` it waits up to `drainMs` for the last acks and orders, then counts what
 *    never came: every lost, duplicated or reordered message is reported (sequence-ledger.ts).
 */
export async function runLoad(options: LoadOptions): Promise<LoadReport> {
  if (options.connections < 1 || options.connections > MAX_CONNECTIONS)
    throw new RangeError(`connections must be 1 to ${String(MAX_CONNECTIONS)}`);
  const shared: SharedState = {
    signalEvery: Math.max(1, options.signalEvery ?? 10),
    maxBatch: Math.max(1, options.maxBatch ?? 1000),
    tickToAck: new LatencyHistogram(),
    signalToOrder: new LatencyHistogram(),
    errors: {},
    timedFrom: Infinity,
    closing: false,
  };
  const generatorLag = new LatencyHistogram();
  const connections = Array.from(
    { length: options.connections },
    (_, index) => new BenchConnection(connectionPlan(index), shared),
  );
  await Promise.all(connections.map((connection) => connection.open(options.url, options.token)));
  let disconnects = 0;
  for (const connection of connections) {
    connection.socket.removeAllListeners('close');
    connection.socket.removeAllListeners('error');
    connection.socket.on('error', () => undefined);
    connection.socket.on('close', () => {
      if (!shared.closing) disconnects += 1;
    });
  }

  const hiccups = startHiccupMeter();
  const fsyncs = startFsyncMeter();
  const started = performance.now();
  shared.timedFrom = started + (options.settleMs ?? 500);
  const end = started + options.durationMs;
  let sent = 0;
  if (options.rate === 'max') {
    const window = options.window ?? 20_000;
    while (performance.now() < end && disconnects === 0) {
      const now = performance.now();
      for (const connection of connections) {
        let room = Math.min(window - connection.outstanding, shared.maxBatch);
        if (connection.socket.bufferedAmount > 4 * 1024 * 1024) room = 0;
        for (; room > 0; room--, sent++) connection.queue(now);
        connection.flush();
      }
      await yieldTurn();
    }
  } else {
    const perMs = options.rate / 1000;
    const timed = options.pacing === 'timer';
    const total = Math.floor(options.durationMs * perMs);
    while (sent < total && disconnects === 0) {
      const now = performance.now();
      const due = Math.min(total, Math.floor((now - started) * perMs));
      if (due > sent) generatorLag.record((now - (started + sent / perMs)) * 1000);
      for (; sent < due; sent++) {
        const intended = timed ? now : started + sent / perMs;
        (connections[sent % connections.length] as BenchConnection).queue(intended);
      }
      for (const connection of connections) connection.flush();
      await (timed ? sleepTurn() : yieldTurn());
    }
  }
  const sendSeconds = (performance.now() - started) / 1000;

  const drainUntil = performance.now() + (options.drainMs ?? 10_000);
  while (performance.now() < drainUntil && disconnects === 0 && !connections.every((c) => c.settled)) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  const hiccupSamples = await hiccups.stop();
  const fsyncSamples = await fsyncs.stop();
  shared.closing = true;
  await Promise.all(
    connections.map(
      (connection) =>
        new Promise<void>((resolve) => {
          if (connection.socket.readyState === WebSocket.CLOSED) return resolve();
          connection.socket.once('close', () => resolve());
          connection.socket.close(1000);
          setTimeout(() => {
            connection.socket.terminate();
            resolve();
          }, 2000).unref();
        }),
    ),
  );

  let acked = 0;
  let lastAckAt = started;
  let signals = 0;
  let unanswered = 0;
  let duplicateOrders = 0;
  let acksBackwards = 0;
  let unacked = 0;
  const commands = { received: 0, lost: 0, duplicated: 0, reordered: 0 };
  for (const connection of connections) {
    acked += connection.acked;
    lastAckAt = Math.max(lastAckAt, connection.lastAckAt);
    signals += connection.signals;
    unanswered += connection.signals - connection.answered;
    duplicateOrders += connection.duplicateOrders;
    acksBackwards += connection.acksBackwards;
    unacked += connection.sent - connection.acked;
    const counts = connection.ledger.counts();
    commands.received += counts.received;
    // A dropped order shows as a hole in the seqs and as an unanswered signal: count it once.
    commands.lost += Math.max(counts.lost, connection.signals - connection.answered);
    commands.duplicated += counts.duplicated;
    commands.reordered += counts.reordered;
  }
  const report: LoadReport = {
    offered: options.rate,
    connections: options.connections,
    sent: connections.reduce((sum, connection) => sum + connection.sent, 0),
    signals,
    achievedPerSecond: acked / Math.max(1e-9, (lastAckAt - started) / 1000),
    sendSeconds,
    tickToAck: shared.tickToAck.summary(),
    signalToOrder: shared.signalToOrder.summary(),
    generatorLag: generatorLag.summary(),
    hiccup: summarise(hiccupSamples),
    fsync: summarise(fsyncSamples),
    unacked,
    commands,
    unanswered,
    duplicateOrders,
    acksBackwards,
    lost: unacked + commands.lost,
    duplicated: commands.duplicated + duplicateOrders,
    reordered: commands.reordered + acksBackwards,
    errors: shared.errors,
    disconnects,
  };
  shared.tickToAck.destroy();
  shared.signalToOrder.destroy();
  generatorLag.destroy();
  return report;
}
