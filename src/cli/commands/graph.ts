import { PipelineDefinitionError } from '../../core/errors.js';
import { preparePipeline } from '../../engine.js';
import { renderMermaid } from '../../pipeline/render.js';
import type { Command } from '../command.js';
import { printIssues } from '../run-pipeline.js';

export const graphCommand: Command = {
  name: 'graph',
  summary: 'Print a pipeline as a Mermaid flowchart.',
  usage: 'enigma graph <pipeline.yaml>',
  run: async (args) => {
    const [file, ...extra] = args;
    if (file === undefined || extra.length > 0) {
      process.stderr.write(`usage: ${graphCommand.usage}\n`);
      return 2;
    }
    try {
      const { compiled } = await preparePipeline(file);
      process.stdout.write(renderMermaid(compiled));
      return 0;
    } catch (error) {
      if (!(error instanceof PipelineDefinitionError)) throw error;
      printIssues(error);
      return 1;
    }
  },
};
