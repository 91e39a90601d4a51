/**
 * The spine's figures: in-process replay throughput of the default pipeline (ticks/s, per-step
 * p99) and the graph's own overhead per message per step, beside plain-function and raw-RxJS
 * chains measured in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { map, Observable, type OperatorFunction } from 'rxjs';
import { MessageBus } from '../../src/bus/bus.js';
import { DEFAULT_ACCOUNTS } from '../../src/config/index.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Tick } from '../../src/core/events.js';
import { replaceTickSources } from '../../src/engine.js';
import { referenceFeatureEngine } from '../../src/kernels/reference/feature-engine.js';
import { loadWasmFeatureEngine } from '../../src/kernels/wasm/feature-engine.js';
import { checkPipeline, type CompiledPipeline } from '../../src/pipeline/compile.js';
import type { PipelineDefinition } from '../../src/pipeline/definition.js';
import { loadPipelineFile, type PipelineSource } from '../../src/pipeline/load.js';
import type { FeatureEngine } from '../../src/pipeline/operator.js';
import type { OperatorRegistry } from '../../src/pipeline/registry.js';
import { instantiatePipeline, type PipelineMetricsSnapshot } from '../../src/pipeline/runtime.js';
import type { Suite } from '../suite.js';
import { benchRegistry, generateTicks, median } from '../support/bench-registry.js';

function compileOrThrow(source: PipelineSource, registry: OperatorRegistry): CompiledPipeline {
  const { compiled, issues } = checkPipeline(source, { registry });
  if (!compiled) throw new Error(issues.map((issue) => issue.message).join('\n'));
  return compiled;
}

async function runOnce(
  pipeline: CompiledPipeline,
  dataDir: string,
  featureEngine: FeatureEngine,
): Promise<{ seconds: number; metrics: PipelineMetricsSnapshot }> {
  const run = instantiatePipeline(pipeline, {
    clock: new ReplayClock(),
    bus: new MessageBus(),
    mode: 'replay',
    dataDir,
    featureEngine,
    // The kelly step sizes for the accounts the engine trades: the embedded default one.
    accounts: DEFAULT_ACCOUNTS,
  });
  const start = performance.now();
  run.start();
  const metrics = await run.done;
  const seconds = (performance.now() - start) / 1000;
  run.dispose();
  return { seconds, metrics };
}

/** ns per message per link for a chain of `length` links, by timing `length` and 0 links. */
function chainCost(
  ticks: readonly Tick[],
  build: (length: number) => (tick: Tick) => void,
  length: number,
  rounds: number,
): number {
  const time = (links: number): number => {
    const push = build(links);
    const start = performance.now();
    for (const tick of ticks) push(tick);
    return performance.now() - start;
  };
  const costs: number[] = [];
  for (let round = 0; round < rounds; round++)
    costs.push(((time(length) - time(0)) * 1e6) / (ticks.length * length));
  return median(costs);
}

