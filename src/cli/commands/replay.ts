import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Command } from '../command.js';
import { runPipelineCommand } from '../run-pipeline.js';

export const replayCommand: Command = {
  name: 'replay',
  summary: 'Replay recorded ticks through a pipeline as fast as possible, deterministically.',
  usage: `enigma replay <pipeline.yaml> --from <ticks.csv> [options]

  --from <file.csv>   ticks to replay (ts,symbol,price,size,bid,ask,side; ts in epoch µs);
                      they replace the pipeline's tick source
  --data-dir <dir>    where sinks write files (default ./data)
  --no-wasm           compute features with the TypeScript reference instead of WebAssembly
  --no-trading        no risk engine, orders or paper broker (signals only)

The same file through the same pipeline always writes the same output, byte for byte.`,
  run: async (args) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        from: { type: 'string' },
        'data-dir': { type: 'string', default: 'data' },
        'no-wasm': { type: 'boolean', default: false },
        'no-trading': { type: 'boolean', default: false },
      },
    });
    const [pipeline, ...extra] = positionals;
    if (pipeline === undefined || extra.length > 0 || values.from === undefined) {
      process.stderr.write(`usage: ${replayCommand.usage}\n`);
      return 2;
    }
    return runPipelineCommand({
      pipeline,
      mode: 'replay',
      dataDir: values['data-dir'],
      wasm: !values['no-wasm'],
      trading: !values['no-trading'],
      quiet: true,
      replaceTickSource: { op: 'csvReplay', params: { file: resolve(values.from) } },
      progressLabel: `replay ${values.from}`,
    });
  },
};
