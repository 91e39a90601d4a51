import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Tick } from '../../src/core/events.js';

/** A fresh folder under the OS temp dir, and a function that removes it. */
export function tempDir(prefix = 'enigma-store-'): {
  dir: string;
  file: (name: string) => string;
  remove: () => void;
} {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    file: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Rows of a query against a database file opened on its own (the store closed). */
export async function queryFile(path: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS() as unknown[][];
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Rows of a query on a live store (read in its writer thread: committed rows only). */
export async function queryStore(store: Store, sql: string): Promise<unknown[][]> {
  const rows: unknown[][] = [];
  for await (const block of store.read(sql)) {
    for (let r = 0; r < block.rowCount; r++) rows.push(block.columns.map((column) => column[r]));
  }
  return rows;
}

export const BASE_TS = 1_790_000_000_000_000;
const SYMBOLS = ['ES 12-26', 'NQ 12-26', 'CL 01-27', 'GC 02-27'];
const SIDES = ['buy', 'sell', 'unknown'] as const;

/** The i-th tick of a deterministic stream (four instruments, prices on the quarter tick). */
export function tickAt(i: number): Tick {
  return {
    symbol: SYMBOLS[i % 4] as string,
    ts: BASE_TS + i,
    price: 5000 + (i % 400) * 0.25,
    size: 1 + (i % 7),
    bid: 4999.75,
    ask: 5000.25,
    side: SIDES[i % 3] as Tick['side'],
  };
}

import { MessageBus } from '../../src/bus/bus.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { DataType } from '../../src/pipeline/data-types.js';
import type { RunContext } from '../../src/pipeline/operator.js';
import type { Store } from '../../src/store/store.js';

/** A run context as the runtime builds it, for instantiating the store's operators directly. */
export function runContext(store: Store | undefined, inputs: readonly DataType[], dataDir = '.'): RunContext {
  return {
    pipelineId: 'test',
    stepId: 'keep',
    baseDir: '.',
    inputs: inputs.map((type, i) => ({ stepId: `in${i}`, type, numericFields: undefined, textFields: [] })),
    functions: new Map(),
    clock: new ReplayClock(),
    bus: new MessageBus(),
    mode: 'replay',
    dataDir,
    ...(store && { store }),
    deadLetter: () => undefined,
  };
}
