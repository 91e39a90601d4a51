import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { compileFeature, OPCODES } from '../../src/kernels/feature-program.js';
import { FEATURE_OPERATORS } from '../../src/kernels/operators/index.js';
import { referenceFeatureEngine } from '../../src/kernels/reference/feature-engine.js';
import { loadWasmFeatureEngineSync } from '../../src/kernels/wasm/feature-engine.js';
import { validateParams } from '../../src/pipeline/params.js';
import type { CompileContext, FeatureOperator, FeatureSpec } from '../../src/pipeline/operator.js';
import { bars, firstMismatch, ticks } from './helpers.js';

const features = FEATURE_OPERATORS.filter((op): op is FeatureOperator => op.kind === 'feature');
const kebab = (name: string): string => name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

function defaultSpec(op: FeatureOperator, stepId: string): FeatureSpec {
  const result = validateParams(op.params, {});
  if (!result.ok) throw new Error(result.problems.join('; '));
  return op.spec(result.params as never, stepId);
}

describe('feature operators', () => {
  it('cover every kernel, each a feature operator named like its file', () => {
    expect(features).toHaveLength(FEATURE_OPERATORS.length);
    expect(features.map((op) => op.name).sort()).toEqual(Object.keys(OPCODES).sort());
    for (const op of features) {
      const source = readFileSync(
        new URL(`../../src/kernels/operators/${kebab(op.name)}.ts`, import.meta.url),
        'utf8',
      );
      expect(source).toContain(`export const ${op.name} = defineOperator(`);
      expect(source).toContain('@example');
      expect(source).toMatch(/\* 1\. /);
    }
  });

  it('build specs from their defaults that compile to their own kernel, with their params and one value per output', () => {
    const engines = [loadWasmFeatureEngineSync(), referenceFeatureEngine];
    for (const op of features) {
      const spec = defaultSpec(op, 'step');
      expect(spec.kind).toBe(op.name);
      expect(spec.input).toBe(op.input);
      const compiled = compileFeature(spec);
      expect([compiled.kind, compiled.opcode, compiled.input]).toEqual([
        op.name,
        OPCODES[op.name as keyof typeof OPCODES],
        op.input,
      ]);
      expect(compiled.width).toBe(spec.outputs.length);
      // The kernel runs with the operator's own defaults (e.g. ema 21), not the kernel's fallbacks.
      const length = spec.params['period'] ?? spec.params['window'];
      if (length !== undefined) expect(compiled.args[0]).toBe(length);
      for (const engine of engines) expect(engine.fuse([spec]).width).toBe(spec.outputs.length);
    }
  });

  it('name outputs by step id, with `.output` suffixes for multi-output features', () => {
    const byName = Object.fromEntries(features.map((op) => [op.name, op]));
    expect(defaultSpec(byName['ema'] as FeatureOperator, 'ema21').outputs).toEqual(['ema21']);
    expect(defaultSpec(byName['bollinger'] as FeatureOperator, 'bb').outputs).toEqual([
      'bb.upper',
      'bb.middle',
      'bb.lower',
    ]);
    expect(defaultSpec(byName['macd'] as FeatureOperator, 'macd').outputs).toEqual([
      'macd.line',
      'macd.signal',
      'macd.histogram',
    ]);
    expect(defaultSpec(byName['donchian'] as FeatureOperator, 'dc').outputs).toEqual([
      'dc.upper',
      'dc.middle',
      'dc.lower',
    ]);
  });

  it('reject params out of range through their schema', () => {
    const ema = features.find((op) => op.name === 'ema') as FeatureOperator;
    expect(validateParams(ema.params, { period: 0 }).ok).toBe(false);
    expect(validateParams(ema.params, { period: 21, field: 'volume' }).ok).toBe(false);
    expect(validateParams(ema.params, { period: 21, colour: 'red' }).ok).toBe(false);
  });

  it('reject a MACD whose fast period is not below its slow one', () => {
    const macd = features.find((op) => op.name === 'macd') as FeatureOperator;
    const params = validateParams(macd.params, { fast: 26, slow: 12 });
    expect(params.ok).toBe(true);
    // The MACD check reads only its params; the rest of the compile context is not needed.
    const context = {
      pipelineId: 'p',
      stepId: 'macd',
      baseDir: '.',
      inputs: [],
    } as unknown as CompileContext;
    expect(macd.check?.(params.ok ? (params.params as never) : (undefined as never), context)).toHaveLength(
      1,
    );
  });

  it('run every default bar feature fused in one kernel on both engines, equal to each other', () => {
    const specs = features.filter((op) => op.input === 'bar').map((op, i) => defaultSpec(op, `f${i}`));
    const series = bars({ length: 600, seed: 51 });
    const [a, b] = [loadWasmFeatureEngineSync(), referenceFeatureEngine].map((engine) => {
      const kernel = engine.fuse(specs);
      const slot = kernel.addInstrument();
      const out = new Float64Array(kernel.width);
      let warm = false;
      for (const bar of series) warm = kernel.updateBar(slot, bar, out);
      expect(warm).toBe(true);
      expect(out.every(Number.isFinite)).toBe(true);
      return out;
    }) as [Float64Array, Float64Array];
    expect(firstMismatch(a, b, 1e-9)).toBe(-1);
  });

  it('run every default tick feature fused in one kernel on both engines', () => {
    const specs = features.filter((op) => op.input === 'tick').map((op, i) => defaultSpec(op, `t${i}`));
    const series = ticks({ length: 600, seed: 52 });
    for (const engine of [loadWasmFeatureEngineSync(), referenceFeatureEngine]) {
      const kernel = engine.fuse(specs);
      const slot = kernel.addInstrument();
      const out = new Float64Array(kernel.width);
      let warm = false;
      for (const tick of series) warm = kernel.updateTick(slot, tick, out);
      expect(warm).toBe(true);
      expect(out.every(Number.isFinite)).toBe(true);
    }
  });
});
