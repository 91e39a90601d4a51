import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PipelineDefinitionError, type PipelineIssue } from '../../src/core/errors.js';
import { preparePipeline } from '../../src/engine.js';
import { createRegistry } from '../../src/operators/index.js';
import { checkPipeline, type CompiledPipeline } from '../../src/pipeline/compile.js';
import { definePipeline } from '../../src/pipeline/definition.js';
import { loadPipelineFile, parsePipelineYaml } from '../../src/pipeline/load.js';
import { OperatorRegistry } from '../../src/pipeline/registry.js';
import { instantiatePipeline } from '../../src/pipeline/runtime.js';
import { MessageBus } from '../../src/bus/bus.js';
import { ReplayClock } from '../../src/core/clock.js';
import { simulatedMarket } from '../../src/operators/simulated-market.js';

function check(yaml: string): PipelineIssue[] {
  const source = parsePipelineYaml(yaml, 'test.yaml', process.cwd());
  return checkPipeline(source, { registry: createRegistry() }).issues;
}

function codes(issues: readonly PipelineIssue[]): string[] {
  return issues.map((issue) => issue.code);
}

/** What `run` throws; fails the test when it throws nothing. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, but nothing was thrown');
}

const MARKET = `  - id: market\n    op: simulatedMarket\n`;

describe('pipeline compiler', () => {
  it('compiles a valid pipeline into steps ordered after their inputs', () => {
    const source = parsePipelineYaml(
      `id: ok\nsteps:\n  - { id: out, op: console, from: bars }\n  - { id: bars, op: bars, from: market, params: { every: 1m } }\n${MARKET}`,
      'ok.yaml',
      process.cwd(),
    );
    const { compiled, issues } = checkPipeline(source, { registry: createRegistry() });
    expect(issues).toEqual([]);
    expect(compiled?.steps.map((step) => step.id)).toEqual(['market', 'bars', 'out']);
    expect(compiled?.steps[1]?.outputType).toBe('bar');
    expect(compiled?.steps[1]?.name).toBe('ok.bars');
  });

  it('reports three different mistakes at once, each with its step id and line', () => {
    const issues = check(
      `id: three\nsteps:\n${MARKET}  - id: bars\n    op: barz\n    from: market\n  - id: ema\n    op: ema\n    from: market\n    params: { period: 0 }\n  - id: out\n    op: console\n    from: nowhere\n`,
    );
    expect(codes(issues).sort()).toEqual([
      'PIPELINE_BAD_PARAMS',
      'PIPELINE_UNKNOWN_OPERATOR',
      'PIPELINE_UNKNOWN_STEP',
    ]);
    const unknown = issues.find((issue) => issue.code === 'PIPELINE_UNKNOWN_OPERATOR');
    expect(unknown).toMatchObject({ stepId: 'bars', line: 5, file: 'test.yaml' });
    expect(unknown?.message).toContain("did you mean 'bars'");
    expect(issues.find((issue) => issue.code === 'PIPELINE_BAD_PARAMS')?.message).toMatch(
      /period: expected integer to be greater or equal to 1, got 0/,
    );
    expect(issues.find((issue) => issue.code === 'PIPELINE_UNKNOWN_STEP')).toMatchObject({
      stepId: 'out',
      line: 12,
    });
  });

  it('PIPELINE_YAML_SYNTAX: reports YAML errors with their line', () => {
    expect(() => parsePipelineYaml('id: x\nsteps: [\n  - a: b\n', 'bad.yaml', '.')).toThrow(
      PipelineDefinitionError,
    );
    const error = thrownBy(() => parsePipelineYaml('id: x\nsteps:\n  - { id: a, op: b\n', 'bad.yaml', '.'));
    expect(error).toBeInstanceOf(PipelineDefinitionError);
    expect((error as PipelineDefinitionError).issues).toEqual([
      expect.objectContaining({ code: 'PIPELINE_YAML_SYNTAX', file: 'bad.yaml', line: 4 }),
    ]);
  });

  it('PIPELINE_FILE_UNREADABLE: a missing file', async () => {
    await expect(loadPipelineFile('/no/such/pipeline.yaml')).rejects.toMatchObject({
      code: 'PIPELINE_FILE_UNREADABLE',
    });
  });

  it('PIPELINE_INVALID_DEFINITION: wrong shape, unknown keys, missing op', () => {
    expect(codes(check('just text'))).toEqual(['PIPELINE_INVALID_DEFINITION']);
    expect(codes(check('id: x\nsteps: []\n'))).toEqual(['PIPELINE_INVALID_DEFINITION']);
    const issues = check(`id: x\nsteps:\n${MARKET}  - { id: b, form: market }\n`);
    expect(codes(issues)).toEqual(['PIPELINE_INVALID_DEFINITION', 'PIPELINE_INVALID_DEFINITION']);
    expect(issues[0]?.message).toContain("unknown key 'form'");
    expect(issues[1]?.message).toContain('needs `op`');
  });

  it('PIPELINE_INVALID_STEP_ID: ids with dots or spaces', () => {
    const issues = check(
      `id: x\nsteps:\n${MARKET}  - { id: my.bars, op: bars, from: market, params: { every: 1m } }\n`,
    );
    expect(codes(issues)).toEqual(['PIPELINE_INVALID_STEP_ID']);
    expect(issues[0]?.stepId).toBe('my.bars');
  });

  it('PIPELINE_DUPLICATE_STEP: the same id twice', () => {
    const issues = check(`id: x\nsteps:\n${MARKET}${MARKET}`);
    expect(codes(issues)).toEqual(['PIPELINE_DUPLICATE_STEP']);
    expect(issues[0]?.message).toContain('first on line 3');
  });

  it('PIPELINE_BAD_INPUTS: a source with from, a transform without, too many inputs', () => {
    const issues = check(
      `id: x\nsteps:\n${MARKET}  - { id: m2, op: simulatedMarket, from: market }\n  - { id: b, op: bars, params: { every: 1m } }\n  - { id: c, op: bars, from: [market, m2], params: { every: 1m } }\n`,
    );
    expect(codes(issues)).toEqual(['PIPELINE_BAD_INPUTS', 'PIPELINE_BAD_INPUTS', 'PIPELINE_BAD_INPUTS']);
    expect(issues.map((issue) => issue.stepId)).toEqual(['m2', 'b', 'c']);
  });

  it('PIPELINE_CYCLE: steps that feed each other', () => {
    const issues = check(
      `id: x\nsteps:\n${MARKET}  - { id: a, op: filter, from: [c], params: { when: "price > 0" } }\n  - { id: b, op: filter, from: a, params: { when: "price > 0" } }\n  - { id: c, op: filter, from: b, params: { when: "price > 0" } }\n`,
    );
    expect(codes(issues)).toEqual(['PIPELINE_CYCLE']);
    expect(issues[0]?.message).toMatch(/→/);
    expect(issues[0]?.message).toContain('a');
  });

  it('PIPELINE_BAD_PARAMS: wrong types, out of range, unknown names, operator rules', () => {
    const issues = check(
      `id: x\nsteps:\n  - id: market\n    op: simulatedMarket\n    params: { seed: "seven", instruments: [XX 12-26], colour: red }\n  - { id: b, op: bars, from: market, params: { every: 1m, ticks: 5 } }\n`,
    );
    expect(codes(issues).every((code) => code === 'PIPELINE_BAD_PARAMS')).toBe(true);
    const messages = issues.map((issue) => issue.message).join('\n');
    expect(messages).toContain("unknown param 'colour'");
    expect(messages).toContain('seed: expected integer');
    expect(messages).toContain('give exactly one of `every`');
    expect(
      check(
        `id: x\nsteps:\n  - { id: market, op: simulatedMarket, params: { instruments: [XX 12-26] } }\n`,
      )[0]?.message,
    ).toContain("unknown symbol 'XX 12-26'");
  });

  it('PIPELINE_BAD_EXPRESSION: syntax errors and fields the input does not have', () => {
    const issues = check(
      `id: x\nsteps:\n${MARKET}  - { id: a, op: filter, from: market, params: { when: "price >" } }\n  - { id: b, op: filter, from: market, params: { when: "close > 1" } }\n  - { id: c, op: filter, from: market, params: { when: "price + 1" } }\n`,
    );
    expect(codes(issues)).toEqual([
      'PIPELINE_BAD_EXPRESSION',
      'PIPELINE_BAD_EXPRESSION',
      'PIPELINE_BAD_EXPRESSION',
    ]);
    expect(issues[1]?.message).toContain("unknown field 'close'");
    expect(issues[2]?.message).toContain('gives a number, a boolean is needed');
  });

  it('PIPELINE_BAD_EXPRESSION: signal rules are checked against the joined feature names', () => {
    const issues = check(`id: x
steps:
${MARKET}  - { id: bars, op: bars, from: market, params: { every: 1m } }
  - { id: ema9, op: ema, from: bars, params: { period: 9 } }
  - { id: features, op: join, from: [bars, ema9] }
  - id: signals
    op: signalRules
    from: features
    params:
      rules:
        - { name: up, when: "ema9 > ema50", direction: long, price: bars.close }
`);
    expect(codes(issues)).toEqual(['PIPELINE_BAD_EXPRESSION']);
    expect(issues[0]?.message).toContain("unknown field 'ema50'");
    expect(issues[0]?.message).toContain('bars.close');
  });

  it('PIPELINE_BAD_EXPRESSION: unknown fields are reported while an upstream step has errors, where its output is still known', () => {
    const issues = check(`id: x
steps:
${MARKET}  - { id: bars, op: bars, from: market, params: { every: 1x } }
  - { id: ema9, op: ema, from: bars, params: { period: 9 } }
  - { id: rsi, op: rsi, from: bars, params: { period: 0 } }
  - { id: features, op: join, from: [bars, ema9] }
  - { id: rising, op: filter, from: features, params: { when: "ema9 > bars.clos" } }
  - id: signals
    op: signalRules
    from: rising
    params:
      rules:
        - { name: up, when: "ema9 > ema50", direction: long, price: bars.close }
  - { id: hot, op: filter, from: rsi, params: { when: "rsi > 70" } }
`);
    expect(issues.map((issue) => [issue.stepId, issue.code])).toEqual([
      ['bars', 'PIPELINE_BAD_PARAMS'],
      ['rsi', 'PIPELINE_BAD_PARAMS'],
      ['rising', 'PIPELINE_BAD_EXPRESSION'],
      ['signals', 'PIPELINE_BAD_EXPRESSION'],
    ]);
    expect(issues[2]?.message).toContain("unknown field 'bars.clos'");
    expect(issues[3]?.message).toContain("unknown field 'ema50'");
  });

  it('PIPELINE_TYPE_MISMATCH: a step reading a kind its operator does not accept', () => {
    const issues = check(
      `id: x\nsteps:\n${MARKET}  - { id: e, op: ema, from: market }\n  - { id: s, op: signalRules, from: market, params: { rules: [{ name: a, when: "true", direction: long, price: "1" }] } }\n`,
    );
    expect(codes(issues)).toEqual(['PIPELINE_TYPE_MISMATCH', 'PIPELINE_TYPE_MISMATCH']);
    expect(issues[0]?.message).toBe("reads tick messages from 'market', but 'ema' accepts bar");
  });

  it('PIPELINE_NO_SOURCE: nothing would flow', () => {
    expect(codes(check('id: x\nsteps:\n  - { id: a, op: console, from: a }\n'))).toContain('PIPELINE_CYCLE');
    const source = {
      definition: { id: 'x', steps: [{ id: 'b', op: 'bars', from: 'b', params: { every: '1m' } }] },
      file: 'x',
      baseDir: '.',
    };
    expect(codes(checkPipeline(source, { registry: createRegistry() }).issues)).toContain(
      'PIPELINE_NO_SOURCE',
    );
  });

  it('PIPELINE_MODULE_FAILED: a module that cannot load or exports nothing useful', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'enigma-modules-'));
    await writeFile(join(dir, 'empty.mjs'), 'export const nothing = 1;\n');
    await writeFile(
      join(dir, 'p.yaml'),
      `id: x\nmodules: [./missing.ts, ./empty.mjs]\nsteps:\n${MARKET}  - { id: out, op: console, from: market }\n`,
    );
    const error = await preparePipeline(join(dir, 'p.yaml')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PipelineDefinitionError);
    expect(codes((error as PipelineDefinitionError).issues)).toEqual([
      'PIPELINE_MODULE_FAILED',
      'PIPELINE_MODULE_FAILED',
    ]);
  });

  it('PIPELINE_DUPLICATE_OPERATOR: an operator name registered twice', () => {
    expect(() => new OperatorRegistry([simulatedMarket, simulatedMarket])).toThrow(
      expect.objectContaining({ code: 'PIPELINE_DUPLICATE_OPERATOR' }),
    );
  });

  it('PIPELINE_NO_FEATURE_ENGINE: feature steps need a feature engine', () => {
    const source = parsePipelineYaml(
      `id: x\nsteps:\n${MARKET}  - { id: b, op: bars, from: market, params: { every: 1m } }\n  - { id: e, op: ema, from: b }\n`,
      'x',
      '.',
    );
    const { compiled } = checkPipeline(source, { registry: createRegistry() });
    expect(compiled).toBeDefined();
    expect(() =>
      instantiatePipeline(compiled as CompiledPipeline, {
        clock: new ReplayClock(),
        bus: new MessageBus(),
        mode: 'replay',
        dataDir: '.',
      }),
    ).toThrow(expect.objectContaining({ code: 'PIPELINE_NO_FEATURE_ENGINE' }));
  });

  it('definePipeline objects compile through the same compiler as YAML', () => {
    const definition = definePipeline({
      id: 'typed',
      steps: [
        {
          id: 'market',
          op: 'simulatedMarket',
          params: { seed: 1, start: '2026-01-05T14:30:00Z', duration: '1h' },
        },
        { id: 'bars', op: 'bars', from: 'market', params: { ticks: 100 } },
        { id: 'out', op: 'console', from: 'bars' },
      ],
    });
    const { compiled, issues } = checkPipeline(
      { definition, file: '<inline>', baseDir: '.' },
      { registry: createRegistry() },
    );
    expect(issues).toEqual([]);
    expect(compiled?.steps.map((step) => step.operator.name)).toEqual(['simulatedMarket', 'bars', 'console']);
  });
});
