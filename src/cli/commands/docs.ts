import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { engineConfigJsonSchema } from '../../config/index.js';
import { createRegistry } from '../../operators/index.js';
import { pipelineJsonSchema } from '../../pipeline/schema.js';
import { errorCatalogue, operatorCatalogue, replaceSection } from '../catalogue.js';
import type { Command } from '../command.js';

const ROOT = new URL('../../../', import.meta.url);

/** The generated files and README sections, as they should be now. */
export async function generatedDocs(): Promise<{ readme: string; schema: string; configSchema: string }> {
  const registry = createRegistry();
  let readme = await readFile(fileURLToPath(new URL('README.md', ROOT)), 'utf8');
  readme = replaceSection(readme, 'operators', operatorCatalogue(registry));
  readme = replaceSection(readme, 'errors', errorCatalogue());
  return {
    readme,
    schema: `${JSON.stringify(pipelineJsonSchema(registry), null, 2)}\n`,
    configSchema: `${JSON.stringify(engineConfigJsonSchema(), null, 2)}\n`,
  };
}

export const docsCommand: Command = {
  name: 'docs',
  summary:
    "Regenerate the README's operator and error tables, pipelines/pipeline.schema.json and enigma.schema.json.",
  usage: 'enigma docs --write',
  run: async (args) => {
    if (args[0] !== '--write') {
      process.stderr.write(`usage: ${docsCommand.usage}\n`);
      return 2;
    }
    const { readme, schema, configSchema } = await generatedDocs();
    await writeFile(fileURLToPath(new URL('README.md', ROOT)), readme);
    await writeFile(fileURLToPath(new URL('pipelines/pipeline.schema.json', ROOT)), schema);
    await writeFile(fileURLToPath(new URL('enigma.schema.json', ROOT)), configSchema);
    process.stdout.write('README.md, pipelines/pipeline.schema.json and enigma.schema.json are up to date\n');
    return 0;
  },
};
