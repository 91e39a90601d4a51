import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generatedDocs } from '../../src/cli/commands/docs.js';
import { preparePipeline } from '../../src/engine.js';
import { readdirSync } from 'node:fs';

const ROOT = new URL('../../', import.meta.url);

describe('generated documentation', () => {
  it("the README's operator and error tables and the pipeline JSON Schema match the registry (run `npm run docs`)", async () => {
    const { readme, schema } = await generatedDocs();
    expect(await readFile(new URL('README.md', ROOT), 'utf8')).toBe(readme);
    expect(await readFile(new URL('pipelines/pipeline.schema.json', ROOT), 'utf8')).toBe(schema);
  });

  it('every shipped pipeline compiles', async () => {
    const files = readdirSync(new URL('pipelines/', ROOT)).filter((name) => name.endsWith('.yaml'));
    expect(files).toContain('default.yaml');
    for (const file of files) {
      const { compiled } = await preparePipeline(new URL(`pipelines/${file}`, ROOT).pathname);
      expect(compiled.steps.length).toBeGreaterThan(0);
    }
  });
});
