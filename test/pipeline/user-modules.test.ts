import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine, preparePipeline } from '../../src/engine.js';

const MODULE = new URL('../fixtures/modules/spread-operators.ts', import.meta.url).pathname;

describe('user operator modules', () => {
  it('registers operators and functions from a TypeScript module named in the pipeline', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-user-'));
    const file = join(dir, 'user.yaml');
    await writeFile(
      file,
      `id: user
modules: [${MODULE}]
steps:
  - { id: market, op: simulatedMarket, params: { maxTicks: 500, instruments: [ES 12-26] } }
  - { id: doubled, op: map, from: market, params: { fn: doubleSize } }
  - { id: spread, op: spreadInTicks, from: doubled, params: { tickSize: 0.25 } }
  - { id: wide, op: filter, from: spread, params: { when: "spread >= 1" } }
  - { id: out, op: jsonl, from: [wide, doubled], params: { path: out.jsonl } }
`,
    );
    const { compiled } = await preparePipeline(file);
    expect(compiled.steps.find((step) => step.id === 'spread')?.numericFields).toEqual(['spread']);
    const engine = await Engine.create({ mode: 'replay', dataDir: dir, wasm: false });
    engine.add(compiled);
    engine.start();
    const [metrics] = await engine.finished();
    expect(metrics?.sourceMessages).toBe(500);
    const lines = (await readFile(join(dir, 'out.jsonl'), 'utf8'))
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    const ticks = lines.filter((line) => 'price' in line);
    const spreads = lines.filter((line) => 'values' in line);
    expect(ticks).toHaveLength(500);
    expect(spreads).toHaveLength(500);
    expect(spreads.every((line) => ((line['values'] as Record<string, number>)['spread'] ?? 0) >= 1)).toBe(
      true,
    );
    expect((ticks[0]?.['size'] as number) % 2).toBe(0);
  });

  it('refuses map with a function no module exports', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-user-'));
    const file = join(dir, 'bad.yaml');
    await writeFile(
      file,
      `id: bad\nmodules: [${MODULE}]\nsteps:\n  - { id: m, op: simulatedMarket }\n  - { id: x, op: map, from: m, params: { fn: tripleSize } }\n`,
    );
    await expect(preparePipeline(file)).rejects.toThrow(
      "fn: no module exports a function 'tripleSize' (known: doubleSize)",
    );
  });
});
