import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DuckDBInstance, type DuckDBConnection, type DuckDBResult } from '@duckdb/node-api';
import type { SealedBatch } from './batch.js';
import { describeError } from '../core/errors.js';
import { appendColumns, appendRows } from './chunk-append.js';
import { migrate } from './migrations.js';
import type { SealedRows } from './row-buffer.js';
import { TABLES, type TableKey } from './schema.js';

/** What a new writer continues from, read from the database at open. */
export interface StoredState {
  /** Next `seq` of every table. */
  readonly nextSeq: Readonly<Record<TableKey, number>>;
  readonly symbols: readonly (readonly [number, string])[];
  /** Market sources by id (`sources.seq`). */
  readonly sources: readonly (readonly [number, string])[];
  /** Per edge source whose seqs start at 1, the highest contiguous stored seq. */
  readonly watermarks: readonly (readonly [string, number])[];
}

/** A block of query results, column by column: numbers, bigints, strings, booleans, null. */
/** A value bound to a session query's `$n` (what crosses to the writer thread as it is). */
export type SessionValue = string | number | bigint | boolean | null;

/** The result of a session query: column names and each column's values. */
export interface SessionResult {
  readonly names: string[];
  readonly columns: unknown[][];
}

export interface ResultChunk {
  readonly rowCount: number;
  readonly columns: unknown[][];
}

/** Where opening the database failed: the file itself, or preparing its schema. */
export class OpenError extends Error {
  constructor(
    readonly stage: 'open' | 'migrate',
    message: string,
  ) {
    super(message);
  }
}

/**
 * The only code that writes the database: it lives in the store's writer thread (see
 * writer-thread.ts), because DuckDB's appender flush is synchronous and would stall the engine's
 * event loop for milliseconds per batch. Readers of the live database go through it too, on
 * connections of their own: one process may hold a database file only once.
 */
export class DatabaseWriter {
  private readonly streams = new Map<number, { connection: DuckDBConnection; result: DuckDBResult }>();
  private nextStreamId = 1;
  /** Connections kept for several queries (a report's temp tables and settings hold between them). */
  private readonly sessions = new Map<number, DuckDBConnection>();
  private memoryConnection: DuckDBConnection | undefined;

  private constructor(
    private instance: DuckDBInstance,
    private connection: DuckDBConnection,
  ) {}

  /** The file and settings it was opened with, to open it again (`reopenIfInvalidated`). */
  private location: { path: string; settings: Readonly<Record<string, string>> } | undefined;
  /**
   * DuckDB invalidated the database after a fatal error (a checkpoint that could not write the
   * file: a full disk). It refuses every statement until restarted, so the next write reopens it.
   */
  private invalidated = false;
  /** The handles are closed (by `close`, or by a reopen that has not succeeded yet). */
  private handlesClosed = false;

  /** Opens (or creates) the database, migrates it and reads the state a writer continues from. */
  static async open(
    path: string,
    settings: Readonly<Record<string, string>>,
    now: number,
  ): Promise<{ writer: DatabaseWriter; state: StoredState }> {
    let writer: DatabaseWriter;
    // `memory_limit` bounds the running store. The restore below reads all of `received`, faster
    // unbounded (10 M rows: 10–12 s, against 13–22 s at 64 MB), so the limit is set after it.
    const { memory_limit: memoryLimit, ...atOpen } = settings;
    try {
      // Stryker disable next-line ConditionalExpression,StringLiteral: for ':memory:' (the only path the check skips) dirname is '.', the working folder, which exists, and mkdirSync with recursive does nothing for a folder that exists; the never-creating variant, excluded with them, fails "creates the folders of a path that does not exist yet" in test/store/database-writer-restore.test.ts
      if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
      const instance = await DuckDBInstance.create(path, atOpen);
      writer = new DatabaseWriter(instance, await instance.connect());
      writer.location = { path, settings };
    } catch (error) {
      throw new OpenError('open', describeError(error));
    }
    let state: StoredState;
    try {
      await migrate(writer.connection, () => now);
      state = await writer.readState();
    } catch (error) {
      writer.closeHandles();
      throw new OpenError('migrate', describeError(error));
    }
    try {
      if (memoryLimit !== undefined)
        await writer.connection.run(`SET memory_limit = '${memoryLimit.replaceAll("'", "''")}'`);
    } catch (error) {
      writer.closeHandles();
      throw new OpenError('open', describeError(error));
    }
    return { writer, state };
  }

