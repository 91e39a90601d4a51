import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { generatedDocs } from '../../src/cli/commands/docs.js';
import { preparePipeline } from '../../src/engine.js';
import { readdirSync } from 'node:fs';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const ROOT = new URL('../../', import.meta.url);

describe('generated documentation', () => {
  it("the README's operator and error tables and the pipeline and enigma.yaml JSON Schemas match the code (run `npm run docs`)", async () => {
    const { readme, schema, configSchema } = await generatedDocs();
    expect(await readFile(new URL('README.md', ROOT), 'utf8')).toBe(readme);
    expect(await readFile(new URL('pipelines/pipeline.schema.json', ROOT), 'utf8')).toBe(schema);
    expect(await readFile(new URL('enigma.schema.json', ROOT), 'utf8')).toBe(configSchema);
  });

  it('the JSON Schema accepts the shipped pipelines and rejects a misspelt param', async () => {
    const schema = JSON.parse(
      await readFile(new URL('pipelines/pipeline.schema.json', ROOT), 'utf8'),
    ) as object;
    const validate = new Ajv({ strict: false, validateFormats: false }).compile(schema);
    const pipeline = parse(await readFile(new URL('pipelines/default.yaml', ROOT), 'utf8')) as {
      steps: { op: string; params?: object }[];
    };
    expect(validate(pipeline), JSON.stringify(validate.errors)).toBe(true);
    const bars = pipeline.steps.find((step) => step.op === 'bars');
    if (bars) bars.params = { evry: '1m' };
    expect(validate(pipeline)).toBe(false);
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
