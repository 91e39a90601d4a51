import type { Subscription } from 'rxjs';
import type { AlertDelivery } from '../alerts/alert-events.js';
import type { MessageBus } from '../bus/bus.js';
import { TOPICS, type Received, type StoreRefusal, type StoredWatermark } from '../bus/topics.js';
import { LiveClock, type Clock } from '../core/clock.js';
import type { ErrorCode } from '../core/error-codes.js';
import { ENGINE_SOURCE } from '../core/market-source.js';
import { StorageError, describeError } from '../core/errors.js';
import type {
  AccountState,
  Alert,
  AuditEntry,
  Bar,
  DeadLetter,
  Features,
  Fill,
  Order,
  OrderIntent,
  Position,
  RiskState,
  Signal,
  Tick,
} from '../core/events.js';
import type { DataType } from '../pipeline/data-types.js';
import type { RiskDecision } from '../risk/risk-events.js';
import { Batch, type Sealed } from './batch.js';
import { OpenError, type ResultChunk, type StoredState } from './database-writer.js';
import { LatencyRecorder, type LatencySummary } from './latency-recorder.js';
import { writeInt64 } from './numeric-buffer.js';
import { auditRow } from './audit-row.js';
import { decisionRow } from './decision-row.js';
import { payloadText } from './payload.js';
import type { RowValues } from './row-buffer.js';
import { SIDE_CODES, TABLES, type ColumnSpec, type TableKey, type TableSpec } from './schema.js';
import { WatermarkTracker } from './watermarks.js';
import type { StoreHealth } from '../bus/topics.js';
import { storageTrouble } from './storage-trouble.js';
import { WriterClient, type SessionQuery } from './writer-client.js';

/** Default database file, relative to the working directory. */
export const DEFAULT_DATABASE_PATH = './data/enigma.duckdb';

/**
 * DuckDB settings the store starts with.
 *
 * `threads: 1`: the writer thread does the store's work; DuckDB's own worker threads only
 * competed with the engine's event loop for the cores (at 10,000 msg/s on 2 cores: machine
 * hiccup p99 2.1–2.3 ms instead of 2.6–2.9, stored-ack p99 20 ms instead of 25+), and appends
 * were no slower (4.2–4.5 M tick rows/s against 4.0–4.1). Reports and exports open the file
 * with their own settings.
 *
 * `checkpoint_threshold`: DuckDB checkpoints the WAL into the file inside whichever COMMIT makes
 * the WAL pass it, and a checkpoint costs about 7 ms per MB of WAL (≈ 100 bytes per tick +
 * envelope) while every commit waits. With DuckDB's 16 MB default that stalls acks for ~100 ms
 * every 1.6 s at 100k msg/s. The store instead checkpoints when it is idle (`idleCheckpointMs`),
 * and lets DuckDB do it only past 64 MB of WAL. Under steady load the store is never idle and
 * every checkpoint is one of these stalls; its length grows with the threshold (and with what
 * `memory_limit` spilled, read back at the checkpoint). Five-minute soaks at 10,000 msg/s (WAL
 * 1.4 MB/s), one after the other: 256 MB, a checkpoint every ~3 min: ack p99 1,448 ms, max 4,349
 * ms, steady RSS 306 MB; 64 MB, every ~45 s: p99 415 ms, max 1,107 ms, 297 MB. At 100,000 msg/s
 * that is a checkpoint every ~5 s; no benchmark here runs long enough to reach one.
 *
 * `memory_limit`: until a checkpoint, DuckDB keeps the rows of the WAL in its buffer pool, about
 * 1.45 bytes per WAL byte (at 10,000 msg/s the WAL grows 1.4 MB/s, and a store under steady load is
 * never idle, so the pool grew to 370 MB before each checkpoint). Past the limit DuckDB writes the
 * coldest blocks to `<store>.tmp/` and reads them back at the checkpoint, without an error and
 * without slowing commits we could measure; smaller checkpoint thresholds instead stall commits
 * for 100–1,000 ms each (measured at 2–33 MB of WAL on 2 shared cores). Applied after the restore
 * at open (database-writer.ts). Two-minute soaks at 10,000 msg/s: steady RSS 422–482 MB before, 297
 * and 306 MB with it (and the writer thread's small young generation, writer-client.ts).
 *
 * `allocator_background_threads`: DuckDB's allocator (its own jemalloc) returns freed pages to
 * the system only when it allocates again, or from a background thread: without it a store that
 * has checkpointed keeps the pages (store alone, 10,000 ticks/s for 30 s, then idle: 272 MB RSS
 * after the checkpoint against 214 MB with it).
 */
export const DEFAULT_DUCKDB_SETTINGS: Readonly<Record<string, string>> = {
  threads: '1',
  checkpoint_threshold: '64MB',
  memory_limit: '64MB',
  allocator_background_threads: 'true',
};

export interface StoreOptions {
  /**
   * Commit as soon as this many rows wait (default 122,880: one DuckDB row group, the size from
   * which DuckDB writes appended rows straight into the file instead of through the WAL).
   */
  readonly batchRows?: number;
  /** Commit rows that have waited this long, even if fewer than `batchRows` (default 10 ms). */
  readonly flushIntervalMs?: number;
  /** Rows waiting (queued plus committing) at which backpressure starts (default 1,000,000). */
  readonly highWaterMark?: number;
  /** Time of `received` and `rejects` rows (default: the wall clock). */
  readonly clock?: Clock;
  /** Reject a tick or bar older than the previous one of its instrument (default true). */
  readonly rejectTimeBackwards?: boolean;
  /**
   * Wait before retrying a commit that failed (a full or read-only disk), doubling per attempt up
   * to `commitRetryMaxMs` (defaults 250 ms and 5,000 ms). The store never gives rows up while it runs.
   */
  readonly commitRetryMs?: number;
  readonly commitRetryMaxMs?: number;
  /**
   * How long `flush` and `close` wait for a store that cannot write (default 10,000 ms): then
   * `flush` fails with STORE_UNAVAILABLE (the rows stay queued), and `close` gives them up.
   */
  readonly unavailableGraceMs?: number;
  /** Checkpoint the WAL into the file after this long without a commit (default 1,000 ms). */
  readonly idleCheckpointMs?: number;
  /** DuckDB settings over {@link DEFAULT_DUCKDB_SETTINGS} (e.g. `{ memory_limit: '2GB' }`). */
  readonly duckdb?: Readonly<Record<string, string>>;
}

