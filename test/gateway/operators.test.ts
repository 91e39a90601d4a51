import { firstValueFrom, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type NinjaTraderCommand } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { OrderIntent, Signal, Tick } from '../../src/core/events.js';
import { ninjatrader, ninjatraderOrders, signalToOrder } from '../../src/gateway/operators/index.js';
import { createRegistry } from '../../src/operators/index.js';
import { checkPipeline } from '../../src/pipeline/compile.js';
import { parsePipelineYaml } from '../../src/pipeline/load.js';
import type { RunContext } from '../../src/pipeline/operator.js';

function runContext(bus: MessageBus, clock = new ReplayClock(5_000_000)): RunContext {
  return {
    pipelineId: 'p',
    stepId: 's',
    baseDir: '.',
    inputs: [],
    functions: new Map(),
    clock,
    bus,
    mode: 'live',
    dataDir: 'data',
    deadLetter: () => undefined,
  };
}

const tickOf = (symbol: string): Tick => ({ symbol, ts: 1, price: 1, size: 1, bid: 1, ask: 1, side: 'buy' });
const signalOf = (direction: Signal['direction']): Signal => ({
  source: 'enigma',
  symbol: 'NQ 12-26',
  ts: 77,
  direction,
  strength: 'normal',
  power: 1,
  confluence: 1,
  price: 21000,
});

describe('gateway pipeline operators', () => {
  it('ninjatrader reads the stream it is given, for the symbols asked', async () => {
    const bus = new MessageBus();
    const ticks = firstValueFrom(
      ninjatrader.create({ stream: 'tick', symbols: ['NQ 12-26'] }, runContext(bus)).pipe(take(2), toArray()),
    );
    bus.publish(TOPICS.ticks, tickOf('NQ 12-26'));
    bus.publish(TOPICS.ticks, tickOf('ES 12-26'));
    bus.publish(TOPICS.signals, signalOf('long'));
    bus.publish(TOPICS.ticks, tickOf('NQ 12-26'));
    expect((await ticks).map((t) => (t as Tick).symbol)).toEqual(['NQ 12-26', 'NQ 12-26']);
  });

  it('ninjatrader declares the kind of its stream, so the compiler checks what reads it', () => {
    const compile = (stream: string) =>
      checkPipeline(
        parsePipelineYaml(
          `id: nt\nsteps:\n  - { id: nt, op: ninjatrader, params: { stream: ${stream} } }\n  - { id: bars, op: bars, from: nt, params: { every: 1m } }\n  - { id: out, op: console, from: bars }\n`,
          'nt.yaml',
          process.cwd(),
        ),
        { registry: createRegistry() },
      );
    const ticks = compile('tick');
    expect(ticks.issues).toEqual([]);
    expect(ticks.compiled?.steps.map((step) => [step.id, step.outputType])).toEqual([
      ['nt', 'tick'],
      ['bars', 'bar'],
      ['out', undefined],
    ]);
    expect(compile('fill').issues).toEqual([
      expect.objectContaining({
        code: 'PIPELINE_TYPE_MISMATCH',
        stepId: 'bars',
        message: "reads fill messages from 'nt', but 'bars' accepts tick",
      }),
    ]);
  });

  it('signalToOrder makes a one-contract market order in the direction of a signal, none for neutral', () => {
    const step = signalToOrder.create({ account: 'Sim101', idPrefix: 'rt' }, runContext(new MessageBus()));
    const intents: OrderIntent[] = [];
    for (const direction of ['long', 'short', 'neutral'] as const)
      step.next(signalOf(direction), (m) => intents.push(m as OrderIntent), 0);
    expect(intents.map((i) => [i.side, i.quantity, i.type])).toEqual([
      ['buy', 1, 'market'],
      ['sell', 1, 'market'],
    ]);
    expect(intents[0]).toMatchObject({
      id: 'rt-NQ1226-77-long',
      account: 'Sim101',
      signalTs: 77,
      ts: 5_000_000,
    });
  });

  it('ninjatraderOrders publishes orders, or proposals that expire, as gateway commands', () => {
    const bus = new MessageBus();
    const commands: NinjaTraderCommand[] = [];
    bus.observe(TOPICS.ninjatraderCommands).subscribe((c) => commands.push(c));
    const intent = { id: 'o1', account: 'Sim101' } as OrderIntent;
    ninjatraderOrders.create({ mode: 'submit', proposalTtl: '30s' }, runContext(bus)).write(intent);
    ninjatraderOrders.create({ mode: 'propose', proposalTtl: '30s' }, runContext(bus)).write(intent);
    expect(commands).toEqual([
      { kind: 'order', intent },
      { kind: 'proposal', proposalId: 'pr-o1', intent, expiresTs: 35_000_000, reason: undefined },
    ]);
  });
});
