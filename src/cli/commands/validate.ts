import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse } from 'yaml';
import { ConfigError, loadEngineConfig, type EngineConfig } from '../../config/index.js';
import { PipelineDefinitionError } from '../../core/errors.js';
import { preparePipeline } from '../../engine.js';
import type { Command } from '../command.js';
import { printConfigIssues, printIssues } from '../run-pipeline.js';

const CONFIG_KEYS = ['accounts', 'gateway', 'store', 'dataDir'];

/**
 * An engine configuration rather than a pipeline: a mapping without `steps` that has a
 * configuration key, or a file named enigma*.yaml without `steps`.
 */
export function isEngineConfigFile(file: string): boolean {
  let document: unknown;
  try {
    document = parse(readFileSync(file, 'utf8'));
  } catch {
    return /^enigma.*\.ya?ml$/.test(basename(file));
  }
  if (document === null || typeof document !== 'object' || Array.isArray(document))
    return /^enigma.*\.ya?ml$/.test(basename(file));
  if ('steps' in document) return false;
  return CONFIG_KEYS.some((key) => key in document) || /^enigma.*\.ya?ml$/.test(basename(file));
}

function describeConfig(config: EngineConfig): string {
  const accounts = config.accounts.map(
    (account) => `${account.id} (${account.broker}, ${account.mode ?? 'profile mode'})`,
  );
  return `engine configuration, ${config.accounts.length} account(s): ${accounts.join(', ')}`;
}

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check pipeline files and enigma.yaml and list every problem (exit 1 if any).',
  usage: `enigma validate <pipeline.yaml | enigma.yaml> [more.yaml ...]

A file with \`accounts\` (and no \`steps\`) is checked as the engine configuration, together with
the pipelines it lists.`,
  run: async (args) => {
    if (args.length === 0 || args.some((arg) => arg.startsWith('-'))) {
      process.stderr.write(`usage: ${validateCommand.usage}\n`);
      return 2;
    }
    let failed = 0;
    const files = [...args];
    for (let index = 0; index < files.length; index++) {
      const file = files[index] as string;
      if (isEngineConfigFile(file)) {
        try {
          const config = loadEngineConfig(file);
          process.stdout.write(`${file}: ok (${describeConfig(config)})\n`);
          for (const pipeline of config.pipelines) if (!files.includes(pipeline)) files.push(pipeline);
        } catch (error) {
          if (!(error instanceof ConfigError)) throw error;
          failed++;
          printConfigIssues(error);
        }
        continue;
      }
      try {
        const { compiled } = await preparePipeline(file);
        process.stdout.write(`${file}: ok (pipeline '${compiled.id}', ${compiled.steps.length} steps)\n`);
      } catch (error) {
        if (!(error instanceof PipelineDefinitionError)) throw error;
        failed++;
        printIssues(error);
      }
    }
    return failed > 0 ? 1 : 0;
  },
};