export interface StoreStats {
  /** Rows accepted into batches (including rejects). */
  readonly rowsAccepted: number;
  readonly rowsCommitted: number;
  readonly batchesCommitted: number;
  /** Rows accepted and not yet committed: the bounded queue's depth. */
  readonly queueDepth: number;
  readonly highWaterMark: number;
  /** Times the queue crossed the high-water mark. */
  readonly backpressureEvents: number;
  readonly backpressured: boolean;
  /** Rows written to `rejects` (dead letters from the bus and rows the store refused). */
  readonly rejects: number;
  /** `received` envelopes ignored because their seq was already accepted (client resends). */
  readonly duplicates: number;
  readonly commitErrors: number;
  /** Checkpoints the store ran while idle. */
  readonly checkpoints: number;
  /** Time to commit a batch, from sealing it to COMMIT returning (ms). */
  readonly commitMillis: LatencySummary;
  /** Age of a batch's oldest row when its commit returned: the worst commit-to-ack delay (ms). */
  readonly ackMillis: LatencySummary;
}

const TICK = { seq: 0, ts: 1, symbolId: 2, price: 3, size: 4, bid: 5, ask: 6, side: 7, sourceId: 8 } as const;
const BAR = {
  seq: 0,
  ts: 1,
  end: 2,
  symbolId: 3,
  open: 4,
  high: 5,
  low: 6,
  close: 7,
  volume: 8,
  buyVolume: 9,
  sellVolume: 10,
  trades: 11,
  sourceId: 12,
} as const;

/**
 * Why a row breaks its table's schema (a NOT NULL column without a value, a number that is not
 * finite, a fraction in an integer column, text that is not a string), or undefined when it fits.
 * Checked on enqueue so one bad message can never make a whole batch fail to commit.
 */
