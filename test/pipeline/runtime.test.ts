import { Type } from '@sinclair/typebox';
import { Observable } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { DeadLetter, Features, Tick } from '../../src/core/events.js';
import { referenceFeatureEngine } from '../../src/kernels/reference/feature-engine.js';
import { createRegistry } from '../../src/operators/index.js';
import { checkPipeline, type CompiledPipeline } from '../../src/pipeline/compile.js';
import { parsePipelineYaml } from '../../src/pipeline/load.js';
import { defineOperator, type Sink } from '../../src/pipeline/operator.js';
import type { OperatorRegistry } from '../../src/pipeline/registry.js';
import { instantiatePipeline } from '../../src/pipeline/runtime.js';

function tick(symbol: string, ts: number, price: number): Tick {
  return { symbol, ts, price, size: 1, bid: price - 0.25, ask: price, side: 'buy' };
}

/** A test source that counts its subscriptions and emits the given ticks. */
function countingSource(ticks: readonly Tick[], counter: { subscriptions: number }) {
  return defineOperator({
    kind: 'source',
    name: 'fixedTicks',
    summary: 'test ticks',
    output: 'tick',
    params: Type.Object({}),
    create: () =>
      new Observable<Tick>((subscriber) => {
        counter.subscriptions++;
        for (const t of ticks) subscriber.next(t);
        subscriber.complete();
      }),
  });
}

/** A test sink that keeps what it receives. */
function collectingSink(into: unknown[], onWrite?: () => void) {
  return defineOperator({
    kind: 'sink',
    name: 'collect',
    summary: 'test sink',
    inputs: 'any',
    maxInputs: 4,
    params: Type.Object({}),
    create: (): Sink => ({
      write: (message) => {
        into.push(message);
        onWrite?.();
      },
      close: async () => undefined,
    }),
  });
}

function compileWith(registry: OperatorRegistry, yaml: string): CompiledPipeline {
  const { compiled, issues } = checkPipeline(parsePipelineYaml(yaml, 'test.yaml', process.cwd()), {
    registry,
  });
  expect(issues).toEqual([]);
  return compiled as CompiledPipeline;
}

/** Runs `yaml`, where `fixedTicks` replays `ticks` and `collect` keeps what reaches it; returns that. */
async function collectFrom<T>(ticks: readonly Tick[], yaml: string): Promise<T[]> {
  const out: T[] = [];
  const registry = createRegistry();
  registry.register(countingSource(ticks, { subscriptions: 0 }));
  registry.register(collectingSink(out as unknown[]));
  const running = run(compileWith(registry, yaml));
  running.start();
  await running.done;
  return out;
}

function run(pipeline: CompiledPipeline, bus = new MessageBus()) {
  return instantiatePipeline(pipeline, {
    clock: new ReplayClock(),
    bus,
    mode: 'replay',
    dataDir: process.cwd(),
    featureEngine: referenceFeatureEngine,
  });
}

