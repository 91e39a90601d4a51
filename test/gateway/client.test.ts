import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Tick } from '../../src/core/events.js';
import { EngineError } from '../../src/core/errors.js';
import { GatewayClient, type EngineCommand } from '../../src/gateway/client.js';
import { queryStore, tempDir } from '../store/helpers.js';
import { NQ, startStoredEngine, startTestEngine, TEST_TOKEN, type TestEngine } from './harness.js';

let ts = 1_764_115_200_000_000;
function nextTick(price = 21012.25) {
  ts += 1;
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

function expectEachTickOnce(ticks: readonly Tick[], count: number) {
  expect(ticks).toHaveLength(count);
  for (let i = 1; i < ticks.length; i++)
    expect((ticks[i] as Tick).ts).toBeGreaterThan((ticks[i - 1] as Tick).ts);
}

describe('GatewayClient against the real gateway', () => {
  let engine: TestEngine | undefined;
  let client: GatewayClient | undefined;
  let temp: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await client?.close();
    await engine?.close();
    temp?.remove();
    client = undefined;
    engine = undefined;
    temp = undefined;
  });

  it('groups a burst into batch frames and gets every message acknowledged in order', async () => {
    engine = await startTestEngine();
    client = new GatewayClient({ url: engine.http.url, token: TEST_TOKEN, accounts: ['Sim101'] });
    const welcome = await client.connect();
    expect(welcome.resumed).toBe(false);
    for (let i = 0; i < 10_000; i++) client.send(nextTick());
    await client.acknowledged();
    expectEachTickOnce(engine.published(TOPICS.ticks), 10_000);
    expect(client.unackedCount).toBe(0);
    expect(engine.published(TOPICS.received)).toHaveLength(10_000);
  });

  it('resumes after dropped connections with nothing lost or duplicated', async () => {
    temp = tempDir('enigma-client-');
    // The real store and its commit loop: acks come from what it committed.
    const stored = await startStoredEngine(temp.file('client.duckdb'), {}, { flushIntervalMs: 5 });
    engine = stored;
    client = new GatewayClient({
      url: engine.http.url,
      token: TEST_TOKEN,
      minBackoffMs: 5,
      maxBackoffMs: 20,
    });
    await client.connect();
    for (let round = 0; round < 5; round++) {
      while (!client.connected) await new Promise((resolve) => setTimeout(resolve, 1));
      for (let i = 0; i < 2_000; i++) client.send(nextTick());
      await new Promise((resolve) => setTimeout(resolve, 1));
      client.dropConnection();
    }
    await client.acknowledged();
    expect(client.connections).toBe(6);
    expectEachTickOnce(engine.published(TOPICS.ticks), 10_000);
    const seqs = engine.published(TOPICS.received).map((r) => r.seq);
    expect(seqs).toEqual(Array.from({ length: 10_000 }, (_, i) => i + 1));
    const rows = await queryStore(stored.store, 'SELECT count(*), count(DISTINCT ts) FROM ticks');
    expect(rows[0]?.map(Number)).toEqual([10_000, 10_000]);
  });

  it('receives every engine command once across reconnects and acknowledges it', async () => {
    engine = await startTestEngine();
    const commands: EngineCommand[] = [];
    client = new GatewayClient({
      url: engine.http.url,
      token: TEST_TOKEN,
      accounts: ['Sim101'],
      minBackoffMs: 5,
      onCommand: (command) => commands.push(command),
    });
    await client.connect();
    const send = (n: number) =>
      engine?.gateway.send({
        kind: 'flatten',
        commandId: `c${String(n)}`,
        account: 'Sim101',
        reason: 'test',
      });
    for (let n = 1; n <= 50; n++) send(n);
    await new Promise((resolve) => setTimeout(resolve, 5));
    client.dropConnection();
    for (let n = 51; n <= 100; n++) send(n);
    while (commands.length < 100) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(commands.map((c) => c.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    expect(new Set(commands.map((c) => (c as { command_id: string }).command_id)).size).toBe(100);
  });

  it('renumbers and resends what was unacknowledged when the engine restarted', async () => {
    engine = await startTestEngine({ ackOn: 'stored' });
    const port = engine.http.port;
    const commands: EngineCommand[] = [];
    client = new GatewayClient({
      url: engine.http.url,
      token: TEST_TOKEN,
      accounts: ['Sim101'],
      minBackoffMs: 5,
      maxBackoffMs: 50,
      onCommand: (command) => commands.push(command),
    });
    const first = await client.connect();
    for (let i = 0; i < 100; i++) client.send(nextTick());
    while (engine.published(TOPICS.ticks).length < 100)
      await new Promise((resolve) => setTimeout(resolve, 2));
    await engine.close();
    engine = await startTestEngine({ ackOn: 'accepted' }, port);
    const second = await client.connect();
    expect(second).toMatchObject({ resumed: false });
    expect(second.session_id).not.toBe(first.session_id);
    await client.acknowledged();
    expect(engine.published(TOPICS.received).map((r) => r.seq)).toEqual(
      Array.from({ length: 100 }, (_, i) => i + 1),
    );
    while (commands.length === 0) await new Promise((resolve) => setTimeout(resolve, 2));
    expect(commands[0]).toMatchObject({ type: 'snapshot_request', seq: 1 });
  });

  it('refuses for good when the token is wrong', async () => {
    engine = await startTestEngine();
    client = new GatewayClient({ url: engine.streamUrl, token: 'wrong' });
    await expect(client.connect()).rejects.toThrow(EngineError);
    await expect(client.connect()).rejects.toMatchObject({ code: 'GATEWAY_AUTH_FAILED' });
  });

  it('fails the first connection at once, naming the URL, when nothing listens and retrying was not asked', async () => {
    const port = await freePort();
    const url = `http://127.0.0.1:${String(port)}`;
    client = new GatewayClient({ url, token: TEST_TOKEN, retryFirstConnection: false });
    const error = await client.connect().catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'GATEWAY_UNREACHABLE' });
    expect((error as Error).message).toBe(
      `cannot reach the engine at ${url}: connection refused (nothing listens on that port)`,
    );
  });

  it('fails the first connection after the connect timeout when the server never answers', async () => {
    const silent = await silentServer();
    try {
      const url = `http://127.0.0.1:${String((silent.address() as { port: number }).port)}`;
      client = new GatewayClient({
        url,
        token: TEST_TOKEN,
        retryFirstConnection: false,
        connectTimeoutMs: 300,
      });
      await expect(client.connect()).rejects.toMatchObject({
        code: 'GATEWAY_UNREACHABLE',
        message: `cannot reach the engine at ${url}: no answer within 0.3 s`,
      });
    } finally {
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('keeps retrying the first connection by default, until the engine comes up', async () => {
    const port = await freePort();
    client = new GatewayClient({
      url: `http://127.0.0.1:${String(port)}`,
      token: TEST_TOKEN,
      minBackoffMs: 20,
      maxBackoffMs: 50,
    });
    const welcome = client.connect();
    await new Promise((resolve) => setTimeout(resolve, 200));
    engine = await startTestEngine({}, port);
    await expect(welcome).resolves.toMatchObject({ resumed: false });
  });

  it('still reconnects an established session when first-connection retries are off', async () => {
    engine = await startTestEngine();
    client = new GatewayClient({
      url: engine.http.url,
      token: TEST_TOKEN,
      retryFirstConnection: false,
      minBackoffMs: 5,
    });
    await client.connect();
    client.dropConnection();
    client.send(nextTick());
    await client.acknowledged();
    expect(client.connections).toBe(2);
    expect(engine.published(TOPICS.ticks)).toHaveLength(1);
  });

  it('measures a ping round trip on its clock, from the ping time the engine echoes', async () => {
    engine = await startTestEngine();
    const clock = new ReplayClock(1_764_115_200_000_000);
    client = new GatewayClient({ url: engine.http.url, token: TEST_TOKEN, clock });
    await client.connect();
    const roundTrip = client.ping();
    clock.advanceTo(1_764_115_200_000_250);
    expect(await roundTrip).toBe(250);
  });
});

/** A loopback port with nothing listening on it (bound, then released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A TCP server that accepts connections and never answers (a hung or wrong service). */
async function silentServer(): Promise<Server> {
  const sockets = new Set<import('node:net').Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
  });
  const close = server.close.bind(server);
  server.close = ((callback?: (error?: Error) => void) => {
    for (const socket of sockets) socket.destroy();
    return close(callback);
  }) as typeof server.close;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
