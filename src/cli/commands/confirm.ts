import { parseArgs } from 'node:util';
import type { OrderIntent } from '../../core/events.js';
import { isoFromMicros } from '../../core/time.js';
import { ProposalFiles } from '../../risk/proposal-files.js';
import type { Command } from '../command.js';
import { reachEngine, REACH_OPTIONS, type Reach } from '../engine-api.js';
import { decideThroughApi, proposalsThroughApi } from '../proposals-through-api.js';

const OPTIONS = {
  'data-dir': { type: 'string' },
  by: { type: 'string' },
  help: { type: 'boolean' },
  ...REACH_OPTIONS,
} as const;

interface Parsed {
  ids: string[];
  dataDir: string;
  by: string;
  help: boolean;
  tokenFile: string | undefined;
  local: boolean;
}

function parse(args: readonly string[], usage: string): Parsed | undefined {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: OPTIONS, allowPositionals: true });
    return {
      ids: positionals,
      dataDir: values['data-dir'] ?? './data',
      by: values.by ?? process.env['USER'] ?? 'cli',
      help: values.help === true,
      tokenFile: values['token-file'],
      local: values.local === true,
    };
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: ${usage}\n`);
    return undefined;
  }
}

const reach = (parsed: Parsed, role: 'viewer' | 'trader'): Promise<Reach> =>
  reachEngine({
    dataDir: parsed.dataDir,
    tokenFile: parsed.tokenFile,
    local: parsed.local,
    role,
    write: (text) => process.stderr.write(text),
  });

interface ProposalLine {
  readonly id: string;
  readonly expiresAt: number;
  readonly intent: OrderIntent;
}

/**
 * `enigma proposals`: the orders waiting for a person (automation mode `confirm`), from the
 * running engine's API (viewer) or, with none, its proposals file.
 */
export const proposalsCommand: Command = {
  name: 'proposals',
  summary: 'List the sized, risk-checked orders waiting for confirmation (mode confirm).',
  usage: 'enigma proposals [--data-dir DIR] [--token-file FILE | --local]',
  run: async (args) => {
    const parsed = parse(args, proposalsCommand.usage);
    if (!parsed) return 2;
    if (parsed.help) {
      process.stdout.write(`${proposalsCommand.usage}\n`);
      return 0;
    }
    const engine = await reach(parsed, 'viewer');
    if (engine.kind === 'refused') return engine.exitCode;
    const proposals =
      engine.kind === 'api'
        ? ((await proposalsThroughApi(engine.api)) as ProposalLine[] | undefined)
        : new ProposalFiles(parsed.dataDir).readProposals();
    if (!proposals) return 1;
    if (proposals.length === 0) process.stdout.write('no proposal is waiting\n');
    for (const { id, intent, expiresAt } of proposals) {
      const price = intent.limitPrice !== undefined ? ` @ ${intent.limitPrice}` : '';
      const bracket = intent.stopLoss !== undefined ? ` stop ${intent.stopLoss}` : '';
      const target = intent.takeProfit !== undefined ? ` target ${intent.takeProfit}` : '';
      process.stdout.write(
        `${id}  ${intent.account}  ${intent.side} ${intent.quantity} ${intent.symbol} ${intent.type}${price}${bracket}${target}  until ${isoFromMicros(expiresAt)}  (${intent.reason})\n`,
      );
    }
    return 0;
  },
};

function decisionCommand(decision: 'confirm' | 'reject'): Command {
  const command: Command = {
    name: decision,
    summary:
      decision === 'confirm'
        ? 'Send a proposed order (it is risk-checked again first).'
        : 'Drop a proposed order without sending it.',
    usage: `enigma ${decision} <proposal id> [more ids] [--by NAME] [--data-dir DIR] [--token-file FILE | --local]`,
    run: async (args) => {
      const parsed = parse(args, command.usage);
      if (!parsed) return 2;
      if (parsed.help || parsed.ids.length === 0) {
        process.stdout.write(`usage: ${command.usage}\n`);
        return parsed.help ? 0 : 2;
      }
      const engine = await reach(parsed, 'trader');
      if (engine.kind === 'refused') return engine.exitCode;
      if (engine.kind === 'api') return decideThroughApi(engine.api, decision, parsed.ids);
      const files = new ProposalFiles(parsed.dataDir);
      const open = new Set(files.readProposals().map((proposal) => proposal.id));
      let unknown = 0;
      for (const id of parsed.ids) {
        if (!open.has(id)) {
          process.stderr.write(`no open proposal '${id}' [RISK_UNKNOWN_PROPOSAL]\n`);
          unknown++;
          continue;
        }
        files.decide({ proposalId: id, decision, by: parsed.by });
        process.stdout.write(`${decision} of ${id} sent to the running engine\n`);
      }
      return unknown > 0 ? 1 : 0;
    },
  };
  return command;
}

export const confirmCommand = decisionCommand('confirm');
export const rejectCommand = decisionCommand('reject');