describe('pipeline runtime', () => {
  it('shares fan-out: two consumers of one step cause one upstream subscription', async () => {
    const counter = { subscriptions: 0 };
    const ticks = [tick('ES 12-26', 1, 100), tick('ES 12-26', 2, 101)];
    const left: unknown[] = [];
    const right: unknown[] = [];
    const registry = createRegistry();
    registry.register(countingSource(ticks, counter));
    registry.register(collectingSink(left));
    registry.register({ ...collectingSink(right), name: 'collectRight' });
    const pipeline = compileWith(
      registry,
      `id: fan\nsteps:\n  - { id: src, op: fixedTicks }\n  - { id: a, op: collect, from: src }\n  - { id: b, op: collectRight, from: src }\n`,
    );
    const running = run(pipeline);
    running.start();
    await running.done;
    expect(counter.subscriptions).toBe(1);
    expect(left).toEqual(ticks);
    expect(right).toEqual(ticks);
  });

  it('sends a message that makes a step throw to the dead-letter stream and keeps running', async () => {
    const ticks = [tick('ES 12-26', 1, 100), tick('ES 12-26', 2, 0.5), tick('ES 12-26', 3, 102)];
    const out: unknown[] = [];
    const registry = createRegistry();
    registry.register(countingSource(ticks, { subscriptions: 0 }));
    registry.register(collectingSink(out));
    registry.register(
      defineOperator({
        kind: 'transform',
        name: 'explodeOnPenny',
        summary: 'throws on prices below 1',
        inputs: ['tick'],
        output: 'tick',
        params: Type.Object({}),
        create: () => ({
          next: (message, emit) => {
            if ((message as Tick).price < 1) throw new Error('price below one dollar');
            emit(message);
          },
        }),
      }),
    );
    const pipeline = compileWith(
      registry,
      `id: dl\nsteps:\n  - { id: src, op: fixedTicks }\n  - { id: risky, op: explodeOnPenny, from: src }\n  - { id: out, op: collect, from: risky }\n`,
    );
    const bus = new MessageBus();
    const onBus: DeadLetter[] = [];
    bus.observe(TOPICS.deadLetters).subscribe((letter) => onBus.push(letter));
    const running = run(pipeline, bus);
    const letters: DeadLetter[] = [];
    running.deadLetters$.subscribe((letter) => letters.push(letter));
    running.start();
    const metrics = await running.done;
    expect(out).toEqual([ticks[0], ticks[2]]);
    expect(letters).toEqual([
      { ts: 2, origin: 'dl.risky', code: 'STEP_FAILED', reason: 'price below one dollar', message: ticks[1] },
    ]);
    expect(onBus).toEqual(letters);
    const risky = metrics.steps.find((step) => step.step === 'dl.risky');
    expect(risky).toMatchObject({ in: 3, out: 2, errors: 1, deadLettered: 1 });
    expect(metrics.deadLetters).toBe(1);
  });

  it('keeps per-instrument state apart (keyed by symbol)', async () => {
    const ticks = [
      tick('ES 12-26', 1, 100),
      tick('NQ 12-26', 2, 200),
      tick('ES 12-26', 3, 101),
      tick('NQ 12-26', 4, 201),
    ];
    const out = await collectFrom<unknown>(
      ticks,
      `id: keyed\nsteps:\n  - { id: src, op: fixedTicks }\n  - { id: bars, op: bars, from: src, params: { ticks: 2 } }\n  - { id: out, op: collect, from: bars }\n`,
    );
    expect(out).toEqual([
      {
        symbol: 'ES 12-26',
        ts: 1,
        end: 3,
        open: 100,
        high: 101,
        low: 100,
        close: 101,
        volume: 2,
        buyVolume: 2,
        sellVolume: 0,
        trades: 2,
      },
      {
        symbol: 'NQ 12-26',
        ts: 2,
        end: 4,
        open: 200,
        high: 201,
        low: 200,
        close: 201,
        volume: 2,
        buyVolume: 2,
        sellVolume: 0,
        trades: 2,
      },
    ]);
  });

  it('fuses feature steps that read the same bars into one node emitting every feature', async () => {
    const ticks = Array.from({ length: 40 }, (_, i) => tick('ES 12-26', i + 1, 100 + (i % 7)));
    const out: Features[] = [];
    const registry = createRegistry();
    registry.register(countingSource(ticks, { subscriptions: 0 }));
    registry.register(collectingSink(out as unknown[]));
    const pipeline = compileWith(
      registry,
      `id: fused
steps:
  - { id: src, op: fixedTicks }
  - { id: bars, op: bars, from: src, params: { ticks: 1 } }
  - { id: fast, op: sma, from: bars, params: { period: 3 } }
  - { id: slow, op: sma, from: bars, params: { period: 5 } }
  - { id: both, op: join, from: [fast, slow] }
  - { id: out, op: collect, from: both }
`,
    );
    const running = run(pipeline);
    running.start();
    const metrics = await running.done;
    expect(metrics.steps.map((step) => step.step)).toContain('fused.fast+slow');
    // Both SMAs are warm from the fifth bar on: 40 - 4 messages, each with both values.
    expect(out).toHaveLength(36);
    const prices = ticks.map((t) => t.price);
    const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
    expect(out[0]?.values['fast']).toBeCloseTo(mean(prices.slice(2, 5)), 12);
    expect(out[0]?.values['slow']).toBeCloseTo(mean(prices.slice(0, 5)), 12);
    expect(out[35]?.values['slow']).toBeCloseTo(mean(prices.slice(35, 40)), 12);
  });

  it('reports each feature step warm or warming up, with the bars the busiest instrument has fed it', async () => {
    const pipelineYaml = `id: warm
steps:
  - { id: src, op: fixedTicks }
  - { id: bars, op: bars, from: src, params: { ticks: 1 } }
  - { id: channel, op: donchian, from: bars, params: { period: 6 } }
  - { id: atr3, op: atr, from: bars, params: { period: 3 } }
  - { id: out, op: collect, from: [channel, atr3] }
`;
    const featuresAfter = async (ticks: readonly Tick[]) => {
      const registry = createRegistry();
      registry.register(countingSource(ticks, { subscriptions: 0 }));
      registry.register(collectingSink([]));
      const running = run(compileWith(registry, pipelineYaml));
      running.start();
      return (await running.done).features;
    };
    const es = (n: number) => Array.from({ length: n }, (_, i) => tick('ES 12-26', i + 1, 100 + (i % 5)));
    expect(await featuresAfter([])).toEqual([
      { step: 'channel', warm: false, inputs: 0, unit: 'bar' },
      { step: 'atr3', warm: false, inputs: 0, unit: 'bar' },
    ]);
    expect(await featuresAfter(es(4))).toEqual([
      { step: 'channel', warm: false, inputs: 4, unit: 'bar' },
      { step: 'atr3', warm: true, inputs: 4, unit: 'bar' },
    ]);
    // Another instrument's bars do not add up: warm-up is per instrument.
    const two = [...es(5), ...Array.from({ length: 2 }, (_, i) => tick('NQ 12-26', 10 + i, 21000))];
    expect((await featuresAfter(two)).map((f) => [f.step, f.warm, f.inputs])).toEqual([
      ['channel', false, 5],
      ['atr3', true, 5],
    ]);
    expect((await featuresAfter(es(6))).map((f) => f.warm)).toEqual([true, true]);
  });

  it('stop() ends a live source, drains the graph and flushes the sinks', async () => {
    const out: unknown[] = [];
    let firstBar: () => void = () => undefined;
    const flowing = new Promise<void>((resolve) => (firstBar = resolve));
    const registry = createRegistry();
    registry.register(collectingSink(out, () => firstBar()));
    const pipeline = compileWith(
      registry,
      `id: live\nsteps:\n  - { id: market, op: simulatedMarket, params: { ticksPerSecond: 1000000, maxTicks: 50000000 } }\n  - { id: bars, op: bars, from: market, params: { ticks: 10 } }\n  - { id: out, op: collect, from: bars }\n`,
    );
    const running = run(pipeline);
    running.start();
    await flowing; // stops a source in full flow: bars are reaching the sink
    running.stop();
    const metrics = await running.done;
    expect(metrics.sourceMessages).toBeGreaterThan(0);
    expect(metrics.sourceMessages).toBeLessThan(50_000_000);
    // Every tick reached the bars step; the last, partial bars were flushed on completion.
    const bars = metrics.steps.find((step) => step.step === 'live.bars');
    expect(bars?.in).toBe(metrics.sourceMessages);
    expect(out.length).toBe(bars?.out);
    expect(out.length).toBeGreaterThanOrEqual(Math.floor(metrics.sourceMessages / 10));
  });
});

