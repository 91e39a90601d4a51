import { existsSync } from 'node:fs';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { StorageError, describeError } from '../core/errors.js';

/** A read-only connection to a store file, for reports and exports; `close()` releases it. */
export async function openReadOnly(
  path: string,
): Promise<{ connection: DuckDBConnection; close: () => void }> {
  if (!existsSync(path)) throw new StorageError('STORE_OPEN_FAILED', `no database at '${path}'`);
  try {
    const instance = await DuckDBInstance.create(path, { access_mode: 'READ_ONLY' });
    const connection = await instance.connect();
    return {
      connection,
      close: () => {
        connection.closeSync();
        instance.closeSync();
      },
    };
  } catch (cause) {
    throw new StorageError(
      'STORE_OPEN_FAILED',
      `cannot open '${path}' read-only (is the engine still running on it?): ${describeError(cause)}`,
      { cause },
    );
  }
}
