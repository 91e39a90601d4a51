import { parseArgs } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../analytics/query.js';
import { loadRuleProfile } from '../../risk/load-rule-profile.js';
import type { RuleProfile } from '../../risk/rule-profile.js';
import { periodOf, type PeriodKind } from '../../analytics/period.js';
import { describeError } from '../../core/errors.js';
import { openReadOnly } from '../../reports/open-database.js';
import { describeCapital } from '../../reports/build-report.js';
import { writeReport } from '../../reports/write-report.js';
import { DEFAULT_DATABASE_PATH } from '../../store/store.js';
import type { Command } from '../command.js';

const USAGE = `enigma report [--period day|week|month] [--date YYYY-MM-DD] [--db FILE] [--out DIR] [--capital DOLLARS]
              [--risk-free PERCENT] [--profile ID|FILE]

Writes a self-contained HTML report (tables and SVG charts: equity, drawdown, P&L by day,
signal effectiveness; no network needed to open it) and CSVs next to it, into
<out>/<period label>/.

  --period   day (default), week (ISO, Monday to Monday) or month, in UTC
  --date     a date inside the period (default: today, UTC)
  --db       the store's database file (default ${DEFAULT_DATABASE_PATH}); opened read-only,
             so stop the engine first or point at a copy
  --out      output folder (default ./data/reports)
  --capital  equity before the first trade, for returns and drawdown % (default: the starting
             balance of the accounts that traded, from their first stored account state)
  --risk-free  annual risk-free rate in percent for Sharpe and Sortino (default 0)
  --profile    a rule profile (bundled id or YAML file) for every account: adds the prop view
             (the risk engine's trailing threshold replayed over the marked-to-market equity)`;

const PERIODS: readonly string[] = ['day', 'week', 'month'];

/** The one profile for every account with a fill. */
async function everyAccount(
  connection: DuckDBConnection,
  profile: RuleProfile,
): Promise<Map<string, RuleProfile>> {
  const rows = await queryRows(connection, 'SELECT DISTINCT account FROM fills');
  return new Map(rows.map((row) => [String(row.account), profile]));
}

/** `enigma report`: the period report from the DuckDB store. */
export const reportCommand: Command = {
  name: 'report',
  summary: 'Write the HTML + CSV performance report of a day, week or month from the store.',
  usage: USAGE,
  async run(args) {
    // Usage errors and --help are handled by the `enigma` entry point (exit 2 / usage text).
    const { values } = parseArgs({
      args: [...args],
      options: {
        period: { type: 'string', default: 'day' },
        date: { type: 'string', default: new Date().toISOString().slice(0, 10) },
        db: { type: 'string', default: DEFAULT_DATABASE_PATH },
        out: { type: 'string', default: './data/reports' },
        capital: { type: 'string' },
        'risk-free': { type: 'string' },
        profile: { type: 'string' },
      },
      strict: true,
    });
    const capital = values.capital === undefined ? undefined : Number(values.capital);
    const riskFree = values['risk-free'] === undefined ? 0 : Number(values['risk-free']);
    if (
      !PERIODS.includes(values.period) ||
      (capital !== undefined && !(capital > 0)) ||
      !(Number.isFinite(riskFree) && riskFree > -100)
    ) {
      console.error(
        `--period must be day, week or month, --capital a positive number and --risk-free a percentage [CLI_USAGE]\n\n${USAGE}`,
      );
      return 2;
    }
    let period;
    try {
      period = periodOf(values.period as PeriodKind, values.date);
    } catch (error) {
      console.error(`${describeError(error)} [CLI_USAGE]`);
      return 2;
    }
    try {
      const profile = values.profile === undefined ? undefined : loadRuleProfile(values.profile);
      const database = await openReadOnly(values.db);
      try {
        const started = performance.now();
        const profiles = profile === undefined ? undefined : await everyAccount(database.connection, profile);
        const written = await writeReport(database.connection, period, values.out, {
          ...(capital !== undefined && { initialCapital: capital }),
          riskFreeRate: riskFree / 100,
          ...(profiles !== undefined && { profiles }),
        });
        const { data } = written;
        console.log(
          `report ${period.label}: ${data.overall.trades} trades, net P&L ${data.overall.netPnl.toFixed(2)}, initial capital ${describeCapital(data)}`,
        );
        console.log(`  ${written.html}`);
        for (const file of written.csv) console.log(`  ${file}`);
        console.log(`  (${(performance.now() - started).toFixed(0)} ms)`);
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
