import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { LiveClock } from '../../src/core/clock.js';
import type { OrderIntent, Tick } from '../../src/core/events.js';
import { MarketTrust } from '../../src/core/market-trust.js';
import { attachGateway, type AttachedGateway } from '../../src/gateway/attach-gateway.js';
import { GatewayClient } from '../../src/gateway/client.js';
import type { ErrorMessage } from '../../src/gateway/protocol/schemas.js';
import { Store } from '../../src/store/store.js';
import { startTrading, type TradingHandle } from '../../src/trading.js';
import { queryStore } from '../store/helpers.js';

const TOKEN = 'market-sources-token';
/** A 50K profile without trading hours, so the test runs at any time of day. */
const ANY_HOURS = join(import.meta.dirname, 'fixtures', 'any-hours-50k.yaml');
const NQ = 'NQ 12-26';
const clock = new LiveClock();

function clientTick(ts: number, price: number) {
  return {
    type: 'tick' as const,
    ts,
    symbol: NQ,
    price,
    size: 1,
    bid: price - 0.25,
    ask: price,
    side: 'buy' as const,
  };
}

/** A print of the engine's own market (what a pipeline's `publish` step puts on the bus). */
function engineTick(ts: number, price: number): Tick {
  return {
    symbol: NQ,
    ts,
    price,
    size: 5,
    bid: price - 0.25,
    ask: price,
    side: 'buy',
    source: 'pipeline:default',
  };
}

