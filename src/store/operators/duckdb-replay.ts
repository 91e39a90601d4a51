import { resolve } from 'node:path';
import { Type } from '@sinclair/typebox';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
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

interface Opened {
  readonly connection: DuckDBConnection;
  readonly release: () => void;
}

async function openConnection(path: string | undefined, context: RunContext): Promise<Opened> {
  if (path === undefined && context.store) {
    const connection = await context.store.connect();
    return { connection, release: () => connection.closeSync() };
  }
  const file =
    path === undefined ? resolve(context.dataDir, 'enigma.duckdb') : resolve(context.baseDir, path);
  const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
  const connection = await instance.connect();
  return {
    connection,
    release: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
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
          const opened = await openConnection(params.path, context);
          try {
            const query = params.query ?? spec.defaultQuery;
            const total = context.progress
              ? Number(
                  (
                    await opened.connection.runAndReadAll(`SELECT count(*) FROM (${query})`)
                  ).getRows()[0]?.[0] ?? 0,
                )
              : 0;
            const result = await opened.connection.stream(query);
            const names = result.columnNames();
            for (const name of spec.columns) {
              if (!names.includes(name)) throw new Error(`the replay query returns no '${name}' column`);
            }
            const speed = params.speed ?? 0;
            let firstTs: number | undefined;
            const startedAt = performance.now();
            let done = 0;
            for (;;) {
              // Backpressure: when the run's store is above its high-water mark, wait for it to drain.
              if (context.store && !context.store.writable) await context.store.whenWritable();
              const chunk = await result.fetchChunk();
              if (!chunk || chunk.rowCount === 0 || stopped) break;
              const columns = new Map(names.map((name, i) => [name, chunk.getColumnValues(i) as unknown[]]));
              let row = 0;
              const cell: Cell = (name) => columns.get(name)?.[row];
              for (; row < chunk.rowCount && !stopped; row++) {
                const message = spec.toMessage(cell);
                if (speed > 0) {
                  firstTs ??= message.ts;
                  const wait = startedAt + (message.ts - firstTs) / 1000 / speed - performance.now();
                  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
                }
                subscriber.next(message);
              }
              done += chunk.rowCount;
              context.progress?.(done, total);
            }
          } finally {
            opened.release();
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
