import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { DuckDBInstance } from '@duckdb/node-api';
import { Observable } from 'rxjs';
import { OperatorError, describeError } from '../../core/errors.js';
import type { AggressorSide, Bar, Signal, Tick } from '../../core/events.js';
import type { DataType } from '../../pipeline/data-types.js';
import { defineOperator, type RunContext } from '../../pipeline/operator.js';

/** Recorded ticks in the order they were stored. */
export const DEFAULT_REPLAY_QUERY =
  'SELECT ts, symbol, price, size, bid, ask, side FROM ticks_v ORDER BY ts, seq';
export const DEFAULT_BAR_REPLAY_QUERY =
  'SELECT ts, end_ts, symbol, open, high, low, close, volume, buy_volume, sell_volume, trades FROM bars_v ORDER BY ts, seq';
export const DEFAULT_SIGNAL_REPLAY_QUERY =
  'SELECT ts, source, symbol, direction, strength, power, confluence, price, stop, targets, metadata FROM signals ORDER BY ts, seq';

const SIDES: ReadonlySet<string> = new Set(['buy', 'sell', 'unknown']);

/** A block of result rows, column by column. */
interface Block {
  readonly names: readonly string[];
  readonly rowCount: number;
  readonly columns: readonly (readonly unknown[])[];
}

/** Rows of a query, block by block; ending the iteration early ends the query. */
type Reader = (sql: string) => AsyncIterable<Block>;

/**
 * Reads the run's own store through its writer thread (one process holds a database file once),
 * or any other database file read-only.
 */