function invalidColumn(table: TableSpec, values: RowValues): string | undefined {
  // values[0] is filled with seq after the check, so column i + 1 of the table is values[i].
  for (let i = 1; i < table.columns.length; i++) {
    const column = table.columns[i] as ColumnSpec;
    const value = values[i - 1];
    if (value === null || value === undefined) {
      if (column.nullable) continue;
      return `${column.name} is missing`;
    }
    if (column.type === 'VARCHAR') {
      if (typeof value !== 'string') return `${column.name} is not text`;
    } else if (typeof value !== 'number' || !Number.isFinite(value)) {
      return `${column.name} is not a finite number`;
    } else if (column.type !== 'DOUBLE' && !Number.isSafeInteger(value)) {
      return `${column.name} is not an integer`;
    }
  }
  return undefined;
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function finite(value: number): boolean {
  return Number.isFinite(value);
}

function optional(value: number | undefined): number | null {
  return value === undefined ? null : value;
}

function optionalText(value: string | undefined): string | null {
  return value === undefined ? null : value;
}

/**
 * The DuckDB store: one writer that appends what flows on the bus in batches and commits every
 * `batchRows` rows or `flushIntervalMs`, whichever comes first. Writes never wait: rows go into
 * columnar buffers on the calling thread, and each sealed batch is committed by the store's
 * writer thread (DuckDB's appender flush is synchronous: on the main thread it stalled the
 * engine for milliseconds per batch), without waiting for the batches before it to commit.
 * Past the high-water mark the store counts a backpressure event, raises an alert and reports `writable === false` until the
 * queue drains (`whenWritable()`), but it never drops a row. After each commit it publishes,
 * per edge source, the highest contiguous committed seq on `TOPICS.stored`.
 *
 * @example
 * const store = await Store.open('./data/enigma.duckdb');
 * store.attach(bus);
 * // ... run ...
 * await store.close(); // flush + CHECKPOINT
 */
export class Store {
  readonly path: string;
  private readonly writer: WriterClient;
  private readonly clock: Clock;
  private readonly batchRows: number;
  private readonly flushIntervalMs: number;
  private readonly highWaterMark: number;
  private readonly rejectTimeBackwards: boolean;
  private readonly idleCheckpointMs: number;
  private idleTimer: NodeJS.Timeout | undefined;
  /** Commits since the last checkpoint. */
  private dirty = false;
  private checkpoints = 0;

  private readonly current = new Batch();
  /** Rows sealed and not yet committed, and their batches. */
  private inFlightRows = 0;
  private commitsInFlight = 0;
  /** Settles once every batch sealed so far has committed (or the store has failed). */
  private lastCommit: Promise<void> = Promise.resolve();
  private readonly nextSeq = new Map<TableKey, number>();
  /** Next `ticks.seq` (kept apart from `nextSeq`: it is the hottest counter). */
  private tickSeq = 1;
  private lastSymbol = '';
  private lastSymbolId = 0;
  private readonly symbolIds = new Map<string, number>();
  /** Market source ids (`sources.seq`); 0 is the engine's own (no source named). */
  private readonly sourceIds = new Map<string, number>([[ENGINE_SOURCE, 0]]);
  private lastSource: string | undefined;
  private lastSourceId = 0;
  /** Time of the last tick and bar per market source and instrument: `[sourceId][symbolId]`. */
  private readonly lastTickTs: number[][] = [];
  private readonly lastBarTs: number[][] = [];
  private readonly watermarks = new WatermarkTracker();
  /** The last event written to a typed table, so an edge envelope carrying it need not repeat it. */
  private lastTyped: unknown;
  private lastTypedTable = '';
  private lastTypedSeq = 0;
  /** The last message the store refused, and why: an edge envelope carrying it is reported. */
  private lastRefused: unknown;
  private lastRefusedCode: ErrorCode = 'STORE_INVALID_ROW';
  private lastRefusedReason = '';

  private bus: MessageBus | undefined;
  private publishWatermark: ((watermark: StoredWatermark) => void) | undefined;
  private publishRefusal: ((refusal: StoreRefusal) => void) | undefined;
  private readonly subscriptions: Subscription[] = [];
  private timer: NodeJS.Timeout | undefined;
  private failure: StorageError | undefined;
  /** Set while commits fail (the writer thread retries them): since when, and why. */
  private failing: { readonly since: number; readonly cause: string; readonly reason: string } | undefined;
  private readonly unavailableGraceMs: number;
  /** Rows whose commit failed for good (only a shutdown that gave up, or a dead writer thread). */
  private rowsNotStored = 0;
  private closed = false;
  /** close() has begun: no more idle checkpoints (close runs its own). */
  private closing = false;
  private closePromise: Promise<void> | undefined;
  private writableWaiters: (() => void)[] = [];

  private rowsAccepted = 0;
  private rowsCommitted = 0;
  private batchesCommitted = 0;
  private backpressureEvents = 0;
  private backpressured = false;
  private rejectCount = 0;
  private duplicates = 0;
  private commitErrors = 0;
  private readonly commitLatency = new LatencyRecorder();
  private readonly ackLatency = new LatencyRecorder();

  private constructor(path: string, writer: WriterClient, clock: Clock, options: StoreOptions) {
    this.path = path;
    this.writer = writer;
    this.clock = clock;
    this.batchRows = options.batchRows ?? 122_880;
    this.flushIntervalMs = options.flushIntervalMs ?? 10;
    this.highWaterMark = options.highWaterMark ?? 1_000_000;
    this.rejectTimeBackwards = options.rejectTimeBackwards ?? true;
    this.idleCheckpointMs = options.idleCheckpointMs ?? 1000;
    this.unavailableGraceMs = options.unavailableGraceMs ?? 10_000;
  }

  /** Opens (or creates) the database at `path` (`:memory:` for a throwaway one) and migrates it. */
  static async open(path: string = DEFAULT_DATABASE_PATH, options: StoreOptions = {}): Promise<Store> {
    const clock = options.clock ?? new LiveClock();
    let store: Store | undefined;
    try {
      const { writer, state } = await WriterClient.start(
        {
          path,
          duckdb: { ...DEFAULT_DUCKDB_SETTINGS, ...options.duckdb },
          now: clock.now(),
          retryFirstMs: options.commitRetryMs ?? 250,
          retryMaxMs: options.commitRetryMaxMs ?? 5_000,
        },
        {
          commitFailed: (attempt, retryMs, message) => store?.commitFailed(attempt, retryMs, message),
          commitRecovered: (attempts) => store?.commitRecovered(attempts),
        },
      );
      store = new Store(path, writer, clock, options);
      store.restore(state);
      return store;
    } catch (cause) {
      const migrating = cause instanceof OpenError && cause.stage === 'migrate';
      throw new StorageError(
        migrating ? 'STORE_MIGRATION_FAILED' : 'STORE_OPEN_FAILED',
        `${migrating ? 'cannot prepare' : 'cannot open'} the database '${path}': ${describeError(cause)}`,
        { cause },
      );
    }
  }

  /** Continues from what is stored: sequence counters, symbol ids, watermarks. */
  private restore(state: StoredState): void {
    for (const key of Object.keys(TABLES) as TableKey[]) this.nextSeq.set(key, state.nextSeq[key]);
    this.tickSeq = state.nextSeq.ticks;
    for (const [id, symbol] of state.symbols) this.symbolIds.set(symbol, id);
    for (const [id, source] of state.sources) this.sourceIds.set(source, id);
    for (const [source, seq] of state.watermarks) this.watermarks.restore(source, seq);
  }

  /**
   * Rows of a query on the live database, block by block, read in the writer thread on a
   * connection of its own (it sees committed rows only). Leaving the loop early ends the query.
   */
  read(sql: string): AsyncGenerator<ResultChunk & { names: string[] }> {
    this.assertOpen();
    return this.writer.stream(sql);
  }

  /**
   * Runs `use` with a connection of its own on the live database (in the writer thread, committed
   * rows only), kept for all its queries, so several queries can share temp tables and settings
   * (a report's analytics). Closed after, whatever `use` does.
   */
  session<T>(use: (query: SessionQuery) => Promise<T>): Promise<T> {
    this.assertOpen();
    return this.writer.session(use);
  }

  /** Persists every topic of the bus and publishes watermarks on `TOPICS.stored` after commits. */
  attach(bus: MessageBus): void {
    this.assertOpen();
    this.bus = bus;
    this.publishWatermark = bus.publisher(TOPICS.stored);
    this.publishRefusal = bus.publisher(TOPICS.storeRefusals);
    const on = <T>(topic: { name: string; message?: T }, write: (message: T) => void): void => {
      this.subscriptions.push(bus.observe(topic).subscribe((message) => this.safely(write, message)));
    };
    on(TOPICS.ticks, (m) => this.writeTick(m));
    on(TOPICS.bars, (m) => this.writeBar(m));
    on(TOPICS.features, (m) => this.writeFeatures(m));
    on(TOPICS.signals, (m) => this.writeSignal(m));
    on(TOPICS.orderIntents, (m) => this.writeOrderIntent(m));
    on(TOPICS.orders, (m) => this.writeOrder(m));
    on(TOPICS.fills, (m) => this.writeFill(m));
    on(TOPICS.positions, (m) => this.writePosition(m));
    on(TOPICS.accounts, (m) => this.writeAccount(m));
    on(TOPICS.riskStates, (m) => this.writeRiskState(m));
    on(TOPICS.alerts, (m) => this.writeAlert(m));
    on(TOPICS.deadLetters, (m) => this.writeDeadLetter(m));
    on(TOPICS.received, (m) => this.writeReceived(m));
    on(TOPICS.riskDecisions, (m) => this.writeDecision(m));
    on(TOPICS.alertDeliveries, (m) => this.writeAlertDelivery(m));
    on(TOPICS.audit, (m) => this.writeAudit(m));
  }

  /** Stops persisting the bus (rows already accepted are still committed). */
  detach(): void {
    for (const subscription of this.subscriptions.splice(0)) subscription.unsubscribe();
    this.bus = undefined;
    this.publishWatermark = undefined;
    this.publishRefusal = undefined;
  }

  /** Writes a message of a known kind (the `store` sink's entry point). */
  write(kind: DataType, message: unknown): void {
    this.safely((m) => this.writeKind(kind, m), message);
  }

  /**
   * Runs a write; anything it throws on a malformed message (a getter that throws, a value JSON
   * cannot hold) lands in `rejects` instead of reaching the publisher. Only writing to a closed
   * store still throws.
   */
  private safely<T>(write: (message: T) => void, message: T): void {
    try {
      write(message);
    } catch (error) {
      if (this.closed || (error instanceof StorageError && error.code === 'STORE_CLOSED')) throw error;
      this.reject('store', 'STORE_INVALID_ROW', `cannot store the message: ${describeError(error)}`, message);
    }
  }

  private writeKind(kind: DataType, message: unknown): void {
    switch (kind) {
      case 'tick':
        return this.writeTick(message as Tick);
      case 'bar':
        return this.writeBar(message as Bar);
      case 'features':
        return this.writeFeatures(message as Features);
      case 'signal':
        return this.writeSignal(message as Signal);
      case 'order-intent':
        return this.writeOrderIntent(message as OrderIntent);
      case 'order':
        return this.writeOrder(message as Order);
      case 'fill':
        return this.writeFill(message as Fill);
      case 'position':
        return this.writePosition(message as Position);
      case 'account':
        return this.writeAccount(message as AccountState);
      case 'risk-state':
        return this.writeRiskState(message as RiskState);
      case 'alert':
        return this.writeAlert(message as Alert);
      case 'dead-letter':
        return this.writeDeadLetter(message as DeadLetter);
    }
  }

  writeTick(tick: Tick): void {
    if (!this.acceptMarket(tick, 'tick', tick.price + tick.bid + tick.ask + tick.size, tick.size)) return;
    const symbolId = this.symbolId(tick.symbol);
    const sourceId = this.sourceId(tick.source);
    if (this.rejectTimeBackwards) {
      const series = (this.lastTickTs[sourceId] ??= []);
      const last = series[symbolId];
      if (last !== undefined && tick.ts < last) {
        this.reject(
          'store',
          'INPUT_TIME_BACKWARDS',
          `tick at ${tick.ts} is older than the previous ${last} of ${tick.symbol} from ${tick.source ?? ENGINE_SOURCE}`,
          tick,
        );
        return;
      }
      series[symbolId] = tick.ts;
    }
    const batch = this.opening();
    const buffer = batch.ticks;
    const row = buffer.addRow();
    const seq = this.tickSeq++;
    this.lastTyped = tick;
    this.lastTypedTable = 'ticks';
    this.lastTypedSeq = seq;
    // One typed array per call site: monomorphic stores, no per-value dispatch.
    const columns = buffer.columns;
    writeInt64(columns[TICK.seq] as Int32Array, row, seq);
    writeInt64(columns[TICK.ts] as Int32Array, row, tick.ts);
    (columns[TICK.symbolId] as Int32Array)[row] = symbolId;
    (columns[TICK.price] as Float64Array)[row] = tick.price;
    (columns[TICK.size] as Float64Array)[row] = tick.size;
    (columns[TICK.bid] as Float64Array)[row] = tick.bid;
    (columns[TICK.ask] as Float64Array)[row] = tick.ask;
    (columns[TICK.side] as Uint8Array)[row] =
      tick.side === 'buy' ? SIDE_CODES.buy : tick.side === 'sell' ? SIDE_CODES.sell : SIDE_CODES.unknown;
    (columns[TICK.sourceId] as Int32Array)[row] = sourceId;
    this.accepted(batch, 1);
  }

  writeBar(bar: Bar): void {
    const sum =
      bar.open + bar.high + bar.low + bar.close + bar.volume + bar.buyVolume + bar.sellVolume + bar.trades;
    if (!this.acceptMarket(bar, 'bar', sum, bar.volume)) return;
    if (!isTime(bar.end)) {
      this.reject('store', 'STORE_INVALID_ROW', 'bar end is not an integer time', bar);
      return;
    }
    const symbolId = this.symbolId(bar.symbol);
    const sourceId = this.sourceId(bar.source);
    if (this.rejectTimeBackwards) {
      const series = (this.lastBarTs[sourceId] ??= []);
      const last = series[symbolId];
      if (last !== undefined && bar.ts < last) {
        this.reject(
          'store',
          'INPUT_TIME_BACKWARDS',
          `bar at ${bar.ts} is older than the previous ${last} of ${bar.symbol} from ${bar.source ?? ENGINE_SOURCE}`,
          bar,
        );
        return;
      }
      series[symbolId] = bar.ts;
    }
    const batch = this.opening();
    const buffer = batch.bars;
    const row = buffer.addRow();
    const seq = this.seq('bars');
    this.typed(bar, 'bars', seq);
    buffer.setBigInt(BAR.seq, row, seq);
    buffer.setBigInt(BAR.ts, row, bar.ts);
    buffer.setBigInt(BAR.end, row, bar.end);
    buffer.setNumber(BAR.symbolId, row, symbolId);
    buffer.setNumber(BAR.open, row, bar.open);
    buffer.setNumber(BAR.high, row, bar.high);
    buffer.setNumber(BAR.low, row, bar.low);
    buffer.setNumber(BAR.close, row, bar.close);
    buffer.setNumber(BAR.volume, row, bar.volume);
    buffer.setNumber(BAR.buyVolume, row, bar.buyVolume);
    buffer.setNumber(BAR.sellVolume, row, bar.sellVolume);
    buffer.setNumber(BAR.trades, row, bar.trades);
    buffer.setNumber(BAR.sourceId, row, sourceId);
    this.accepted(batch, 1);
  }

  writeFeatures(features: Features): void {
    if (!this.acceptTime(features, 'features')) return;
    if (
      typeof features.symbol !== 'string' ||
      typeof features.values !== 'object' ||
      features.values === null
    ) {
      this.reject('store', 'STORE_INVALID_ROW', 'features need a symbol and an object of values', features);
      return;
    }
    const batch = this.opening();
    const buffer = batch.buffer('features');
    let count = 0;
    for (const name in features.values) {
      const value = features.values[name] as number;
      const seq = this.seq('features');
      if (count === 0) this.typed(features, 'features', seq);
      buffer.push([seq, features.ts, features.symbol, name, Number.isFinite(value) ? value : null]);
      count++;
    }
    this.accepted(batch, count);
  }

  writeSignal(signal: Signal): void {
    if (!this.acceptTime(signal, 'signal')) return;
    this.push(
      'signals',
      [
        signal.ts,
        signal.source,
        signal.symbol,
        signal.direction,
        signal.strength,
        signal.power,
        signal.confluence,
        signal.price,
        optional(signal.stop),
        signal.targets === undefined ? null : JSON.stringify(signal.targets),
        signal.metadata === undefined ? null : JSON.stringify(signal.metadata),
      ],
      signal,
    );
  }

  writeOrderIntent(intent: OrderIntent): void {
    if (!this.acceptTime(intent, 'order intent')) return;
    this.push(
      'orderIntents',
      [
        intent.ts,
        intent.id,
        intent.account,
        intent.symbol,
        intent.side,
        intent.quantity,
        intent.type,
        optional(intent.limitPrice),
        optional(intent.stopPrice),
        intent.timeInForce,
        optional(intent.stopLoss),
        optional(intent.takeProfit),
        optional(intent.signalTs),
        intent.reason,
      ],
      intent,
    );
  }

  writeOrder(order: Order): void {
    if (!this.acceptTime(order, 'order')) return;
    this.push(
      'orders',
      [
        order.ts,
        order.clientOrderId,
        optionalText(order.brokerOrderId),
        order.account,
        order.symbol,
        order.side,
        order.quantity,
        order.filledQuantity,
        optional(order.averageFillPrice),
        order.type,
        optional(order.limitPrice),
        optional(order.stopPrice),
        order.timeInForce,
        order.status,
        optionalText(order.reason),
      ],
      order,
    );
  }

  writeFill(fill: Fill): void {
    if (!this.acceptTime(fill, 'fill')) return;
    if (!(fill.quantity > 0) || !finite(fill.price) || !finite(fill.commission)) {
      this.reject(
        'store',
        'STORE_INVALID_ROW',
        'fill needs a positive quantity and finite price and commission',
        fill,
      );
      return;
    }
    this.push(
      'fills',
      [
        fill.ts,
        fill.fillId,
        fill.clientOrderId,
        fill.account,
        fill.symbol,
        fill.side,
        fill.quantity,
        fill.price,
        fill.commission,
      ],
      fill,
    );
  }

  writePosition(position: Position): void {
    if (!this.acceptTime(position, 'position')) return;
    this.push(
      'positions',
      [
        position.ts,
        position.account,
        position.symbol,
        position.quantity,
        position.averagePrice,
        position.unrealizedPnl,
        position.realizedPnl,
      ],
      position,
    );
  }

  writeAccount(account: AccountState): void {
    if (!this.acceptTime(account, 'account state')) return;
    this.push(
      'accounts',
      [
        account.ts,
        account.account,
        account.currency,
        account.balance,
        account.equity,
        account.realizedPnlToday,
        account.unrealizedPnl,
      ],
      account,
    );
  }

  writeRiskState(risk: RiskState): void {
    if (!this.acceptTime(risk, 'risk state')) return;
    this.push(
      'riskStates',
      [risk.ts, risk.account, risk.state, JSON.stringify(risk.reasons), risk.health],
      risk,
    );
  }

  writeAlert(alert: Alert): void {
    if (!this.acceptTime(alert, 'alert')) return;
    this.push(
      'alerts',
      [
        alert.ts,
        alert.severity,
        alert.code,
        alert.message,
        optionalText(alert.account),
        optionalText(alert.symbol),
      ],
      alert,
    );
  }

  writeAlertDelivery(delivery: AlertDelivery): void {
    if (!this.acceptTime(delivery, 'alert delivery')) return;
    this.push(
      'alertDeliveries',
      [
        delivery.ts,
        delivery.alertId,
        delivery.alertTs,
        delivery.code,
        delivery.severity,
        delivery.rule,
        delivery.channel,
        delivery.attempt,
        delivery.status,
        optional(delivery.httpStatus),
        optionalText(delivery.error),
      ],
      delivery,
    );
  }

  writeDecision(decision: RiskDecision): void {
    if (!this.acceptTime(decision, 'decision')) return;
    this.push('decisions', decisionRow(decision), decision);
  }

  writeAudit(entry: AuditEntry): void {
    if (!this.acceptTime(entry, 'audit entry')) return;
    this.push('audit', auditRow(entry), entry);
  }

  /** A dead letter from the bus becomes a `rejects` row with the raw message and the reason. */
  writeDeadLetter(letter: DeadLetter): void {
    const ts = isTime(letter.ts) ? letter.ts : this.clock.now();
    this.rejectCount++;
    this.push('rejects', [
      ts,
      String(letter.origin),
      String(letter.code),
      String(letter.reason),
      payloadText(letter.message),
    ]);
  }

  /** An edge envelope; its seq counts toward the source's watermark once committed. */
  writeReceived(received: Received): void {
    if (typeof received.source !== 'string' || !Number.isSafeInteger(received.seq) || received.seq < 1) {
      this.reject(
        'store',
        'STORE_INVALID_ROW',
        'received envelope needs a source and a positive integer seq',
        received,
      );
      return;
    }
    if (!this.watermarks.accept(received.source, received.seq)) {
      this.duplicates++;
      return;
    }
    const batch = this.opening();
    const alreadyStored = received.message !== undefined && received.message === this.lastTyped;
    // Accepted at the edge but refused here: the history says so, and the sender is told.
    const refused = !alreadyStored && received.message !== undefined && received.message === this.lastRefused;
    if (refused) {
      this.lastRefused = undefined;
      this.publishRefusal?.({
        source: received.source,
        seq: received.seq,
        type: String(received.type),
        code: this.lastRefusedCode,
        reason: this.lastRefusedReason,
      });
    }
    batch.buffer('received').push([
      this.seq('received'),
      this.clock.now(),
      received.source,
      received.seq,
      refused ? 'refused' : String(received.type),
      alreadyStored
        ? null
        : refused
          ? payloadText({
              code: this.lastRefusedCode,
              reason: this.lastRefusedReason,
              type: received.type,
              message: received.message,
            })
          : payloadText(received.message),
      alreadyStored ? this.lastTypedTable : null,
      alreadyStored ? this.lastTypedSeq : null,
    ]);
    let seqs = batch.received.get(received.source);
    if (!seqs) {
      seqs = [];
      batch.received.set(received.source, seqs);
    }
    seqs.push(received.seq);
    this.accepted(batch, 1);
  }

  /** Keeps a message the store cannot write as such, with the reason, in `rejects`. */
  reject(origin: string, code: ErrorCode, reason: string, message: unknown): void {
    this.rejectCount++;
    this.lastRefused = message;
    this.lastRefusedCode = code;
    this.lastRefusedReason = reason;
    this.push('rejects', [this.clock.now(), origin, code, reason, payloadText(message)]);
  }

  /** The current watermark of an edge source (0 when nothing of it is stored). */
  watermark(source: string): number {
    return this.watermarks.get(source);
  }

  /** The highest seq of an edge source taken in, committed or not (0 when none). */
  acceptedSeq(source: string): number {
    return this.watermarks.accepted(source);
  }

  /** False while the queue is above the high-water mark: producers that can wait should. */
  get writable(): boolean {
    return !this.backpressured;
  }

  /** Whether the store can write now; `ok: false` with the reason while its commits fail. */
  get health(): StoreHealth {
    const failing = this.failing;
    return failing === undefined
      ? { ts: this.clock.now(), ok: true }
      : { ts: this.clock.now(), ok: false, code: 'STORE_UNAVAILABLE', reason: failing.reason };
  }

  /** Resolves when the queue is below half the high-water mark again (at once if it is). */
  whenWritable(): Promise<void> {
    if (!this.backpressured) return Promise.resolve();
    return new Promise((resolve) => this.writableWaiters.push(resolve));
  }

  get stats(): StoreStats {
    return {
      rowsAccepted: this.rowsAccepted,
      rowsCommitted: this.rowsCommitted,
      batchesCommitted: this.batchesCommitted,
      queueDepth: this.current.rowCount + this.inFlightRows,
      highWaterMark: this.highWaterMark,
      backpressureEvents: this.backpressureEvents,
      backpressured: this.backpressured,
      rejects: this.rejectCount,
      duplicates: this.duplicates,
      commitErrors: this.commitErrors,
      checkpoints: this.checkpoints,
      commitMillis: this.commitLatency.summary(),
      ackMillis: this.ackLatency.summary(),
    };
  }

  /**
   * Commits everything accepted so far; resolves once it is durable. While the store cannot
   * write it waits up to `unavailableGraceMs` for it to recover, then fails with
   * STORE_UNAVAILABLE (the rows stay queued and are still retried).
   */
  async flush(): Promise<void> {
    if (this.failure) throw this.failure;
    this.requestCommit();
    if (!(await this.commitsSettle())) throw this.unavailable('not yet stored');
    if (this.failure) throw this.failure;
  }

  /**
   * Waits for every batch sealed so far to commit: true once they have, false once the store has
   * been unable to write for `unavailableGraceMs` of this wait (a slow but healthy store is
   * waited for as long as it takes).
   */
  private async commitsSettle(): Promise<boolean> {
    const done = this.lastCommit.then(() => true);
    const started = performance.now();
    for (;;) {
      const failing = this.failing;
      const waitMs = failing
        ? Math.max(0, Math.max(started, failing.since) + this.unavailableGraceMs - performance.now())
        : this.unavailableGraceMs;
      let timer: NodeJS.Timeout | undefined;
      const expired = new Promise<false>((resolve) => {
        timer = setTimeout(() => resolve(false), waitMs);
      });
      const settled = await Promise.race([done, expired]);
      clearTimeout(timer);
      if (settled) return true;
      const still = this.failing;
      if (still && performance.now() - Math.max(started, still.since) >= this.unavailableGraceMs)
        return false;
    }
  }

  private unavailable(what: string): StorageError {
    const rows = this.current.rowCount + this.inFlightRows;
    return new StorageError(
      'STORE_UNAVAILABLE',
      `${String(rows)} rows ${what}: ${this.failing?.reason ?? 'the store cannot write'}`,
    );
  }

  /** Stops listening, commits what is queued, checkpoints the WAL into the file and closes. */
  close(): Promise<void> {
    this.closePromise ??= this.closeOnce();
    return this.closePromise;
  }

  /**
   * While the store cannot write, close waits `unavailableGraceMs` for it to recover, then gives
   * up the rows it holds (one last attempt each) and fails with STORE_UNAVAILABLE, naming how many.
   */
  private async closeOnce(): Promise<void> {
    this.closing = true;
    this.detach();
    try {
      if (this.failure) throw this.failure;
      this.requestCommit();
      if (!(await this.commitsSettle())) {
        const cause = this.failing?.cause ?? 'the store cannot write';
        await this.writer.abandon().catch(() => undefined);
        await this.lastCommit;
        if (this.failure) {
          this.failure = new StorageError(
            'STORE_UNAVAILABLE',
            `shut down with ${String(this.rowsNotStored)} rows not stored (none of them acknowledged): ${cause} ('${this.path}')`,
            { cause: this.failure },
          );
        }
      }
      if (this.failure) throw this.failure;
    } finally {
      this.closed = true;
      if (this.timer) clearTimeout(this.timer);
      this.timer = undefined;
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
      for (const resolve of this.writableWaiters.splice(0)) resolve();
      // Checkpoints the WAL into the file, then ends the writer thread. After rows were given
      // up the checkpoint may fail too (the disk is still full): the failure above says more.
      if (this.failure) await this.writer.close().catch(() => undefined);
      else await this.writer.close();
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new StorageError('STORE_CLOSED', `the store '${this.path}' is closed`);
  }

  private seq(key: TableKey): number {
    const seq = this.nextSeq.get(key) ?? 1;
    this.nextSeq.set(key, seq + 1);
    return seq;
  }

  private symbolId(symbol: string): number {
    if (symbol === this.lastSymbol) return this.lastSymbolId;
    let id = this.symbolIds.get(symbol);
    if (id === undefined) {
      id = this.symbolIds.size + 1;
      this.symbolIds.set(symbol, id);
      this.opening().newSymbols.push([id, symbol]);
    }
    this.lastSymbol = symbol;
    this.lastSymbolId = id;
    return id;
  }

  /** The id of a market source, registered in `sources` the first time it is seen. */
  private sourceId(source: string | undefined): number {
    if (source === this.lastSource) return this.lastSourceId;
    // A pipeline's own step may have set anything: a source that is not text is kept as text.
    const name = source === undefined ? ENGINE_SOURCE : String(source);
    let id = this.sourceIds.get(name);
    if (id === undefined) {
      id = this.seq('sources');
      this.sourceIds.set(name, id);
      const batch = this.opening();
      batch.buffer('sources').push([id, this.clock.now(), name]);
      this.accepted(batch, 1);
    }
    this.lastSource = source;
    this.lastSourceId = id;
    return id;
  }

  private acceptTime(message: { readonly ts: number }, what: string): boolean {
    if (isTime(message.ts)) return true;
    this.reject('store', 'STORE_INVALID_ROW', `${what} ts is not an integer epoch-microsecond time`, message);
    return false;
  }

  private acceptMarket(
    message: { readonly ts: number; readonly symbol: string },
    what: string,
    /** Sum of the message's numbers: finite exactly when each of them is (NaN and ±Infinity propagate). */
    sum: number,
    size: number,
  ): boolean {
    if (!this.acceptTime(message, what)) return false;
    if (typeof message.symbol !== 'string' || message.symbol.length === 0) {
      this.reject('store', 'STORE_INVALID_ROW', `${what} has no symbol`, message);
      return false;
    }
    if (!finite(sum)) {
      this.reject(
        'store',
        'INPUT_NOT_FINITE',
        `${what} has a NaN or infinite value, or values too large to add up`,
        message,
      );
      return false;
    }
    if (size < 0) {
      this.reject('store', 'INPUT_NEGATIVE_SIZE', `${what} has a negative size`, message);
      return false;
    }
    return true;
  }

  private typed(message: unknown, table: string, seq: number): void {
    this.lastTyped = message;
    this.lastTypedTable = table;
    this.lastTypedSeq = seq;
  }

  private push(key: TableKey, values: RowValues, message?: unknown): void {
    const problem = invalidColumn(TABLES[key], values);
    if (problem !== undefined) {
      if (key === 'rejects') throw new StorageError('STORE_INVALID_ROW', `cannot keep a reject: ${problem}`);
      this.reject('store', 'STORE_INVALID_ROW', `${TABLES[key].name}: ${problem}`, message ?? values);
      return;
    }
    const batch = this.opening();
    const seq = this.seq(key);
    if (message !== undefined) this.typed(message, TABLES[key].name, seq);
    values.unshift(seq);
    batch.buffer(key).push(values);
    this.accepted(batch, 1);
  }

  /** The batch rows go into; starts the commit timer when it was empty. */
  private opening(): Batch {
    if (this.closed) throw new StorageError('STORE_CLOSED', `the store '${this.path}' is closed`);
    const batch = this.current;
    if (batch.rowCount === 0 && batch.openedAt === 0) {
      batch.openedAt = performance.now();
      if (!this.timer) this.startTimer();
    }
    return batch;
  }

  private accepted(batch: Batch, rows: number): void {
    batch.rowCount += rows;
    this.rowsAccepted += rows;
    if (batch.rowCount >= this.batchRows) this.requestCommit();
    if (!this.backpressured && batch.rowCount + this.inFlightRows >= this.highWaterMark) {
      this.backpressured = true;
      this.backpressureEvents++;
      this.requestCommit();
      this.bus?.publish(TOPICS.alerts, {
        ts: this.clock.now(),
        severity: 'warning',
        code: 'STORE_BACKPRESSURE',
        message: `store queue at ${batch.rowCount + this.inFlightRows} rows (high-water mark ${this.highWaterMark})`,
      });
    }
  }

  private startTimer(): void {
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.requestCommit();
    }, this.flushIntervalMs);
    this.timer.unref();
  }

  /**
   * Seals the open batch and hands it to the writer thread at once, even while earlier batches
   * are still committing: the writer commits them in order, several in one transaction when they
   * queue up, so a busy engine pays for fewer, larger commits instead of waiting for each.
   */
  private requestCommit(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const batch = this.current;
    if (this.failure || (batch.rowCount === 0 && batch.newSymbols.length === 0)) return;
    const sealed = batch.seal();
    const sealedAt = performance.now();
    this.inFlightRows += sealed.rows;
    this.commitsInFlight++;
    const previous = this.lastCommit;
    const commit = this.writer.commit(sealed.batch, sealed.transfer);
    this.lastCommit = commit.then(
      async () => {
        await previous; // watermarks move in commit order
        this.committed(sealed, sealedAt);
      },
      async (cause: unknown) => {
        await previous;
        this.commitsInFlight--;
        this.rowsNotStored += sealed.rows;
        this.failure ??= new StorageError(
          'STORE_COMMIT_FAILED',
          `commit of ${sealed.rows} rows failed: ${describeError(cause)}`,
          { cause },
        );
      },
    );
  }

  private committed(sealed: Sealed, sealedAt: number): void {
    const now = performance.now();
    this.commitsInFlight--;
    this.inFlightRows -= sealed.rows;
    this.commitLatency.record(now - sealedAt);
    this.ackLatency.record(now - sealed.openedAt);
    this.rowsCommitted += sealed.rows;
    this.batchesCommitted++;
    this.dirty = true;
    for (const watermark of this.watermarks.commit(sealed.received)) this.publishWatermark?.(watermark);
    this.releaseBackpressure();
    if (this.commitsInFlight === 0 && !this.closing) {
      if (this.idleTimer) clearTimeout(this.idleTimer);
      this.idleTimer = setTimeout(() => this.checkpointIfIdle(), this.idleCheckpointMs);
      this.idleTimer.unref();
    }
  }

  /** Folds the WAL into the file while nothing waits, so no commit has to do it under load. */
  private checkpointIfIdle(): void {
    this.idleTimer = undefined;
    if (this.commitsInFlight > 0 || this.current.rowCount > 0) return;
    if (this.closed || this.closing || this.failure || this.failing || !this.dirty) return;
    this.dirty = false;
    this.writer.checkpoint().then(
      () => this.checkpoints++,
      // A failed checkpoint leaves the WAL as it is: DuckDB retries it at the next one.
      () => (this.dirty = true),
    );
  }

  private releaseBackpressure(): void {
    if (this.backpressured && this.current.rowCount + this.inFlightRows <= this.highWaterMark / 2) {
      this.backpressured = false;
      for (const resolve of this.writableWaiters.splice(0)) resolve();
    }
  }

  /**
   * The writer thread reports each failed attempt at a commit (it retries until it goes
   * through). The first one makes the store unavailable: a `store.health` message and a
   * critical alert; acks wait, since watermarks move only after a real commit.
   */
  private commitFailed(attempt: number, retryMs: number, message: string): void {
    this.commitErrors++;
    if (this.failing) return;
    const cause = storageTrouble(message);
    const reason = `${cause}: nothing is acknowledged until the store can write again`;
    this.failing = { since: performance.now(), cause, reason };
    const ts = this.clock.now();
    this.bus?.publish(TOPICS.storeHealth, { ts, ok: false, code: 'STORE_UNAVAILABLE', reason });
    this.bus?.publish(TOPICS.alerts, {
      ts,
      severity: 'critical',
      code: 'STORE_UNAVAILABLE',
      message: `the store cannot write '${this.path}': ${cause} (commit attempt ${String(attempt)}: ${message}); it keeps the ${String(this.current.rowCount + this.inFlightRows)} rows it holds and retries (next in ${String(retryMs)} ms); nothing new is acknowledged until it writes again`,
    });
  }

  /** A failed commit went through: the store writes again. */
  private commitRecovered(attempts: number): void {
    const failing = this.failing;
    if (!failing) return;
    this.failing = undefined;
    const ts = this.clock.now();
    const seconds = ((performance.now() - failing.since) / 1000).toFixed(1);
    this.bus?.publish(TOPICS.storeHealth, { ts, ok: true });
    this.bus?.publish(TOPICS.alerts, {
      ts,
      severity: 'info',
      code: 'STORE_UNAVAILABLE',
      message: `the store writes again after ${seconds} s (${String(attempts)} commit attempts); nothing was lost`,
    });
  }
}
