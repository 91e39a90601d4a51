import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as hdr from 'hdr-histogram-js';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { OrderIntent, Tick } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { startTrading } from '../../src/trading.js';
import { AccountCompliance } from '../../src/risk/account-compliance.js';
import { AccountExposure } from '../../src/risk/account-exposure.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import type { RuleProfile } from '../../src/risk/rule-profile.js';
import type { Suite } from '../suite.js';

/**
 * Risk and execution: the pre-trade risk check alone, intent → risk → order manager → paper
 * broker through the bus, and the kill switch from call to flat. Latencies are per message from
 * process.hrtime around each call (≈ 30–60 ns of timer overhead included), recorded in an HDR
 * histogram after an untimed warm-up.
 */

const START = microsFromIso('2026-11-24T15:00:00Z'); // Tuesday 10:00 New York: session open

/** Intents arrive every 20 µs of market time. */
const SPACING = 20;

const BENCH_RATE = { kind: 'own', note: 'bench only: raised so intents every 20 µs fit' } as const;

/** The Apex-style profile with the order-rate cap at 100 per ms, so intents every 20 µs stay within it. */
function benchProfile(): RuleProfile {
  const profile = loadRuleProfile('apex-50k-evaluation');
  return {
    ...profile,
    rules: { ...profile.rules, orderRate: { maxOrders: 100, per: '1ms', source: BENCH_RATE } },
  };
}

function histogram(): hdr.Histogram {
  return hdr.build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000_000,
    numberOfSignificantValueDigits: 3,
  });
}

function intentAt(i: number, overrides: Partial<OrderIntent> = {}): OrderIntent {
  return {
    id: `bench-${i}`,
    account: 'SIM-50K',
    symbol: 'ES 12-26',
    ts: START + i * SPACING,
    side: i % 2 === 0 ? 'buy' : 'sell',
    quantity: 1,
    type: 'market',
    timeInForce: 'day',
    stopLoss: i % 2 === 0 ? 5990 : 6010,
    reason: 'bench',
    ...overrides,
  };
}

function tick(ts: number, price = 6000): Tick {
  return { symbol: 'ES 12-26', ts, price, size: 10, bid: price - 0.25, ask: price + 0.25, side: 'unknown' };
}

const us = (nanoseconds: number): number => Math.round(nanoseconds / 10) / 100;

function preTradeCheck(count: number): Record<string, string | number> {
  const compliance = new AccountCompliance('SIM-50K', benchProfile());
  const exposure = new AccountExposure();
  exposure.applyPosition({
    account: 'SIM-50K',
    symbol: 'MES 12-26',
    ts: 0,
    quantity: 3,
    averagePrice: 6000,
    unrealizedPnl: 0,
    realizedPnl: 0,
  });
  compliance.updateAccount({
    account: 'SIM-50K',
    ts: START,
    currency: 'USD',
    balance: 50_000,
    equity: 50_000,
    realizedPnlToday: 0,
    unrealizedPnl: 0,
  });
  // Three passes (warm-up, timed, bare), each with later timestamps: time never goes backwards.
  const pass = (offset: number, length: number): OrderIntent[] =>
    Array.from({ length }, (_, i) => intentAt(offset + i));
  const warm = pass(0, Math.min(count, 20_000));
  const timed = pass(warm.length, count);
  const untimed = pass(warm.length + count, count);
  let denied = 0;
  for (const intent of warm) if (compliance.checkIntent(intent, exposure, 6000)) denied++;
  const latency = histogram();
  for (let i = 0; i < count; i++) {
    const intent = timed[i] as OrderIntent;
    const before = process.hrtime.bigint();
    if (compliance.checkIntent(intent, exposure, 6000)) denied++;
    latency.recordValue(Number(process.hrtime.bigint() - before));
  }
  // Throughput without the per-call timer.
  const bare = process.hrtime.bigint();
  for (let i = 0; i < count; i++)
    if (compliance.checkIntent(untimed[i] as OrderIntent, exposure, 6000)) denied++;
  const bareElapsed = Number(process.hrtime.bigint() - bare);
  if (denied > 0)
    throw new Error(`bench intents were denied (${denied}); the bench is measuring the wrong path`);
  const row = {
    measurement: 'pre-trade risk check (AccountCompliance.checkIntent)',
    messages: count,
    'p50 µs': us(latency.getValueAtPercentile(50)),
    'p99 µs': us(latency.getValueAtPercentile(99)),
    'p99.9 µs': us(latency.getValueAtPercentile(99.9)),
    'per second': Math.round(count / (bareElapsed / 1e9)),
  };
  latency.destroy();
  return row;
}

