import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeError } from '../../core/errors.js';
import { queryRows } from '../../analytics/query.js';
import { openReadOnly } from '../../reports/open-database.js';
import { DEFAULT_DATABASE_PATH } from '../../store/store.js';
import type { Command } from '../command.js';

const USAGE = `enigma export --format parquet|csv (--table NAME | --query SQL) [--db FILE] [--out FILE]

Writes a table or the result of a query from the store to a Parquet or CSV file.

  --format  parquet or csv (with a header row)
  --table   a table or view, e.g. ticks_v, bars_v, signals, fills, rejects, received
  --query   any SELECT over the store, e.g. "SELECT * FROM ticks_v WHERE symbol = 'ES 12-26'"
  --db      the store's database file (default ${DEFAULT_DATABASE_PATH}), opened read-only
  --out     output file (default ./data/exports/<table or query>.<format>)`;

/** `enigma export`: a table or query result of the store as Parquet or CSV. */
export const exportCommand: Command = {
  name: 'export',
  summary: 'Export a store table or query result to Parquet or CSV.',
  usage: USAGE,
  async run(args) {
    // Usage errors and --help are handled by the `enigma` entry point (exit 2 / usage text).
    const { values } = parseArgs({
      args: [...args],
      options: {
        format: { type: 'string' },
        table: { type: 'string' },
        query: { type: 'string' },
        db: { type: 'string', default: DEFAULT_DATABASE_PATH },
        out: { type: 'string' },
      },
      strict: true,
    });
    const format = values.format;
    if (
      (format !== 'parquet' && format !== 'csv') ||
      (values.table === undefined) === (values.query === undefined)
    ) {
      console.error(
        `give --format parquet|csv and exactly one of --table or --query [CLI_USAGE]\n\n${USAGE}`,
      );
      return 2;
    }
    if (values.table !== undefined && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(values.table)) {
      console.error(`'${values.table}' is not a table name [CLI_USAGE]`);
      return 2;
    }
    const source =
      values.table !== undefined
        ? `SELECT * FROM ${values.table}`
        : (values.query as string).trim().replace(/;+$/, '');
    const out = resolve(values.out ?? `./data/exports/${values.table ?? 'query'}.${format}`);
    try {
      const database = await openReadOnly(values.db);
      try {
        mkdirSync(dirname(out), { recursive: true });
        const options = format === 'parquet' ? 'FORMAT PARQUET' : 'FORMAT CSV, HEADER';
        const [row] = await queryRows(
          database.connection,
          `COPY (${source}) TO '${out.replace(/'/g, "''")}' (${options})`,
        );
        console.log(`${Number(Object.values(row ?? {})[0] ?? 0)} rows → ${out}`);
      } finally {
        database.close();
      }
      return 0;
    } catch (error) {
      const code = (error as { code?: string }).code;
      console.error(`${describeError(error)}${code ? ` [${code}]` : ''}`);
      return 1;
    }
  },
};
