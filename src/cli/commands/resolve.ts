import { parseArgs } from 'node:util';
import { ResolutionFiles } from '../../risk/resolution-files.js';
import type { Command } from '../command.js';

/**
 * `enigma resolve`: a person has checked a broker reconciliation mismatch (the engine's book and
 * NinjaTrader's positions or working orders differed on reconnect): the running engine lifts the
 * REDUCING hold of that account. Reaches the engine as a file in the data directory, like
 * `enigma confirm`.
 */
export const resolveCommand: Command = {
  name: 'resolve',
  summary: 'Lift the REDUCING hold a broker reconciliation mismatch put on an account, once checked.',
  usage: 'enigma resolve --account ID [--by NAME] [--data-dir DIR]',
  run: async (args) => {
    let values;
    try {
      ({ values } = parseArgs({
        args: [...args],
        options: {
          account: { type: 'string' },
          by: { type: 'string' },
          'data-dir': { type: 'string' },
          help: { type: 'boolean' },
        },
        allowPositionals: false,
      }));
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\nusage: ${resolveCommand.usage}\n`);
      return 2;
    }
    if (values.help === true) {
      process.stdout.write(`usage: ${resolveCommand.usage}\n`);
      return 0;
    }
    if (values.account === undefined) {
      process.stderr.write(`--account is required\nusage: ${resolveCommand.usage}\n`);
      return 2;
    }
    const files = new ResolutionFiles(values['data-dir'] ?? './data');
    files.request({ account: values.account, by: values.by ?? process.env['USER'] ?? 'cli' });
    process.stdout.write(
      `${values.account}: resolution sent to the running engine (it leaves REDUCING if the mismatch was its only reason)\n`,
    );
    return 0;
  },
};