  private async readState(): Promise<StoredState> {
    const nextSeq = {} as Record<TableKey, number>;
    for (const key of Object.keys(TABLES) as TableKey[]) {
      const reader = await this.connection.runAndReadAll(
        `SELECT coalesce(max(seq), 0) FROM ${TABLES[key].name}`,
      );
      nextSeq[key] = Number(reader.getRows()[0]?.[0] ?? 0) + 1;
    }
    const symbols = (await this.connection.runAndReadAll('SELECT id, symbol FROM symbols'))
      .getRows()
      .map(([id, symbol]) => [Number(id), String(symbol)] as const);
    const sources = (await this.connection.runAndReadAll('SELECT seq, source FROM sources'))
      .getRows()
      .map(([id, source]) => [Number(id), String(source)] as const);
    const watermarks = (
      await this.connection.runAndReadAll(
        `SELECT source, min(source_seq) FILTER (WHERE next_seq IS NULL OR next_seq <> source_seq + 1) AS watermark,
                min(source_seq) AS first
           FROM (SELECT source, source_seq, lead(source_seq) OVER (PARTITION BY source ORDER BY source_seq) AS next_seq
                   FROM (SELECT DISTINCT source, source_seq FROM received))
          GROUP BY source`,
      )
    )
      .getRows()
      .filter(([, , first]) => Number(first) === 1)
      .map(([source, watermark]) => [String(source), Number(watermark)] as const);
    return { nextSeq, symbols, sources, watermarks };
  }

