import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { parseDurationFlag, parseListenFlag, runPipelineCommand } from '../run-pipeline.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a pipeline live (simulated market unless the pipeline says otherwise).',
  usage: `enigma run <pipeline.yaml> [options]

  --duration <time>   stop after this long: seconds (10) or 90s, 5m
  --data-dir <dir>    where sinks write files (default ./data)
  --start <time>      play the simulated market's session from this ISO 8601 time instead of now
                      (a time outside 09:30-16:00 New York on a weekday plays the latest weekday
                      session before it: a Saturday plays Friday's)
  --no-wasm           compute features with the TypeScript reference instead of WebAssembly
  --no-trading        no risk engine, orders or paper broker (signals only)
  --store <file>      keep every tick, signal, order, fill and risk event in this DuckDB file
                      (default <data-dir>/enigma.duckdb)
  --no-store          keep no history
  --quiet             no live status line
  --listen host:port  serve the NinjaTrader gateway (ws://host:port/v1/stream); needs the
                      ENIGMA_TOKEN environment variable; port 0 picks a free one and the engine
                      prints 'listening http://host:port' on standard output`,
  run: async (args) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        duration: { type: 'string' },
        start: { type: 'string' },
        'data-dir': { type: 'string', default: 'data' },
        'no-wasm': { type: 'boolean', default: false },
        'no-trading': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
        listen: { type: 'string' },
        store: { type: 'string' },
        'no-store': { type: 'boolean', default: false },
      },
    });
    const [pipeline, ...extra] = positionals;
    if (pipeline === undefined || extra.length > 0) {
      process.stderr.write(`usage: ${runCommand.usage}\n`);
      return 2;
    }
    return runPipelineCommand({
      pipeline,
      mode: 'live',
      dataDir: values['data-dir'],
      wasm: !values['no-wasm'],
      trading: !values['no-trading'],
      quiet: values.quiet,
      ...(values.duration !== undefined && { durationMs: parseDurationFlag(values.duration) }),
      ...(values.start !== undefined && { start: values.start }),
      ...(values.listen !== undefined && { listen: parseListenFlag(values.listen) }),
      ...(!values['no-store'] && { storePath: values.store ?? join(values['data-dir'], 'enigma.duckdb') }),
    });
  },
};
