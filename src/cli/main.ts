import { describeError, EngineError } from '../core/errors.js';
import type { Command } from './command.js';
import { alertsCommand } from './commands/alerts.js';
import { confirmCommand, proposalsCommand, rejectCommand } from './commands/confirm.js';
import { decisionsCommand } from './commands/decisions.js';
import { docsCommand } from './commands/docs.js';
import { exportCommand } from './commands/export.js';
import { feedCommand } from './commands/feed.js';
import { graphCommand } from './commands/graph.js';
import { initCommand } from './commands/init.js';
import { killCommand, resumeCommand } from './commands/kill.js';
import { operatorsCommand } from './commands/operators.js';
import { replayCommand } from './commands/replay.js';
import { reportCommand } from './commands/report.js';
import { resolveCommand } from './commands/resolve.js';
import { runCommand } from './commands/run.js';
import { tokenCommand } from './commands/token.js';
import { validateCommand } from './commands/validate.js';

const COMMANDS: readonly Command[] = [
  initCommand,
  runCommand,
  replayCommand,
  validateCommand,
  graphCommand,
  operatorsCommand,
  reportCommand,
  decisionsCommand,
  exportCommand,
  feedCommand,
  killCommand,
  resumeCommand,
  resolveCommand,
  proposalsCommand,
  confirmCommand,
  rejectCommand,
  alertsCommand,
  tokenCommand,
  docsCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length));
  const lines = COMMANDS.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`);
  return `Enigma-Apex: a streaming engine for systematic futures trading beside NinjaTrader 8.

usage: enigma <command> [options]   (enigma <command> --help for its options)

${lines.join('\n')}
`;
}

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    process.stderr.write(`enigma: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`usage: ${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(args);
  } catch (error) {
    const code = error instanceof EngineError ? ` [${error.code}]` : '';
    const usage =
      error instanceof TypeError && 'code' in error && String(error.code).startsWith('ERR_PARSE_ARGS');
    process.stderr.write(`enigma ${name}: ${describeError(error)}${code}\n`);
    return usage || (error instanceof EngineError && error.code === 'CLI_USAGE') ? 2 : 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