  /**
   * One transaction for the batches given (one, or several that queued up while the previous
   * commit ran): every table's rows through one appender, then COMMIT. All or nothing.
   */
  async commit(batches: readonly SealedBatch[]): Promise<void> {
    await this.reopenIfInvalidated();
    const connection = this.connection;
    await this.watch(connection.run('BEGIN TRANSACTION'));
    try {
      const symbols = batches.flatMap((batch) => batch.newSymbols);
      if (symbols.length > 0) {
        const appender = await connection.createAppender('symbols');
        for (const [id, symbol] of symbols) {
          appender.appendInteger(id);
          appender.appendVarchar(symbol);
          appender.endRow();
        }
        appender.closeSync();
      }
      for (const key of ['ticks', 'bars'] as const) {
        const parts = batches.map((batch) => batch[key]).filter((sealed) => sealed.length > 0);
        if (parts.length === 0) continue;
        const appender = await connection.createAppender(TABLES[key].name);
        for (const sealed of parts) appendColumns(appender, TABLES[key], sealed);
        appender.closeSync();
      }
      const rows = new Map<TableKey, SealedRows[]>();
      for (const batch of batches) {
        for (const [key, sealed] of batch.rows) rows.set(key, [...(rows.get(key) ?? []), sealed]);
      }
      for (const [key, parts] of rows) {
        const appender = await connection.createAppender(TABLES[key].name);
        for (const sealed of parts) appendRows(appender, TABLES[key], sealed);
        appender.closeSync();
      }
      await connection.run('COMMIT');
    } catch (error) {
      this.noteFatal(error);
      // A failed COMMIT has already rolled back (DuckDB then has no transaction to roll back).
      await connection.run('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }

  /**
   * Whether a group of batches is already in the database: after a COMMIT reported an error, a
   * retry must not append its rows twice. The group is one transaction, so one row tells: the
   * first row of its first non-empty table, by `seq` (the store numbers every row of a table).
   */
  async committed(batches: readonly SealedBatch[]): Promise<boolean> {
    const probe = firstRow(batches);
    if (probe === undefined) return false;
    await this.reopenIfInvalidated();
    const reader = await this.watch(
      this.connection.runAndReadAll(
        `SELECT count(*) FROM ${probe.table} WHERE ${probe.column} = ${String(probe.value)}`,
      ),
    );
    return Number(reader.getRows()[0]?.[0] ?? 0) > 0;
  }

  /** Folds the WAL into the database file. */
  async checkpoint(): Promise<void> {
    await this.reopenIfInvalidated();
    await this.watch(this.connection.run('CHECKPOINT'));
  }

  /** Runs a statement; a fatal error marks the database for a reopen. */
  private async watch<T>(statement: Promise<T>): Promise<T> {
    try {
      return await statement;
    } catch (error) {
      this.noteFatal(error);
      throw error;
    }
  }

  private noteFatal(error: unknown): void {
    if (/FATAL Error|database has been invalidated/.test(describeError(error))) this.invalidated = true;
  }

  /**
   * Restarts an invalidated database: closes its handles and opens the file again, which
   * replays the WAL (every committed transaction, none of a failed one). Throws while the disk
   * still refuses (opening writes too); the caller retries.
   */
  private async reopenIfInvalidated(): Promise<void> {
    if (!this.invalidated || !this.location) return;
    this.closeHandles();
    this.memoryConnection = undefined;
    const instance = await DuckDBInstance.create(this.location.path, { ...this.location.settings });
    // Stryker disable next-line BlockStatement,ArrowFunction: unreachable: DuckDB's connect fails only for a closed instance (this one was created on the line above and nothing else holds it) or when it cannot allocate the connection, which no test can bring about
    this.connection = await instance.connect().catch((error: unknown) => {
      instance.closeSync();
      throw error;
    });
    this.instance = instance;
    this.handlesClosed = false;
    this.invalidated = false;
  }

  /**
   * DuckDB's own account of its memory (`duckdb_memory()`: bytes per tag, in memory and spilled
   * to temporary files), on a connection of its own so it never waits for a commit. For probes.
   */
  async memory(): Promise<Record<string, { memory: number; temporary: number }>> {
    this.memoryConnection ??= await this.instance.connect();
    const reader = await this.memoryConnection.runAndReadAll(
      'SELECT tag, memory_usage_bytes, temporary_storage_bytes FROM duckdb_memory()',
    );
    const tags: Record<string, { memory: number; temporary: number }> = {};
    for (const [tag, memory, temporary] of reader.getRows())
      if (Number(memory) > 0 || Number(temporary) > 0)
        tags[String(tag)] = { memory: Number(memory), temporary: Number(temporary) };
    return tags;
  }

  /** Starts a query on a connection of its own; its rows come out by `next`. */
  async openStream(sql: string): Promise<{ id: number; names: string[] }> {
    await this.reopenIfInvalidated();
    const connection = await this.instance.connect();
    try {
      const result = await connection.stream(sql);
      const id = this.nextStreamId++;
      this.streams.set(id, { connection, result });
      return { id, names: result.columnNames() };
    } catch (error) {
      connection.closeSync();
      throw error;
    }
  }

  /** The next block of a stream's rows; an empty one at the end (the stream is then closed). */
  async next(id: number): Promise<ResultChunk> {
    const stream = this.streams.get(id);
    if (!stream) throw new Error(`no open query ${id}`);
    const chunk = await stream.result.fetchChunk();
    // Stryker disable next-line ConditionalExpression: @duckdb/node-api's fetchChunk resolves an empty chunk, never null, at a stream's end, after it, on a closed connection and when the query fails midway (each checked), so `chunk.rowCount === 0` alone decides; `!chunk` only narrows the declared type. The other variants of the line, excluded with it, fail "closes a stream once it ends" in test/store/database-writer-streams.test.ts
    if (!chunk || chunk.rowCount === 0) {
      this.closeStream(id);
      return { rowCount: 0, columns: [] };
    }
    // Dates, decimals, lists... cross to the main thread as their text; primitives as they are.
    const columns = chunk
      .getColumns()
      .map((column) =>
        column.map((value) => (typeof value === 'object' && value !== null ? String(value) : value)),
      );
    return { rowCount: chunk.rowCount, columns };
  }

  /** Opens a connection of its own for several queries (`sessionQuery`), until `closeSession`. */
  async openSession(): Promise<number> {
    await this.reopenIfInvalidated();
    const id = this.nextStreamId++;
    this.sessions.set(id, await this.instance.connect());
    return id;
  }

  /** Every row of one query on a session's connection, as columns of JS values. */
  async sessionQuery(id: number, sql: string, values: readonly SessionValue[]): Promise<SessionResult> {
    const connection = this.sessions.get(id);
    if (!connection) throw new Error(`no open session ${id}`);
    // Without values the SQL runs as it is (several statements allowed); with them it is prepared.
    const reader = await connection.runAndReadAll(sql, values.length > 0 ? [...values] : undefined);
    return { names: reader.columnNames(), columns: reader.getColumnsJS() as unknown[][] };
  }

  closeSession(id: number): void {
    const connection = this.sessions.get(id);
    if (!connection) return;
    this.sessions.delete(id);
    connection.closeSync();
  }

  closeStream(id: number): void {
    const stream = this.streams.get(id);
    if (!stream) return;
    this.streams.delete(id);
    stream.connection.closeSync();
  }

  /** Checkpoints the WAL into the file and releases the database. */
  async close(): Promise<void> {
    try {
      await this.checkpoint();
    } finally {
      this.closeHandles();
    }
  }

  private closeHandles(): void {
    // Stryker disable next-line ConditionalExpression: closing again finds no stream or session (none can open on closed handles: openStream/openSession reopen first or fail to connect) and closeSync of a closed connection or instance does nothing; the never-closing variant, excluded with it, fails "closes every open stream and session with the database" in test/store/database-writer-lifecycle.test.ts
    if (this.handlesClosed) return;
    // Stryker disable next-line BooleanLiteral: leaving the flag false only lets a later call close the same, already closed handles again, which does nothing (see the line above)
    this.handlesClosed = true;
    for (const id of [...this.streams.keys()]) this.closeStream(id);
    for (const id of [...this.sessions.keys()]) this.closeSession(id);
    this.memoryConnection?.closeSync();
    this.connection.closeSync();
    this.instance.closeSync();
  }
}

/** The first row of a group of batches: its table, key column and key (seq, or a symbol's id). */
function firstRow(
  batches: readonly SealedBatch[],
): { table: string; column: string; value: number } | undefined {
  for (const batch of batches) {
    for (const key of ['ticks', 'bars'] as const) {
      const sealed = batch[key];
      if (sealed.length === 0) continue;
      const words = sealed.columns[0] as ArrayBuffer;
      // seq is a BIGINT column held as int32 word pairs, low word first (numeric-buffer.ts).
      const value =
        (new Uint32Array(words, 0, 1)[0] as number) + (new Int32Array(words, 4, 1)[0] as number) * 2 ** 32;
      return { table: TABLES[key].name, column: keyColumn(key), value };
    }
    for (const [key, sealed] of batch.rows) {
      if (sealed.length > 0)
        return { table: TABLES[key].name, column: keyColumn(key), value: Number(sealed.values[0]) };
    }
    const symbol = batch.newSymbols[0];
    if (symbol !== undefined) return { table: 'symbols', column: 'id', value: symbol[0] };
  }
  return undefined;
}

function keyColumn(key: TableKey): string {
  const column = TABLES[key].columns[0]?.name;
  if (column !== 'seq') throw new Error(`table ${TABLES[key].name} does not start with seq`);
  return column;
}
