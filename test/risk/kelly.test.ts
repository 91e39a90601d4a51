import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Static } from '@sinclair/typebox';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock, SessionClock, type Clock } from '../../src/core/clock.js';
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
  clock: Clock = new ReplayClock(),
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
    clock,
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
  /** A position report of `account` in `symbol` (what the order manager or NinjaTrader publishes). */
  const position = (quantity: number, realizedPnl: number, account = 'SIM-50K', symbol = 'ES 12-26') =>
    bus.publish(TOPICS.positions, {
      account,
      symbol,
      ts: 0,
      quantity,
      averagePrice: 6000,
      unrealizedPnl: 0,
      realizedPnl,
    });
  return { bus, send, out, position };
}

/** The signal's last intent's edge, as its reason states it. */
const edgeOf = (intent: OrderIntent | undefined) => intent?.reason.split(':')[1]?.trim().split(' f*')[0];

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

  it('counts a trade from open to flat or reversal: scaling in and out is one trade, its P&L all realised since it opened', () => {
    const rig = operatorRig({ minTrades: 3 });
    rig.send(signal());
    rig.position(2, 0);
    rig.position(4, 0); // scaling in
    rig.position(1, 300); // scaling out: part realised, the trade still open
    rig.position(0, 500); // flat: trade 1 made +500
    rig.position(-2, 500); // opened short
    rig.position(1, 250); // reversed: trade 2 made −250, trade 3 opened long
    rig.send(signal({ ts: 2_000 }));
    // Two trades so far: below minTrades, the prior still applies.
    expect(edgeOf(rig.out[1])).toBe('p=0.550 b=2.00');
    rig.position(0, 350); // flat: trade 3 made +100
    rig.send(signal({ ts: 3_000 }));
    // Wins +500 and +100, a loss of 250: p = 2/3, b = 300 / 250.
    expect(rig.out[2]?.reason).toMatch(/^kelly rolling-statistics: /);
    expect(edgeOf(rig.out[2])).toBe('p=0.667 b=1.20');
  });

  it('starts a trade from the realised P&L when it opens, also after the broker resets it while flat', () => {
    const rig = operatorRig({ minTrades: 2 });
    rig.send(signal());
    rig.position(3, 0);
    rig.position(0, 300); // +300
    rig.position(0, 0); // a new NinjaTrader session: realised P&L back to 0 while flat
    rig.position(3, 0);
    rig.position(0, -150); // −150, not −450
    rig.send(signal({ ts: 2_000 }));
    expect(edgeOf(rig.out[1])).toBe('p=0.500 b=2.00');
  });

  it("learns only from its own account's positions", () => {
    const rig = operatorRig({ minTrades: 2 });
    rig.send(signal());
    for (const realized of [-450, -900]) {
      rig.position(3, realized + 450, 'OTHER');
      rig.position(0, realized, 'OTHER');
    }
    rig.send(signal({ ts: 2_000 }));
    // The other account's two losses teach nothing: the prior sizes it.
    expect(rig.out.map((intent) => edgeOf(intent))).toEqual(['p=0.550 b=2.00', 'p=0.550 b=2.00']);
  });

  it("shares a source's closed trades between the steps of every instrument of one account", () => {
    const rig = operatorRig({ minTrades: 2 });
    rig.send(signal());
    rig.position(3, 0);
    rig.position(0, -450);
    rig.position(3, -450);
    rig.position(0, -900);
    const nq = { symbol: 'NQ 12-26', price: 21_000, stop: 20_990, targets: [21_020] };
    // The NQ step is created after the ES trades closed: it still knows the source has no edge.
    rig.send(signal({ ...nq, ts: 2_000 }));
    expect(rig.out).toHaveLength(1);
    // A source without trades on record is sized from the prior on NQ.
    rig.send(signal({ ...nq, ts: 3_000, source: 'other' }));
    expect(rig.out.map((intent) => [intent.symbol, edgeOf(intent)])).toEqual([
      ['ES 12-26', 'p=0.550 b=2.00'],
      ['NQ 12-26', 'p=0.550 b=2.00'],
    ]);
  });

  it("sizes an account the risk engine does not report on from its own budget, never from another account's room", () => {
    const rig = operatorRig({}, false, [{ id: 'OTHER' }]);
    const engine = new RiskEngine(rig.bus, new ReplayClock(microsFromIso('2026-11-24T15:00:00Z')), {
      accounts: [{ id: 'SIM-50K', profile: loadRuleProfile('apex-50k-evaluation'), mode: 'auto' }],
      haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-kelly-')))),
    }).start();
    rig.send(signal({ direction: 'neutral' })); // creates the step
    // SIM-50K's room: 400 above its threshold → $200 budget → 1 contract; OTHER's $500 → 3.
    engine.process({ kind: 'account', state: accountAt('2026-11-24T15:00:00Z', 47_900) });
    rig.send(signal({ ts: 2_000 }));
    expect(rig.out.map((intent) => [intent.account, intent.quantity])).toEqual([['OTHER', 3]]);
  });

  it('ignores signals stamped before the live session starts, and sizes one stamped exactly at it', () => {
    const rig = operatorRig({}, false, undefined, new SessionClock({ start: 5_000, speed: 1 }));
    rig.send(signal({ ts: 4_999 }));
    rig.send(signal({ ts: 5_000 }));
    rig.send(signal({ ts: 5_001 }));
    expect(rig.out.map((intent) => intent.ts)).toEqual([5_000, 5_001]);
  });

  it('reads only the trend from its second input: a signal arriving there is not sized', () => {
    const rig = operatorRig({ trendField: 'slope' }, true);
    rig.send({ symbol: 'ES 12-26', ts: 0, values: { slope: 1 } }, 1);
    rig.send(signal(), 1);
    expect(rig.out).toEqual([]);
    rig.send(signal({ ts: 2_000 }));
    expect(rig.out.map((intent) => intent.ts)).toEqual([2_000]);
  });

  it('sizes neither a long nor a short while the trend is exactly flat, and no short in an uptrend', () => {
    const rig = operatorRig({ trendField: 'slope' }, true);
    const trend = (slope: number): Features => ({ symbol: 'ES 12-26', ts: 0, values: { slope } });
    const short = (ts: number) => signal({ ts, direction: 'short', stop: 6003, targets: [5994] });
    rig.send(trend(0), 1);
    rig.send(signal({ ts: 1_000 }));
    rig.send(short(2_000));
    rig.send(trend(0.5), 1);
    rig.send(short(3_000));
    rig.send(signal({ ts: 4_000 }));
    rig.send(trend(-0.5), 1);
    rig.send(short(5_000));
    expect(rig.out.map((intent) => [intent.ts, intent.side])).toEqual([
      [4000, 'buy'],
      [5000, 'sell'],
    ]);
  });

  it('puts a limit price only on limit orders, and a take profit only when the signal has a target', () => {
    const market = operatorRig();
    market.send(signal());
    market.send(signal({ ts: 2_000, targets: [] }));
    expect(market.out[0]).toMatchObject({ type: 'market', takeProfit: 6006 });
    expect('limitPrice' in (market.out[0] as OrderIntent)).toBe(false);
    expect('takeProfit' in (market.out[1] as OrderIntent)).toBe(false);
    const limit = operatorRig({ orderType: 'limit' });
    limit.send(signal({ price: 6000.25, stop: 5997.25, targets: [6006.25] }));
    expect(limit.out[0]).toMatchObject({
      type: 'limit',
      limitPrice: 6000.25,
      stopLoss: 5997.25,
      takeProfit: 6006.25,
    });
  });

  it('refuses a trend field without a second input, and a second input without a trend field', () => {
    const context = (inputs: number) => ({
      pipelineId: 'default',
      stepId: 'size',
      baseDir: '.',
      inputs: [
        { stepId: 'signals', type: 'signal' as const, numericFields: undefined, textFields: [] },
        ...(inputs > 1
          ? [{ stepId: 'trend', type: 'features' as const, numericFields: ['slope'], textFields: [] }]
          : []),
      ],
      functions: new Map(),
    });
    const checked = (params: Record<string, unknown>) => {
      const validated = validateParams(kelly.params, params);
      if (!validated.ok) throw new Error(validated.problems.join('; '));
      return validated.params as Static<typeof kelly.params>;
    };
    expect(kelly.check?.(checked({ trendField: 'slope' }), context(1))).toEqual([
      {
        code: 'PIPELINE_BAD_INPUTS',
        message: '`trendField` needs a second input of higher-timeframe features',
      },
    ]);
    expect(kelly.check?.(checked({}), context(2))).toEqual([
      {
        code: 'PIPELINE_BAD_INPUTS',
        message: 'a second input (higher-timeframe features) is only read with `trendField`',
      },
    ]);
    expect(kelly.check?.(checked({ trendField: 'slope' }), context(2))).toEqual([]);
    expect(kelly.check?.(checked({}), context(1))).toEqual([]);
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
