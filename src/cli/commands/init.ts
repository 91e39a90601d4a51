import { existsSync, writeFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_CONFIG_FILE, starterConfig } from '../../config/index.js';
import type { Command } from '../command.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A path from `from` to `to` with forward slashes, quoted for YAML when it needs to be. */
function yamlPath(from: string, to: string): string {
  const path = relative(from, to).split(sep).join('/');
  return /^[\w./-]+$/.test(path) ? path : JSON.stringify(path);
}

export const initCommand: Command = {
  name: 'init',
  summary:
    'Write a commented starter enigma.yaml (one paper account, one NinjaTrader account commented out).',
  usage: `enigma init [file] [--force]

Writes the starter engine configuration to ./enigma.yaml (or file); --force overwrites a file that
exists. \`enigma validate enigma.yaml\` checks it and \`enigma run\` reads it.`,
  run: async (args) => {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: { force: { type: 'boolean', default: false } },
    });
    if (positionals.length > 1) {
      process.stderr.write(`usage: ${initCommand.usage}\n`);
      return 2;
    }
    const file = resolve(positionals[0] ?? DEFAULT_CONFIG_FILE);
    if (existsSync(file) && !values.force) {
      process.stderr.write(`${file} exists: nothing written (--force overwrites it)\n`);
      return 1;
    }
    const folder = dirname(file);
    writeFileSync(
      file,
      starterConfig({
        schema: yamlPath(folder, resolve(ROOT, 'enigma.schema.json')),
        pipeline: yamlPath(folder, resolve(ROOT, 'pipelines', 'default.yaml')),
      }),
    );
    process.stdout.write(
      `wrote ${file}: one paper account (SIM-50K); check it with \`enigma validate ${relative(process.cwd(), file) || file}\`\n`,
    );
    return 0;
  },
};
