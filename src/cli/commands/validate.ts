import { PipelineDefinitionError } from '../../core/errors.js';
import { preparePipeline } from '../../engine.js';
import type { Command } from '../command.js';
import { printIssues } from '../run-pipeline.js';

export const validateCommand: Command = {
  name: 'validate',
  summary: 'Check pipeline files and list every problem (exit 1 if any).',
  usage: 'enigma validate <pipeline.yaml> [more.yaml ...]',
  run: async (args) => {
    if (args.length === 0 || args.some((arg) => arg.startsWith('-'))) {
      process.stderr.write(`usage: ${validateCommand.usage}\n`);
      return 2;
    }
    let failed = 0;
    for (const file of args) {
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
