/**
 * After the engine has stopped, what its DuckDB file holds of one client session, counted against
 * what the client was told: every message the engine acknowledged must be in the `received` table
 * exactly once (the store's record of each edge message by source and seq).
 */
import { openReadOnly } from '../../src/reports/open-database.js';

export interface SessionAudit {
  /** Rows of the session in `received`. */
  readonly rows: number;
  /** Distinct seqs among them. */
  readonly distinct: number;
  /** Acknowledged seqs (1 to `acked`) with no row: acked and lost. */
  readonly ackedMissing: number;
  /** Extra rows of a seq already stored: duplicated. */
  readonly duplicated: number;
  /** Highest seq stored. */
  readonly highest: number;
}

async function scalar(
  connection: Awaited<ReturnType<typeof openReadOnly>>['connection'],
  sql: string,
): Promise<number> {
  const reader = await connection.runAndReadAll(sql);
  return Number(reader.getRows()[0]?.[0] ?? 0);
}

const quote = (text: string): string => `'${text.replaceAll("'", "''")}'`;

/** Audits session `sessionId` (source `gateway:<id>`) against the highest seq it saw acknowledged. */
export async function auditSession(path: string, sessionId: string, acked: number): Promise<SessionAudit> {
  const database = await openReadOnly(path);
  try {
    const source = quote(`gateway:${sessionId}`);
    const rows = await scalar(database.connection, `SELECT count(*) FROM received WHERE source = ${source}`);
    const distinct = await scalar(
      database.connection,
      `SELECT count(DISTINCT source_seq) FROM received WHERE source = ${source}`,
    );
    const highest = await scalar(
      database.connection,
      `SELECT coalesce(max(source_seq), 0) FROM received WHERE source = ${source}`,
    );
    const ackedMissing =
      acked < 1
        ? 0
        : await scalar(
            database.connection,
            `SELECT count(*) FROM range(1, ${String(acked + 1)}) r(s) ANTI JOIN (SELECT source_seq FROM received WHERE source = ${source}) k ON k.source_seq = r.s`,
          );
    return { rows, distinct, ackedMissing, duplicated: rows - distinct, highest };
  } finally {
    database.close();
  }
}
