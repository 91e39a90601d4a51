import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Features, OrderIntent, Signal } from '../../src/core/events.js';
import { findInstrument, type Instrument } from '../../src/core/instruments.js';
import { tickValueOf } from '../../src/core/money.js';
import type { RunContext, Step } from '../../src/pipeline/operator.js';
import { validateParams } from '../../src/pipeline/params.js';
import { signalPayoff, sizeSignal, type KellySizingParams } from '../../src/risk/kelly-sizing.js';
import { kelly } from '../../src/risk/operators/kelly.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import { microsFromIso } from '../../src/core/time.js';
import { accountAt } from './scenario-helpers.js';
import { RISK_OPERATORS } from '../../src/risk/operators/index.js';
import type { RiskLimits } from '../../src/risk/risk-events.js';

const ES = findInstrument('ES 12-26') as Instrument;
const MES = findInstrument('MES 12-26') as Instrument;

const PARAMS: KellySizingParams = {
  fraction: 0.25,
  riskBudget: 500,
  maxContracts: 10,
  roomShare: 0.5,
  defaultStopTicks: 12,
  winProbability: 0.55,
  payoffRatio: 1.5,
  equity: 50_000,
};

function signal(overrides: Partial<Signal> = {}): Signal {
  return {
    source: 'enigma',
    symbol: 'ES 12-26',
    ts: 1_000,
    direction: 'long',
    strength: 'normal',
    power: 1,
    confluence: 3,
    price: 6000,
    stop: 5997,
    targets: [6006],
    ...overrides,
  };
}

function limits(overrides: Partial<RiskLimits> = {}): RiskLimits {
  return {
    account: 'SIM-50K',
    ts: 0,
    equity: 50_000,
    drawdownRoom: 2_500,
    dailyLossRoom: Infinity,
    contractLimit: 5,
    openMinis: 0,
    microsPerMini: 10,
    ...overrides,
  };
}