describe('a client feed beside the engine’s own market (issue 12, defect 8)', () => {
  let folder: string | undefined;
  let store: Store | undefined;
  let attached: AttachedGateway | undefined;
  let client: GatewayClient | undefined;
  afterEach(async () => {
    await client?.close();
    await attached?.close();
    await store?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function start() {
    folder = await mkdtemp(join(tmpdir(), 'enigma-sources-'));
    const bus = new MessageBus();
    store = await Store.open(join(folder, 'enigma.duckdb'), { flushIntervalMs: 5 });
    store.attach(bus);
    attached = await attachGateway(bus, { port: 0, token: TOKEN, ackOn: 'stored' });
    const errors: ErrorMessage[] = [];
    client = new GatewayClient({ url: attached.url, token: TOKEN, onError: (error) => errors.push(error) });
    const welcome = await client.connect();
    return { bus, store, client, errors, source: `gateway:${welcome.session_id}` };
  }

  it('stores both feeds of one symbol whole, and an ack means the tick is in the history', async () => {
    const { bus, store, client, errors, source } = await start();
    const now = clock.now();
    // The engine's market runs 30 s ahead of the client's; both interleave on the same symbol.
    for (let i = 0; i < 2_000; i++) {
      bus.publish(TOPICS.ticks, engineTick(now + 30_000_000 + i, 21000));
      client.send(clientTick(now - 1_000_000 + i, 21000.25));
    }
    await client.acknowledged();
    expect(errors).toEqual([]);
    expect(store.stats.rejects).toBe(0);
    expect(
      await queryStore(store, 'SELECT source, count(*) FROM ticks_v GROUP BY source ORDER BY source'),
    ).toEqual([
      [source, 2_000n],
      ['pipeline:default', 2_000n],
    ]);
    expect(
      await queryStore(
        store,
        `SELECT count(*) FROM received WHERE source = '${source}' AND stored_table = 'ticks'`,
      ),
    ).toEqual([[2_000n]]);
  });

  it('answers a tick the store refused with an error naming its seq, and acks it as refused', async () => {
    const { store, client, errors, source } = await start();
    const now = clock.now();
    client.send(clientTick(now, 21000));
    // Each number finite (the protocol accepts it; the first ES print has no band yet), but too
    // large for the store to keep.
    const refusedSeq = client.send({ ...clientTick(now + 1, 1e308), symbol: 'ES 12-26', bid: 1e308 });
    client.send(clientTick(now + 2, 21000.25));
    await client.acknowledged();
    expect(errors).toEqual([
      expect.objectContaining({
        type: 'error',
        code: 'INPUT_NOT_FINITE',
        ref_seq: refusedSeq,
        ref_type: 'tick',
      }),
    ]);
    expect(
      await queryStore(
        store,
        `SELECT source_seq, type FROM received WHERE source = '${source}' ORDER BY source_seq`,
      ),
    ).toEqual([
      [1n, 'tick'],
      [BigInt(refusedSeq), 'refused'],
      [3n, 'tick'],
    ]);
    expect(attached?.gateway.stats().storeRefused).toBe(1);
  });
});

describe('a client’s prices never move an account it does not trade (issue 12, defect 3)', () => {
  let folder: string | undefined;
  let trading: TradingHandle | undefined;
  let attached: AttachedGateway | undefined;
  let client: GatewayClient | undefined;
  afterEach(async () => {
    await client?.close();
    await attached?.close();
    await trading?.close();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('paper accounts are filled and marked by the engine’s own market only', async () => {
    folder = await mkdtemp(join(tmpdir(), 'enigma-trust-'));
    const bus = new MessageBus();
    trading = startTrading(bus, clock, {
      dataDir: folder,
      watchHaltFile: false,
      accounts: [{ id: 'SIM-50K', profile: ANY_HOURS, broker: 'paper', mode: 'auto' }],
      paper: { latencyMicros: 0, slippageTicks: 0 },
    });
    attached = await attachGateway(bus, { port: 0, token: TOKEN });
    client = new GatewayClient({ url: attached.url, token: TOKEN });
    await client.connect();
    const order = (overrides: Partial<OrderIntent>): void =>
      bus.publish(TOPICS.approvedIntents, {
        id: `t-${String(Math.random()).slice(2)}`,
        account: 'SIM-50K',
        symbol: NQ,
        ts: clock.now(),
        side: 'buy',
        quantity: 1,
        type: 'market',
        timeInForce: 'day',
        reason: 'test',
        ...overrides,
      });

    bus.publish(TOPICS.ticks, engineTick(clock.now(), 21000));
    order({});
    bus.publish(TOPICS.ticks, engineTick(clock.now(), 21000));
    expect(trading.paper.position('SIM-50K', NQ).quantity).toBe(1);
    const marked = trading.paper.accountState('SIM-50K').unrealizedPnl;

    // A resting buy limit below the market; the client prints through it, 5% lower.
    order({ type: 'limit', limitPrice: 20950 });
    for (let i = 0; i < 20; i++) client.send(clientTick(clock.now(), 19950));
    await client.acknowledged();
    expect(trading.paper.position('SIM-50K', NQ).quantity).toBe(1);
    expect(trading.paper.accountState('SIM-50K').unrealizedPnl).toBe(marked);

    // The engine's own market reaching the limit fills it.
    bus.publish(TOPICS.ticks, engineTick(clock.now(), 20950));
    expect(trading.paper.position('SIM-50K', NQ).quantity).toBe(2);
  });

  it('a client’s prints price only the NinjaTrader accounts its session declared', () => {
    const trust = new MarketTrust(new Set(['APEX-1', 'APEX-2']));
    trust.grant('gateway:a', ['APEX-1', 'SIM-50K']);
    expect(trust.trusts('APEX-1', 'gateway:a')).toBe(true);
    expect(trust.trusts('APEX-2', 'gateway:a')).toBe(false);
    expect(trust.trusts('SIM-50K', 'gateway:a')).toBe(false); // a paper account: never a client's
    expect(trust.trusts('SIM-50K', 'pipeline:default')).toBe(true);
    expect(trust.trusts('APEX-2', undefined)).toBe(true);
    trust.revoke('gateway:a');
    expect(trust.trusts('APEX-1', 'gateway:a')).toBe(false);
  });
});