describe('join', () => {
  it('waits for every input per instrument, then merges the latest values with bars prefixed by their step', async () => {
    const ticks = [
      tick('ES 12-26', 1, 100),
      tick('ES 12-26', 2, 102),
      tick('ES 12-26', 3, 104),
      tick('NQ 12-26', 4, 200),
    ];
    const out = await collectFrom<Features>(
      ticks,
      `id: joined
steps:
  - { id: src, op: fixedTicks }
  - { id: bars, op: bars, from: src, params: { ticks: 1 } }
  - { id: avg, op: window, from: bars, params: { value: close, size: 2, aggregates: [mean] } }
  - { id: both, op: join, from: [avg, bars] }
  - { id: out, op: collect, from: both }
`,
    );
    // ES: bar 1 has no average yet; bars 2 and 3 each give one message holding the bar and the
    // average computed from it, never the new bar with the old average. NQ never has an average.
    expect(
      out.map((features) => [features.ts, features.values['avg.mean'], features.values['bars.close']]),
    ).toEqual([
      [2, 101, 102],
      [3, 103, 104],
    ]);
    expect(Object.keys(out[0]?.values ?? {}).sort()).toEqual(
      [
        'avg.mean',
        'bars.buyVolume',
        'bars.close',
        'bars.high',
        'bars.low',
        'bars.open',
        'bars.sellVolume',
        'bars.trades',
        'bars.volume',
      ].sort(),
    );
  });
});

describe('turns', () => {
  it('flushes joins upstream first, so a join of joins emits once per turn with fresh values', async () => {
    const ticks = [tick('ES 12-26', 1, 100), tick('ES 12-26', 2, 102), tick('ES 12-26', 3, 104)];
    const out = await collectFrom<Features>(
      ticks,
      `id: nested
steps:
  - { id: src, op: fixedTicks }
  - { id: bars, op: bars, from: src, params: { ticks: 1 } }
  - { id: double, op: map, from: bars, params: { values: { close: "close * 2" } } }
  - { id: triple, op: map, from: bars, params: { values: { close: "close * 3" } } }
  - { id: inner, op: join, from: [double, bars] }
  - { id: outer, op: join, from: [inner, triple] }
  - { id: out, op: collect, from: outer }
`,
    );
    expect(
      out.map((f) => [f.values['bars.close'], f.values['double.close'], f.values['triple.close']]),
    ).toEqual([
      [100, 200, 300],
      [102, 204, 306],
      [104, 208, 312],
    ]);
  });
});

describe('feature groups as inputs', () => {
  it('gives a step reading one member of a fused group every field of the group', async () => {
    const ticks = Array.from({ length: 12 }, (_, i) => tick('ES 12-26', i + 1, 100 + i));
    const out = await collectFrom<unknown>(
      ticks,
      `id: member
steps:
  - { id: src, op: fixedTicks }
  - { id: bars, op: bars, from: src, params: { ticks: 1 } }
  - { id: slow, op: sma, from: bars, params: { period: 4 } }
  - { id: fast, op: sma, from: bars, params: { period: 2 } }
  - id: rising
    op: signalRules
    from: fast
    params: { rules: [{ name: up, when: "fast > 101", direction: long, price: fast }] }
  - { id: out, op: collect, from: rising }
`,
    );
    // The group is slow+fast (slow first); `fast` must still be readable by the rule.
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({ direction: 'long', price: 102.5 });
  });
});