describe('kelly sizing', () => {
  it('matches a hand calculation: Kelly says 27, the $500 budget says 3', () => {
    // p = 0.55, b = (6006 − 6000) / (6000 − 5997) = 2 → f* = 0.55 − 0.45 / 2 = 0.325.
    // Quarter Kelly: 0.08125 × 50,000 = 4,062.50 at risk; one contract risks 12 ticks × $12.50 = $150 → 27.
    // Budget: ⌊500 / 150⌋ = 3.
    const sized = sizeSignal(signal(), ES, PARAMS, undefined, undefined);
    expect(sized).toMatchObject({
      quantity: 3,
      stopTicks: 12,
      stopPrice: 5997,
      riskBudget: 500,
      contractCap: 10,
    });
    expect(sized.kellyFraction).toBeCloseTo(0.325, 12);
    expect(sized.edge.source).toBe('prior');
  });

  it('caps the budget by half the drawdown room and the size by the profile limit', () => {
    expect(sizeSignal(signal(), ES, PARAMS, limits({ drawdownRoom: 400 }), undefined)).toMatchObject({
      quantity: 1,
      riskBudget: 200,
    });
    expect(sizeSignal(signal(), ES, PARAMS, limits({ drawdownRoom: 100 }), undefined).quantity).toBe(0);
    const big = { ...PARAMS, riskBudget: 100_000, fraction: 1 };
    expect(sizeSignal(signal(), ES, big, limits({ drawdownRoom: 1e9 }), undefined)).toMatchObject({
      quantity: 5,
      contractCap: 5,
    });
    // Micros: the 5-contract limit is 50 MES.
    expect(
      sizeSignal(signal({ symbol: 'MES 12-26' }), MES, big, limits({ drawdownRoom: 1e9 }), undefined),
    ).toMatchObject({
      contractCap: 10,
    });
  });

  it('uses the confidence model when the signal carries one', () => {
    const sized = sizeSignal(
      signal({ metadata: { winProbability: 0.4, payoffRatio: 1 } }),
      ES,
      PARAMS,
      undefined,
      undefined,
    );
    expect(sized).toMatchObject({ quantity: 0, edge: { source: 'confidence-model', winProbability: 0.4 } });
  });

  it('reads the payoff from the first target and the stop, and none when either is at the price', () => {
    expect(signalPayoff(signal())).toBe(2);
    expect(signalPayoff(signal({ direction: 'short', stop: 6003, targets: [5991, 5980] }))).toBe(3);
    // A stop at the price risks nothing, a target at the price wins nothing: no ratio either way.
    expect(signalPayoff(signal({ stop: 6000 }))).toBeUndefined();
    expect(signalPayoff(signal({ targets: [6000] }))).toBeUndefined();
    expect(signalPayoff(signal({ stop: 6000, targets: [6000] }))).toBeUndefined();
    expect(signalPayoff(signal({ targets: [] }))).toBeUndefined();
    const { stop: _stop, ...withoutStop } = signal();
    expect(signalPayoff(withoutStop)).toBeUndefined();
    // Without a ratio from the signal, the prior payoff applies.
    expect(sizeSignal(signal({ targets: [6000] }), ES, PARAMS, undefined, undefined).edge.payoffRatio).toBe(
      1.5,
    );
    expect(sizeSignal(signal({ stop: 6000 }), ES, PARAMS, undefined, undefined).edge.payoffRatio).toBe(1.5);
  });

  it('sizes nothing for a stop at the entry price', () => {
    expect(sizeSignal(signal({ stop: 6000 }), ES, PARAMS, undefined, undefined)).toMatchObject({
      quantity: 0,
      stopTicks: 0,
      stopPrice: 6000,
    });
  });

  it('puts a missing stop the default ticks below a long entry and above a short one', () => {
    const { stop: _stop, ...withoutStop } = signal({ price: 6000.25 });
    const long = sizeSignal(withoutStop, ES, PARAMS, undefined, undefined);
    expect(long).toMatchObject({ quantity: 3, stopTicks: 12, stopPrice: 5997.25 });
    const short = sizeSignal(
      { ...withoutStop, direction: 'short', targets: [5994.25] },
      ES,
      PARAMS,
      undefined,
      undefined,
    );
    expect(short).toMatchObject({ quantity: 3, stopTicks: 12, stopPrice: 6003.25 });
    const fiveTicks = { ...PARAMS, defaultStopTicks: 5 };
    expect(sizeSignal(withoutStop, ES, fiveTicks, undefined, undefined).stopPrice).toBe(5999);
    expect(
      sizeSignal({ ...withoutStop, direction: 'short' }, ES, fiveTicks, undefined, undefined).stopPrice,
    ).toBe(6001.5);
  });

  it('caps the contracts at the profile limit less what is already open, never below 0', () => {
    const big = { ...PARAMS, riskBudget: 100_000, fraction: 1, maxContracts: 100 };
    const room = (contractLimit: number, openMinis: number) =>
      limits({ drawdownRoom: 1e9, contractLimit, openMinis });
    expect(sizeSignal(signal(), ES, big, room(5, 2), undefined)).toMatchObject({
      quantity: 3,
      contractCap: 3,
    });
    // Exactly at the limit: no room left; past it: still none.
    expect(sizeSignal(signal(), ES, big, room(5, 5), undefined)).toMatchObject({
      quantity: 0,
      contractCap: 0,
    });
    expect(sizeSignal(signal(), ES, big, room(5, 6.5), undefined)).toMatchObject({
      quantity: 0,
      contractCap: 0,
    });
    // Micros: 2.5 full-size open of 5 leaves 25 MES.
    expect(sizeSignal(signal({ symbol: 'MES 12-26' }), MES, big, room(5, 2.5), undefined).contractCap).toBe(
      25,
    );
  });

  it('forgives float noise under 1e-9 contract of the budget, not a shortfall of exactly that', () => {
    // Three ES contracts risk 3 × 12 ticks × $12.50 = $450.
    const budget = (riskBudget: number) =>
      sizeSignal(signal(), ES, { ...PARAMS, riskBudget }, undefined, undefined).quantity;
    expect(budget(450)).toBe(3);
    expect(budget(150 * (3 - 0.9e-9))).toBe(3);
    // Short of $450 by exactly 1e-9 of a contract's risk: the loss at the stop would exceed it.
    expect(budget(150 * (3 - 1e-9))).toBe(2);
  });

  it('never exceeds the risk budget or the contract limit (property)', () => {
    fc.assert(
      fc.property(
        fc.record({
          micro: fc.boolean(),
          stopTicks: fc.integer({ min: 1, max: 400 }),
          targetTicks: fc.integer({ min: 1, max: 400 }),
          winProbability: fc.double({ min: 0, max: 1, noNaN: true }),
          fraction: fc.double({ min: 0.01, max: 1, noNaN: true }),
          riskBudget: fc.double({ min: 1, max: 20_000, noNaN: true }),
          maxContracts: fc.integer({ min: 1, max: 50 }),
          drawdownRoom: fc.double({ min: 0, max: 5_000, noNaN: true }),
          dailyLossRoom: fc.double({ min: 0, max: 5_000, noNaN: true }),
          contractLimit: fc.integer({ min: 0, max: 10 }),
          openTenths: fc.integer({ min: 0, max: 120 }),
          equity: fc.double({ min: 1_000, max: 1_000_000, noNaN: true }),
          short: fc.boolean(),
        }),
        (c) => {
          const instrument = c.micro ? MES : ES;
          const direction = c.short ? -1 : 1;
          const s = signal({
            symbol: instrument.symbol,
            direction: c.short ? 'short' : 'long',
            stop: 6000 - direction * c.stopTicks * 0.25,
            targets: [6000 + direction * c.targetTicks * 0.25],
          });
          const params = {
            ...PARAMS,
            winProbability: c.winProbability,
            fraction: c.fraction,
            riskBudget: c.riskBudget,
            maxContracts: c.maxContracts,
          };
          const room = limits({
            drawdownRoom: c.drawdownRoom,
            dailyLossRoom: c.dailyLossRoom,
            contractLimit: c.contractLimit,
            openMinis: c.openTenths / 10,
            equity: c.equity,
          });
          const sized = sizeSignal(s, instrument, params, room, undefined);
          const lossAtStop = sized.quantity * c.stopTicks * tickValueOf(instrument);
          expect(Number.isInteger(sized.quantity) && sized.quantity >= 0).toBe(true);
          expect(lossAtStop).toBeLessThanOrEqual(c.riskBudget);
          expect(lossAtStop).toBeLessThanOrEqual(0.5 * c.drawdownRoom + 1e-9);
          expect(lossAtStop).toBeLessThanOrEqual(0.5 * c.dailyLossRoom + 1e-9);
          expect(sized.quantity).toBeLessThanOrEqual(c.maxContracts);
          expect(sized.quantity).toBeLessThanOrEqual(c.contractLimit * (c.micro ? 10 : 1));
          if (sized.quantity > 0) {
            expect(c.openTenths / 10 + sized.quantity / (c.micro ? 10 : 1)).toBeLessThanOrEqual(
              c.contractLimit + 1e-9,
            );
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});

function operatorRig(
  params: Record<string, unknown> = {},
  withFeatures = false,
  accounts: RunContext['accounts'] = [{ id: 'SIM-50K' }],
) {
  const validated = validateParams(kelly.params, params);
  if (!validated.ok) throw new Error(validated.problems.join('; '));
  const checked = validated.params as Static<typeof kelly.params>;
  const bus = new MessageBus();
  const context: RunContext = {
    pipelineId: 'default',
    stepId: 'size',
    baseDir: '.',
    inputs: [
      { stepId: 'signals', type: 'signal', numericFields: undefined, textFields: [] },
      ...(withFeatures
        ? [{ stepId: 'trend', type: 'features' as const, numericFields: ['slope'], textFields: [] }]
        : []),
    ],
    functions: new Map(),
    clock: new ReplayClock(),
    bus,
    mode: 'replay',
    dataDir: '.',
    accounts,
    deadLetter: () => undefined,
  };
  expect(kelly.check?.(checked, context)).toEqual([]);
  const steps = new Map<string, Step<Signal | Features, OrderIntent>>();
  const out: OrderIntent[] = [];
  const send = (message: Signal | Features, input = 0): void => {
    let step = steps.get(message.symbol);
    if (!step) {
      step = kelly.create(checked, context) as Step<Signal | Features, OrderIntent>;
      steps.set(message.symbol, step);
    }
    step.next(message, (intent) => out.push(intent), input);
  };
  return { bus, send, out };
}

describe('kelly operator', () => {
  it('is registered for the pipeline registry', () => {
    expect(RISK_OPERATORS.map((operator) => operator.name)).toEqual(['kelly']);
  });

  it('turns a signal into a bracket order intent sized by the account limits on the bus', () => {
    const rig = operatorRig();
    // A real risk engine on the same bus: Apex 50K with equity 47,900 leaves 400 of room above 47,500.
    const engine = new RiskEngine(rig.bus, new ReplayClock(microsFromIso('2026-11-24T15:00:00Z')), {
      accounts: [{ id: 'SIM-50K', profile: loadRuleProfile('apex-50k-evaluation'), mode: 'auto' }],
      haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-kelly-')))),
    }).start();
    engine.process({ kind: 'account', state: accountAt('2026-11-24T15:00:00Z', 47_900) });
    rig.send(signal());
    rig.send(signal({ direction: 'neutral', ts: 2_000 }));
    expect(rig.out).toEqual([
      expect.objectContaining({
        id: 'default.size:SIM-50K:ES 12-26:1000',
        account: 'SIM-50K',
        side: 'buy',
        quantity: 1,
        type: 'market',
        stopLoss: 5997,
        takeProfit: 6006,
        signalTs: 1000,
      }),
    ]);
  });

  it('learns win rate and payoff from closed trades of the source', () => {
    const rig = operatorRig({ minTrades: 2 });
    const position = (quantity: number, realizedPnl: number) =>
      rig.bus.publish(TOPICS.positions, {
        account: 'SIM-50K',
        symbol: 'ES 12-26',
        ts: 0,
        quantity,
        averagePrice: 6000,
        unrealizedPnl: 0,
        realizedPnl,
      });
    rig.send(signal());
    position(3, 0);
    position(0, -450);
    position(3, -450);
    position(0, -900);
    rig.send(signal({ ts: 5_000 }));
    // Two losing trades: win rate 0 → no edge → no intent.
    expect(rig.out).toHaveLength(1);
  });

  it('sizes only signals that agree with the higher-timeframe trend', () => {
    const rig = operatorRig({ trendField: 'slope' }, true);
    const trend = (slope: number): Features => ({ symbol: 'ES 12-26', ts: 0, values: { slope } });
    rig.send(signal());
    rig.send(trend(-1), 1);
    rig.send(signal({ ts: 2_000 }));
    rig.send(signal({ ts: 3_000, direction: 'short', stop: 6003, targets: [5994] }));
    rig.send(trend(2), 1);
    rig.send(signal({ ts: 4_000 }));
    expect(rig.out.map((intent) => [intent.ts, intent.side])).toEqual([
      [3000, 'sell'],
      [4000, 'buy'],
    ]);
  });
});