const suite: Suite = async ({ quick }) => {
  const count = quick ? 300_000 : 2_000_000;
  const rounds = quick ? 3 : 5;
  const ticks = generateTicks(count);
  const registry = benchRegistry(ticks);
  const dataDir = mkdtempSync(join(tmpdir(), 'enigma-bench-'));
  const rows: Record<string, string | number>[] = [];
  const notes: string[] = [];
  const figures: Record<string, number> = {};
  try {
    // 1. The default pipeline replayed from memory, with metrics on, WASM and TypeScript features.
    const loaded = await loadPipelineFile(new URL('../../pipelines/default.yaml', import.meta.url).pathname);
    const definition: PipelineDefinition = {
      ...loaded.definition,
      steps: loaded.definition.steps.map((step) =>
        step.op === 'console' ? { ...step, op: 'discard', params: {} } : step,
      ),
    };
    const source = replaceTickSources({ ...loaded, definition }, registry, { op: 'arrayReplay', params: {} });
    const pipeline = compileOrThrow(source, registry);
    // Engines alternate round by round so JIT warm-up and machine noise fall on both alike.
    const engines = [
      ['wasm', await loadWasmFeatureEngine()],
      ['typescript', referenceFeatureEngine],
    ] as const;
    for (const [, engine] of engines) await runOnce(pipeline, dataDir, engine);
    const runs = new Map<string, { seconds: number; metrics: PipelineMetricsSnapshot }[]>(
      engines.map(([label]) => [label, []]),
    );
    for (let round = 0; round < rounds; round++) {
      for (const [label, engine] of engines) runs.get(label)?.push(await runOnce(pipeline, dataDir, engine));
    }
    for (const [label] of engines) {
      const measured = (runs.get(label) ?? []).sort((a, b) => a.seconds - b.seconds);
      const medianRun = measured[Math.floor(measured.length / 2)];
      rows.push({
        measure: `default pipeline replay, ${label} features`,
        median: Math.round(count / (medianRun?.seconds ?? NaN)),
        unit: 'ticks/s',
        note: `${count.toLocaleString('en-US')} ticks, median of ${rounds} runs`,
      });
      if (label === 'wasm') figures['pipeline.replayTicksPerSecond'] = count / (medianRun?.seconds ?? NaN);
      if (label === 'wasm' && medianRun) {
        for (const step of medianRun.metrics.steps) {
          rows.push({
            measure: `  step ${step.step} p99`,
            median: step.p99Nanos,
            unit: 'ns',
            note: `${step.in.toLocaleString('en-US')} in, ${step.out.toLocaleString('en-US')} out`,
          });
        }
      }
    }

    // 2. Graph overhead per message per step: chains of pass-through steps, 10 against 0.
    const chain = (links: number): PipelineDefinition => ({
      id: 'chain',
      steps: [
        { id: 'src', op: 'arrayReplay' },
        ...Array.from({ length: links }, (_, i) => ({
          id: `p${i}`,
          op: 'passThrough',
          from: i === 0 ? 'src' : `p${i - 1}`,
        })),
        { id: 'out', op: 'discard', from: links === 0 ? 'src' : `p${links - 1}` },
      ],
    });
    const graphCosts: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const long = await runOnce(
        compileOrThrow({ definition: chain(10), file: 'chain', baseDir: '.' }, registry),
        dataDir,
        referenceFeatureEngine,
      );
      const short = await runOnce(
        compileOrThrow({ definition: chain(0), file: 'chain', baseDir: '.' }, registry),
        dataDir,
        referenceFeatureEngine,
      );
      graphCosts.push(((long.seconds - short.seconds) * 1e9) / (count * 10));
    }
    const sample = ticks.slice(0, Math.min(ticks.length, 1_000_000));
    const plain = chainCost(
      sample,
      (links) => {
        let sink = 0;
        let fn = (tick: Tick): void => void (sink += tick.size);
        for (let i = 0; i < links; i++) {
          const next = fn;
          fn = (tick) => next(tick);
        }
        return fn;
      },
      10,
      rounds,
    );
    const rx = chainCost(
      sample,
      (links) => {
        let push: (tick: Tick) => void = () => undefined;
        const source = new Observable<Tick>((subscriber) => void (push = (tick) => subscriber.next(tick)));
        const operators: OperatorFunction<Tick, Tick>[] = Array.from({ length: links }, () =>
          map((tick: Tick) => tick),
        );
        operators
          .reduce<Observable<Tick>>((observable, operator) => observable.pipe(operator), source)
          .subscribe(() => undefined);
        return (tick) => push(tick);
      },
      10,
      rounds,
    );
    const graph = median(graphCosts);
    figures['pipeline.graphOverheadNanosPerStep'] = graph;
    rows.push({
      measure: 'graph overhead per message per step (Enigma step, metrics on)',
      median: Number(graph.toFixed(1)),
      unit: 'ns',
      note: `ratio to plain function ${(graph / plain).toFixed(1)}×, to RxJS map ${(graph / rx).toFixed(2)}×`,
    });
    rows.push({
      measure: 'plain function call per link (floor)',
      median: Number(plain.toFixed(1)),
      unit: 'ns',
      note: 'same run',
    });
    rows.push({
      measure: 'raw RxJS map operator per link',
      median: Number(rx.toFixed(1)),
      unit: 'ns',
      note: 'same run',
    });
    notes.push(
      'Replay figures include the whole default pipeline: bars, fused features, join, rules, simulated Enigma signals, JSON-lines sink; console replaced by a discarding sink.',
    );
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  return { name: 'pipeline (spine)', rows, notes, figures };
};

export default suite;
