import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { parseDurationFlag, runPipelineCommand } from '../run-pipeline.js';

export const runCommand: Command = {
  name: 'run',
  summary: 'Run a pipeline live (simulated market unless the pipeline says otherwise).',
  usage: `enigma run <pipeline.yaml> [options]

  --duration <time>   stop after this long: seconds (10) or 90s, 5m
  --data-dir <dir>    where sinks write files (default ./data)
  --no-wasm           compute features with the TypeScript reference instead of WebAssembly
  --no-trading        no risk engine, orders or paper broker (signals only)
  --quiet             no live status line`,
  run: async (args) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        duration: { type: 'string' },
        'data-dir': { type: 'string', default: 'data' },
        'no-wasm': { type: 'boolean', default: false },
        'no-trading': { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
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
    });
  },
};
