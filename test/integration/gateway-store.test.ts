import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { attachGateway, type AttachedGateway } from '../../src/gateway/attach-gateway.js';
import { GatewayClient } from '../../src/gateway/client.js';
import { Store } from '../../src/store/store.js';
import { queryStore } from '../store/helpers.js';

const TOKEN = 'store-integration-token';

describe('gateway acks what the DuckDB store committed', () => {
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

  it('stores every tick exactly once across dropped connections, acked only once committed', async () => {
    folder = await mkdtemp(join(tmpdir(), 'enigma-gateway-store-'));
    const bus = new MessageBus();
    store = await Store.open(join(folder, 'enigma.duckdb'), { flushIntervalMs: 5 });
    store.attach(bus);
    attached = await attachGateway(bus, { port: 0, token: TOKEN, ackOn: 'stored' });
    client = new GatewayClient({ url: attached.url, token: TOKEN, minBackoffMs: 5, maxBackoffMs: 20 });
    const welcome = await client.connect();
    let ts = 1_764_115_200_000_000;
    for (let round = 0; round < 4; round++) {
      while (!client.connected) await new Promise((resolve) => setTimeout(resolve, 1));
      for (let i = 0; i < 5_000; i++) {
        ts += 1;
        client.send({
          type: 'tick',
          ts,
          symbol: 'NQ 12-26',
          price: 21012.25,
          size: 1,
          bid: 21012,
          ask: 21012.25,
          side: 'sell',
        });
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
      client.dropConnection();
    }
    await client.acknowledged();
    expect(client.sessionId).toBe(welcome.session_id);

    const ticks = await queryStore(store, 'SELECT count(*), count(DISTINCT ts), min(ts), max(ts) FROM ticks');
    expect(ticks[0]?.map(Number)).toEqual([20_000, 20_000, 1_764_115_200_000_001, 1_764_115_200_020_000]);
    const received = await queryStore(
      store,
      `SELECT count(*), count(DISTINCT source_seq), max(source_seq) FROM received WHERE source = 'gateway:${welcome.session_id}'`,
    );
    expect(received[0]?.map(Number)).toEqual([20_000, 20_000, 20_000]);
  });
});

describe('gateway sessions survive an engine restart through the store', () => {
  let folder: string | undefined;
  let client: GatewayClient | undefined;
  const open: { store: Store; attached: AttachedGateway }[] = [];
  afterEach(async () => {
    await client?.close();
    for (const { store, attached } of open.splice(0)) {
      await attached.close();
      await store.close().catch(() => undefined);
    }
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  async function startEngine(path: string, port: number) {
    const bus = new MessageBus();
    const store = await Store.open(path, { flushIntervalMs: 5 });
    store.attach(bus);
    const attached = await attachGateway(bus, {
      port,
      token: TOKEN,
      ackOn: 'stored',
      storedWatermark: (source) => store.watermark(source),
    });
    open.push({ store, attached });
    return { store, attached };
  }

  it('resumes the session from the store watermark: nothing lost, nothing stored twice', async () => {
    folder = await mkdtemp(join(tmpdir(), 'enigma-gateway-restart-'));
    const path = join(folder, 'enigma.duckdb');
    const first = await startEngine(path, 0);
    const port = first.attached.http.port;
    const welcomes: boolean[] = [];
    client = new GatewayClient({
      url: first.attached.url,
      token: TOKEN,
      minBackoffMs: 5,
      maxBackoffMs: 20,
      onWelcome: (welcome) => welcomes.push(welcome.resumed),
    });
    const welcome = await client.connect();
    let ts = 1_764_115_200_000_000;
    const sendTicks = (count: number) => {
      for (let i = 0; i < count; i++) {
        ts += 1;
        client?.send({
          type: 'tick',
          ts,
          symbol: 'NQ 12-26',
          price: 21012.25,
          size: 1,
          bid: 21012,
          ask: 21012.25,
          side: 'buy',
        });
      }
    };
    sendTicks(3_000);
    await client.acknowledged();
    sendTicks(1_000);
    // The engine stops (its store flushes what it has); the client has acks only up to 3,000.
    await first.attached.close();
    await first.store.close();
    open.splice(0);

    const second = await startEngine(path, port);
    await client.connect();
    sendTicks(1_000);
    await client.acknowledged();
    expect(welcomes).toEqual([false, true]);
    expect(client.sessionId).toBe(welcome.session_id);

    const ticks = await queryStore(second.store, 'SELECT count(*), count(DISTINCT ts) FROM ticks');
    expect(ticks[0]?.map(Number)).toEqual([5_000, 5_000]);
    const received = await queryStore(
      second.store,
      `SELECT count(*), count(DISTINCT source_seq), max(source_seq) FROM received WHERE source = 'gateway:${welcome.session_id}'`,
    );
    expect(received[0]?.map(Number)).toEqual([5_000, 5_000, 5_000]);
  });
});
