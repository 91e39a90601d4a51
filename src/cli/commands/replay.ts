import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { StepDefinition } from '../../pipeline/definition.js';
import type { Command } from '../command.js';
import { parseLogLevelFlag, runPipelineCommand } from '../run-pipeline.js';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'Replay recorded ticks through a pipeline as fast as possible, deterministically.',
  usage: `enigma replay <pipeline.yaml> --from <ticks.csv> [options]

  --from <file.csv>   ticks to replay (ts,symbol,price,size,bid,ask,side; ts in epoch µs);
                      they replace the pipeline's tick source
  --from duckdb[:SQL] ticks from the DuckDB history (<data-dir>/enigma.duckdb, or --db),
                      all in recorded order, or those a query returns (ts, symbol, price, size,
                      bid, ask, side), e.g. "duckdb:SELECT * FROM ticks_v WHERE symbol = 'ES 12-26' ORDER BY ts, seq"
  --db <file>         the DuckDB file for --from duckdb
  --speed <n>         with --from duckdb: n × the recorded pace (default: as fast as possible)
  --data-dir <dir>    where sinks write files (default ./data)
  --no-wasm           compute features with the TypeScript reference instead of WebAssembly
  --store <file>      keep what the replay produces in this DuckDB file (default: none)
  --no-trading        no risk engine, orders or paper broker (signals only)
  --log-level <level> what <data-dir>/logs/engine.log keeps (default info)

The same file through the same pipeline always writes the same output, byte for byte.`,
  run: async (args) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        'data-dir': { type: 'string', default: 'data' },
        'no-wasm': { type: 'boolean', default: false },
        store: { type: 'string' },
        db: { type: 'string' },
        speed: { type: 'string' },
        'no-trading': { type: 'boolean', default: false },
        'log-level': { type: 'string' },
      },
    });
    const [pipeline, ...extra] = positionals;
    if (pipeline === undefined || extra.length > 0 || values.from === undefined) {
      process.stderr.write(`usage: ${replayCommand.usage}\n`);
      return 2;
    }
    return runPipelineCommand({
      pipelines: [pipeline],
      mode: 'replay',
      dataDir: values['data-dir'],
      wasm: !values['no-wasm'],
      trading: !values['no-trading'],
      quiet: true,
      replaceTickSource: tickSource(values.from, values.db, values.speed),
      ...(values.store !== undefined && { storePath: values.store }),
      ...(values['log-level'] !== undefined && { log: { level: parseLogLevelFlag(values['log-level']) } }),
      progressLabel: `replay ${values.from.startsWith('duckdb') ? 'duckdb' : values.from}`,
    });
  },
};

/** The source a replay reads: a CSV file, or the DuckDB history (optionally a query of it). */
function tickSource(
  from: string,
  database: string | undefined,
  speed: string | undefined,
): Pick<StepDefinition, 'op' | 'params'> {
  if (from !== 'duckdb' && !from.startsWith('duckdb:'))
    return { op: 'csvReplay', params: { file: resolve(from) } };
  const query = from.slice('duckdb:'.length).trim();
  return {
    op: 'duckdbReplay',
    params: {
      ...(query !== '' && { query }),
      ...(database !== undefined && { path: resolve(database) }),
      ...(speed !== undefined && { speed: Number(speed) }),
    },
  };
}
