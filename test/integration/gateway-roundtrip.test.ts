import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { LiveClock } from '../../src/core/clock.js';
import { preparePipeline } from '../../src/engine.js';
import { attachGateway, type AttachedGateway } from '../../src/gateway/attach-gateway.js';
import { GatewayClient, type EngineCommand } from '../../src/gateway/client.js';
import { instantiatePipeline, type PipelineRun } from '../../src/pipeline/runtime.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/pipelines/gateway-roundtrip.yaml', import.meta.url));
const TOKEN = 'integration-token';

describe('signal → order round trip through the gateway-roundtrip pipeline', () => {
  let attached: AttachedGateway | undefined;
  let run: PipelineRun | undefined;
  let client: GatewayClient | undefined;
  afterEach(async () => {
    await client?.close();
    run?.stop();
    await run?.done;
    await attached?.close();
  });

  it('turns every long/short signal from NinjaTrader into one market order back, idempotently', async () => {
    const bus = new MessageBus();
    const clock = new LiveClock();
    const { compiled } = await preparePipeline(FIXTURE);
    run = instantiatePipeline(compiled, { clock, bus, mode: 'live', dataDir: 'data' });
    run.start();
    attached = await attachGateway(bus, { port: 0, token: TOKEN, clock });
    expect(attached.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const orders: EngineCommand[] = [];
    client = new GatewayClient({
      url: attached.url,
      token: TOKEN,
      accounts: ['Sim101'],
      onCommand: (c) => orders.push(c),
    });
    await client.connect();
    const directions = ['long', 'short', 'neutral', 'long'] as const;
    let ts = 1_764_115_200_000_000;
    for (let i = 0; i < 1_000; i++) {
      ts += 1000;
      client.send({
        type: 'signal',
        ts,
        symbol: 'NQ 12-26',
        direction: directions[i % 4] as 'long',
        strength: 'normal',
        power: 5,
        confluence: 2,
        price: 21012.25,
      });
    }
    await client.acknowledged();
    while (orders.length < 750) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(orders).toHaveLength(750);
    expect(orders[0]).toMatchObject({
      type: 'order',
      seq: 1,
      account: 'Sim101',
      symbol: 'NQ 12-26',
      side: 'buy',
      quantity: 1,
      order_type: 'market',
      time_in_force: 'day',
      signal_ts: 1_764_115_200_001_000,
      client_order_id: 'rt-NQ1226-1764115200001000-long',
    });
    expect(orders[1]).toMatchObject({ side: 'sell' });
    expect(new Set(orders.map((o) => (o as { client_order_id: string }).client_order_id)).size).toBe(750);

    // The same signal again (say, replayed after an engine restart) does not trade twice.
    bus.publish(TOPICS.signals, {
      source: 'enigma',
      symbol: 'NQ 12-26',
      ts: 1_764_115_200_001_000,
      direction: 'long',
      strength: 'normal',
      power: 5,
      confluence: 2,
      price: 21012.25,
    });
    await client.ping();
    expect(orders).toHaveLength(750);
  });
});