async function openReader(
  path: string | undefined,
  context: RunContext,
): Promise<{ read: Reader; release: () => void }> {
  const store = context.store;
  if (path === undefined && store) return { read: (sql) => store.read(sql), release: () => undefined };
  const file =
    path === undefined ? resolve(context.dataDir, 'enigma.duckdb') : resolve(context.baseDir, path);
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  return {
    read: async function* (sql) {
      const result = await connection.stream(sql);
      const names = result.columnNames();
      for (;;) {
        const chunk = await result.fetchChunk();
        if (!chunk || chunk.rowCount === 0) return;
        yield { names, rowCount: chunk.rowCount, columns: chunk.getColumns() };
      }
    },
    release: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function countRows(read: Reader, query: string): Promise<number> {
  for await (const block of read(`SELECT count(*) FROM (${query})`))
    return Number(block.columns[0]?.[0] ?? 0);
  return 0;
}

/** Reads column `name` of a result chunk's row. */
type Cell = (name: string) => unknown;

const number = (value: unknown): number => Number(value);
const optionalNumber = (value: unknown): number | undefined =>
  value === null || value === undefined ? undefined : Number(value);
const json = (value: unknown): unknown => (typeof value === 'string' ? JSON.parse(value) : undefined);

interface ReplaySpec<T extends { readonly ts: number }> {
  readonly name: string;
  readonly summary: string;
  readonly output: DataType;
  readonly defaultQuery: string;
  readonly columns: readonly string[];
  readonly toMessage: (cell: Cell) => T;
}

function replaySource<T extends { readonly ts: number }>(spec: ReplaySpec<T>) {
  return defineOperator({
    kind: 'source',
    name: spec.name,
    summary: spec.summary,
    output: spec.output,
    params: Type.Object(
      {
        query: Type.Optional(Type.String({ minLength: 1, default: spec.defaultQuery })),
        path: Type.Optional(
          Type.String({ minLength: 1, description: 'Database file, relative to the pipeline file.' }),
        ),
        speed: Type.Optional(Type.Number({ minimum: 0, default: 0 })),
      },
      { additionalProperties: false },
    ),
    create: (params, context) =>
      new Observable<T>((subscriber) => {
        let stopped = false;
        const run = async (): Promise<void> => {
          const reader = await openReader(params.path, context);
          try {
            const query = params.query ?? spec.defaultQuery;
            const total = context.progress ? await countRows(reader.read, query) : 0;
            const speed = params.speed ?? 0;
            let firstTs: number | undefined;
            const startedAt = performance.now();
            let done = 0;
            let checked = false;
            for await (const block of reader.read(query)) {
              if (!checked) {
                for (const name of spec.columns) {
                  if (!block.names.includes(name))
                    throw new Error(`the replay query returns no '${name}' column`);
                }
                checked = true;
              }
              if (stopped) break;
              const columns = new Map(block.names.map((name, i) => [name, block.columns[i] as unknown[]]));
              let row = 0;
              const cell: Cell = (name) => columns.get(name)?.[row];
              for (; row < block.rowCount && !stopped; row++) {
                const message = spec.toMessage(cell);
                if (speed > 0) {
                  firstTs ??= message.ts;
                  const wait = startedAt + (message.ts - firstTs) / 1000 / speed - performance.now();
                  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
                }
                subscriber.next(message);
              }
              done += block.rowCount;
              context.progress?.(done, total);
              // Backpressure: when the run's store is above its high-water mark, wait for it to drain.
              if (context.store && !context.store.writable) await context.store.whenWritable();
            }
          } finally {
            reader.release();
          }
        };
        run().then(
          () => subscriber.complete(),
          (error: unknown) =>
            subscriber.error(
              new OperatorError('SOURCE_FAILED', context.stepId, `${spec.name}: ${describeError(error)}`, {
                cause: error,
              }),
            ),
        );
        return () => {
          stopped = true;
        };
      }),
  });
}

/**
 * Replays stored ticks from DuckDB through a pipeline, deterministically, in recorded order.
 *
 * 1. The query must return `ts, symbol, price, size, bid, ask, side`; the default is every tick
 *    in `ticks_v` ordered by `ts`, then store order (`seq`).
 * 2. With `speed` 0 (the default) ticks are emitted as fast as the pipeline takes them; with
 *    `speed` n > 0 they are paced at n × the recorded pace.
 * 3. The database is the run's store when there is one and no `path` is given, else `path`
 *    (default `<dataDir>/enigma.duckdb`) opened read-only. A failing query ends the run with
 *    SOURCE_FAILED. Progress (rows done / total) is reported after each chunk of 2,048.
 * 4. Before each chunk it waits while the run's store is above its high-water mark, so a fast
 *    replay that also stores what it computes never outruns the writer.
 *
 * @example
 * - id: market
 *   op: duckdbReplay
 *   params: { query: "SELECT * FROM ticks_v WHERE symbol = 'ES 12-26' ORDER BY ts, seq" }
 */
export const duckdbReplay = replaySource<Tick>({
  name: 'duckdbReplay',
  summary: 'Ticks recorded in the DuckDB store, replayed in recorded order (optionally paced).',
  output: 'tick',
  defaultQuery: DEFAULT_REPLAY_QUERY,
  columns: ['ts', 'symbol', 'price', 'size', 'bid', 'ask', 'side'],
  toMessage: (cell) => {
    const side = String(cell('side'));
    return {
      symbol: String(cell('symbol')),
      ts: number(cell('ts')),
      price: number(cell('price')),
      size: number(cell('size')),
      bid: number(cell('bid')),
      ask: number(cell('ask')),
      side: (SIDES.has(side) ? side : 'unknown') as AggressorSide,
    };
  },
});

/**
 * Replays stored bars from DuckDB in recorded order (same rules as `duckdbReplay`).
 *
 * 1. The query must return `ts, end_ts, symbol, open, high, low, close, volume, buy_volume,
 *    sell_volume, trades`; the default is every bar in `bars_v` by `ts`, then `seq`.
 *
 * @example
 * - id: bars
 *   op: duckdbReplayBars
 *   params: { query: "SELECT * FROM bars_v WHERE symbol = 'NQ 12-26' ORDER BY ts, seq" }
 */
export const duckdbReplayBars = replaySource<Bar>({
  name: 'duckdbReplayBars',
  summary: 'Bars recorded in the DuckDB store, replayed in recorded order (optionally paced).',
  output: 'bar',
  defaultQuery: DEFAULT_BAR_REPLAY_QUERY,
  columns: [
    'ts',
    'end_ts',
    'symbol',
    'open',
    'high',
    'low',
    'close',
    'volume',
    'buy_volume',
    'sell_volume',
    'trades',
  ],
  toMessage: (cell) => ({
    symbol: String(cell('symbol')),
    ts: number(cell('ts')),
    end: number(cell('end_ts')),
    open: number(cell('open')),
    high: number(cell('high')),
    low: number(cell('low')),
    close: number(cell('close')),
    volume: number(cell('volume')),
    buyVolume: number(cell('buy_volume')),
    sellVolume: number(cell('sell_volume')),
    trades: number(cell('trades')),
  }),
});

/**
 * Replays stored signals from DuckDB in recorded order (same rules as `duckdbReplay`), e.g. to
 * re-run sizing and risk over the signals of a past session.
 *
 * 1. The query must return `ts, source, symbol, direction, strength, power, confluence, price,
 *    stop, targets, metadata`; the default is every signal by `ts`, then `seq`.
 *
 * @example
 * - id: signals
 *   op: duckdbReplaySignals
 *   params: { query: "SELECT * FROM signals WHERE source = 'enigma' ORDER BY ts, seq" }
 */
export const duckdbReplaySignals = replaySource<Signal>({
  name: 'duckdbReplaySignals',
  summary: 'Signals recorded in the DuckDB store, replayed in recorded order (optionally paced).',
  output: 'signal',
  defaultQuery: DEFAULT_SIGNAL_REPLAY_QUERY,
  columns: [
    'ts',
    'source',
    'symbol',
    'direction',
    'strength',
    'power',
    'confluence',
    'price',
    'stop',
    'targets',
    'metadata',
  ],
  toMessage: (cell) => {
    const stop = optionalNumber(cell('stop'));
    const targets = json(cell('targets')) as number[] | undefined;
    const metadata = json(cell('metadata')) as Signal['metadata'];
    return {
      source: String(cell('source')),
      symbol: String(cell('symbol')),
      ts: number(cell('ts')),
      direction: String(cell('direction')) as Signal['direction'],
      strength: String(cell('strength')) as Signal['strength'],
      power: number(cell('power')),
      confluence: number(cell('confluence')) as Signal['confluence'],
      price: number(cell('price')),
      ...(stop !== undefined && { stop }),
      ...(targets !== undefined && { targets }),
      ...(metadata !== undefined && { metadata }),
    };
  },
});
