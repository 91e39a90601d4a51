import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseEngineConfig, starterConfig } from '../../src/config/index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The YAML block of the README's Configuration section. */
function readmeExample(): string {
  const readme = readFileSync(`${ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('## Configuration: `enigma.yaml`'));
  const match = /```yaml\n([\s\S]*?)```/.exec(section);
  if (!match?.[1]) throw new Error('no yaml block in the Configuration section');
  return match[1];
}

describe('enigma.yaml examples and JSON Schema', () => {
  it("the README's full example validates as shown, from the repository root", () => {
    const config = parseEngineConfig(readmeExample(), 'README.md', ROOT);
    expect(config.accounts.map((account) => [account.id, account.broker, account.mode])).toEqual([
      ['SIM-50K', 'paper', 'auto'],
      ['APEX-12345', 'ninjatrader', 'confirm'],
    ]);
    expect(config.gateway).toEqual({
      listen: { host: '127.0.0.1', port: 8686 },
      token: { env: 'ENIGMA_TOKEN' },
    });
    expect(config.pipelines).toEqual([`${ROOT}pipelines/default.yaml`]);
  });

  it('the checked-in JSON Schema accepts the README example and the starter, and rejects a misspelt key or a token', () => {
    const schema = JSON.parse(readFileSync(`${ROOT}enigma.schema.json`, 'utf8')) as object;
    const validate = new Ajv({ strict: false }).compile(schema);
    const example = parse(readmeExample()) as {
      accounts: Record<string, unknown>[];
      gateway: Record<string, unknown>;
    };
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);
    const starter = parse(
      starterConfig({ schema: 'enigma.schema.json', pipeline: 'pipelines/default.yaml' }),
    ) as object;
    expect(validate(starter), JSON.stringify(validate.errors)).toBe(true);
    expect(validate({ ...example, accounts: [{ ...example.accounts[0], modee: 'auto' }] })).toBe(false);
    expect(validate({ ...example, gateway: { ...example.gateway, token: 'abcdefabcdefabcdef' } })).toBe(
      false,
    );
  });
});
