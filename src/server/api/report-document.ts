import type { DuckDBConnection } from '@duckdb/node-api';
import type { Period } from '../../analytics/period.js';
import { buildReport, type ReportOptions } from '../../reports/build-report.js';
import { renderHtml } from '../../reports/render-html.js';
import type { SessionValue } from '../../store/database-writer.js';
import type { Store } from '../../store/store.js';
import type { SessionQuery } from '../../store/writer-client.js';

/**
 * The report has no script and no external resource: only its inline style and inline SVG may
 * apply, and nothing may load, post or frame.
 */
export const REPORT_CSP = [
  "default-src 'none'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** One session query's result, read the ways the analytics read a DuckDB result. */
function resultOf(names: readonly string[], columns: readonly unknown[][]) {
  return {
    columnNames: () => [...names],
    getColumnsJS: () => columns,
    getRowObjectsJS: () =>
      Array.from({ length: columns[0]?.length ?? 0 }, (_, r) =>
        Object.fromEntries(names.map((name, c) => [name, columns[c]?.[r]])),
      ),
  };
}

/**
 * The two calls the analytics make on a connection (`run`, `runAndReadAll`), over a session of
 * the store's writer thread: the same SQL on a connection of the live database, so `enigma
 * report`'s own code builds the report while the engine runs.
 */
function sessionConnection(query: SessionQuery): DuckDBConnection {
  const read = async (sql: string, values?: readonly SessionValue[]) => {
    const { names, columns } = await query(sql, values ?? []);
    return resultOf(names, columns);
  };
  return { run: read, runAndReadAll: read } as unknown as DuckDBConnection;
}

/** The HTML report of `period` (what `enigma report` writes as report.html), from the live store. */
export function reportDocument(
  store: Store,
  period: Period,
  options: ReportOptions,
  generatedAt: string,
): Promise<string> {
  return store.session(async (query) =>
    renderHtml(await buildReport(sessionConnection(query), period, options), generatedAt),
  );
}
