import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { Tick } from '../../src/core/events.js';
import { Engine } from '../../src/engine.js';
import { createRegistry } from '../../src/operators/index.js';
import { checkPipeline } from '../../src/pipeline/compile.js';
import { parsePipelineYaml } from '../../src/pipeline/load.js';

function check(topic: string) {
  const yaml = `
id: market
steps:
  - { id: market, op: simulatedMarket, params: { seed: 3, instruments: [ES 12-26], ticksPerSecond: 10, duration: 10s } }
  - { id: out, op: publish, from: market, params: { topic: ${topic} } }
`;
  return checkPipeline(parsePipelineYaml(yaml, 'market.yaml', '.'), {
    registry: createRegistry(),
    functions: new Map(),
  });
}

describe('publish', () => {
  it.each(['approvedIntents', 'riskCommands', 'executionCommands', 'stored', 'fills', 'positions'])(
    'refuses the engines’ own channel %s: a pipeline cannot bypass the risk gate or fake the book',
    (topic) => {
      const { compiled, issues } = check(topic);
      expect(compiled).toBeUndefined();
      expect(issues).toEqual([
        expect.objectContaining({
          code: 'PIPELINE_BAD_PARAMS',
          stepId: 'out',
          file: 'market.yaml',
          message: expect.stringContaining(
            `topic: expected one of ticks, bars, features, signals, orderIntents, alerts, got "${topic}"`,
          ) as string,
        }),
      ]);
    },
  );

  it('stamps the ticks it publishes with the pipeline as their source', async () => {
    const { compiled, issues } = check('ticks');
    expect(issues).toEqual([]);
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-publish-'));
    try {
      const engine = await Engine.create({ mode: 'replay', dataDir, wasm: false });
      const ticks: Tick[] = [];
      engine.bus.observe(TOPICS.ticks).subscribe((tick) => ticks.push(tick));
      engine.add(compiled as NonNullable<typeof compiled>);
      engine.start();
      await engine.finished();
      expect(ticks.length).toBeGreaterThan(50);
      expect(new Set(ticks.map((tick) => tick.source))).toEqual(new Set(['pipeline:market']));
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