function intentToBroker(count: number, kind: 'limit' | 'market'): Record<string, string | number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'enigma-bench-'));
  const bus = new MessageBus();
  const clock = new ReplayClock(START);
  const trading = startTrading(bus, clock, {
    dataDir,
    watchHaltFile: false,
    accounts: [{ id: 'SIM-50K', profile: benchProfile(), mode: 'auto' }],
    // Round trips at one price without costs, so a million of them do not walk into the drawdown limit.
    paper: { slippageTicks: 0, commissions: {}, defaultCommission: 0 },
  });
  const publishIntent = bus.publisher(TOPICS.orderIntents);
  bus.publish(TOPICS.ticks, { ...tick(START), bid: 6000, ask: 6000 });
  let submitted = 0;
  bus.observe(TOPICS.orders).subscribe((order) => {
    if (order.status === 'accepted') submitted++;
  });
  const latency = histogram();
  const run = (from: number, to: number, record: boolean): void => {
    for (let i = from; i < to; i++) {
      const intent =
        kind === 'limit'
          ? intentAt(i, { type: 'limit', limitPrice: i % 2 === 0 ? 5900 : 6100, stopLoss: undefined })
          : intentAt(i, { stopLoss: undefined });
      clock.advanceTo(intent.ts);
      const before = process.hrtime.bigint();
      publishIntent(intent);
      const took = Number(process.hrtime.bigint() - before);
      if (record) latency.recordValue(took);
      if (kind === 'limit') trading.orders.execute({ type: 'cancel', clientOrderId: intent.id });
    }
  };
  run(0, Math.min(5_000, count), false);
  run(count, 2 * count, true);
  const expected = Math.min(5_000, count) + count;
  if (submitted !== expected) throw new Error(`only ${submitted} of ${expected} intents reached the broker`);
  const row = {
    measurement:
      kind === 'limit'
        ? 'intent → risk → order manager → paper submit (resting limit)'
        : 'intent → risk → submit → fill → position → account → risk (market)',
    messages: count,
    'p50 µs': us(latency.getValueAtPercentile(50)),
    'p99 µs': us(latency.getValueAtPercentile(99)),
    'p99.9 µs': us(latency.getValueAtPercentile(99.9)),
    'per second': Math.round(1e9 / latency.mean),
  };
  latency.destroy();
  void trading.close();
  rmSync(dataDir, { recursive: true, force: true });
  return row;
}

function killToFlat(runs: number): Record<string, string | number> {
  const latency = histogram();
  let orders = 0;
  for (let r = 0; r < runs; r++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-bench-'));
    const bus = new MessageBus();
    const clock = new ReplayClock(START);
    const trading = startTrading(bus, clock, { dataDir, watchHaltFile: false });
    bus.publish(TOPICS.ticks, tick(START));
    bus.publish(TOPICS.ticks, { ...tick(START), symbol: 'MES 12-26' });
    // Two positions with bracket legs, and resting orders to cancel.
    bus.publish(
      TOPICS.orderIntents,
      intentAt(1, { id: `k${r}-1`, side: 'buy', quantity: 2, stopLoss: 5990, takeProfit: 6020 }),
    );
    bus.publish(
      TOPICS.orderIntents,
      intentAt(2, {
        id: `k${r}-2`,
        symbol: 'MES 12-26',
        side: 'sell',
        quantity: 5,
        stopLoss: 6010,
        takeProfit: 5980,
      }),
    );
    for (let i = 0; i < 6; i++) {
      bus.publish(
        TOPICS.orderIntents,
        intentAt(10 + i, {
          id: `k${r}-r${i}`,
          symbol: 'MES 12-26',
          type: 'limit',
          limitPrice: 5900 - i,
          stopLoss: undefined,
        }),
      );
    }
    orders = trading.orders.liveOrders('SIM-50K').length;
    const before = process.hrtime.bigint();
    trading.execute({ type: 'kill', reason: 'bench', by: 'bench' });
    const flat = trading.paper.positions('SIM-50K').every((position) => position.quantity === 0);
    const none = trading.paper.workingOrders('SIM-50K').length === 0;
    const took = Number(process.hrtime.bigint() - before);
    if (!flat || !none) throw new Error('kill switch did not leave the paper account flat with no orders');
    if (r > 2) latency.recordValue(took);
    void trading.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const row = {
    measurement: `kill switch → flat and no orders (2 positions, ${orders} live orders, halt file written)`,
    messages: runs - 3,
    'p50 µs': us(latency.getValueAtPercentile(50)),
    'p99 µs': us(latency.getValueAtPercentile(99)),
    'p99.9 µs': us(latency.getValueAtPercentile(99.9)),
    'per second': '',
  };
  latency.destroy();
  return row;
}

const suite: Suite = async ({ quick }) => {
  const checks = quick ? 50_000 : 1_000_000;
  const messages = quick ? 10_000 : 200_000;
  const check = preTradeCheck(checks);
  const kill = killToFlat(quick ? 23 : 203);
  return {
    name: 'Risk and execution',
    rows: [check, intentToBroker(messages, 'limit'), intentToBroker(messages, 'market'), kill],
    figures: {
      'risk.preTradeCheckP99Micros': Number(check['p99 µs']),
      'risk.killSwitchToFlatMillis': Number(kill['p99 µs']) / 1000,
    },
    notes: [
      'Targets (issue 6): pre-trade risk check p99 < 5 µs; kill switch to flat on the paper broker < 10 ms.',
      'Profile: apex-50k-evaluation with the order-rate cap at 100 per ms (intents every 20 µs of market time) so every check passes; each checked intent carries a stop (the loss-at-stop check runs).',
      'Through the bus the paper broker has 0 latency and fills at once, so each figure is engine time, not simulated market time.',
      'The market round trips run at one price with no slippage or commission, so the account never nears its limits (every intent passes every rule).',
      "Per-call timing with process.hrtime.bigint; 'per second' of the check is measured without the timer.",
    ],
  };
};

export default suite;
