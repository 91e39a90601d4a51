/**
 * The end-to-end load generator on its own:
 *
 *   npx tsx bench/e2e/main.ts [--rates 1000,10000,50000,100000,max] [--duration 5]
 *       [--connections 1] [--signal-every 10] [--no-store] [--engine embedded|cli|bare] [--json]
 *
 * Starts the engine (child process), then one generator process per offered rate, and prints a
 * table (or the reports as JSON with --json). Exits 1 when a step loses, duplicates or reorders.
 */
import { parseArgs } from 'node:util';
import { formatRow, ROW_HEADERS } from './format-row.js';
import { runSweep } from './sweep.js';

const { values } = parseArgs({
  options: {
    rates: { type: 'string', default: '1000,10000,50000,100000,max' },
    duration: { type: 'string', default: '5' },
    connections: { type: 'string', default: '1' },
    'signal-every': { type: 'string', default: '10' },
    'no-store': { type: 'boolean', default: false },
    engine: { type: 'string', default: 'embedded' },
    json: { type: 'boolean', default: false },
  },
});
const rates = values.rates.split(',').map((rate) => (rate === 'max' ? 'max' : Number(rate)));
const result = await runSweep({
  rates,
  durationMs: Number(values.duration) * 1000,
  connections: Number(values.connections),
  signalEvery: Number(values['signal-every']),
  store: !values['no-store'],
  engine: values.engine === 'cli' || values.engine === 'bare' ? values.engine : 'embedded',
  onStep: (report) => process.stderr.write(`${JSON.stringify(formatRow(report, values.engine))}\n`),
});
if (values.json) {
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
} else {
  process.stdout.write(`${ROW_HEADERS.join('\t')}\n`);
  for (const report of result.steps)
    process.stdout.write(`${Object.values(formatRow(report, values.engine)).join('\t')}\n`);
  process.stdout.write(
    `sustained (highest rate persisted in pace, nothing lost): ${String(result.sustained)} msg/s; latency objectives hold up to ${String(result.latencySloHolds)} msg/s\n`,
  );
  if (result.engineStats) process.stdout.write(`engine: ${JSON.stringify(result.engineStats)}\n`);
}
if (result.steps.some((report) => report.lost + report.duplicated + report.reordered > 0))
  process.exitCode = 1;
