import { setImmediate as nextTurn } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { queryStore, tempDir } from '../store/helpers.js';
import { NQ, RawPeer, startStoredEngine, startTestEngine, tick, type TestEngine } from './harness.js';

describe('gateway flow control and liveness', () => {
  let engine: TestEngine;
  let temp: ReturnType<typeof tempDir> | undefined;
  afterEach(async () => {
    await engine.close();
    temp?.remove();
    temp = undefined;
  });

  it('closes a slow consumer with 4004 and keeps its messages for the resume', async () => {
    engine = await startTestEngine({ maxBufferedBytes: 64 * 1024, outboundWindow: 100_000 });
    const { peer, welcome } = await RawPeer.hello(engine.streamUrl);
    peer.socket.pause();
    const reason = 'x'.repeat(900);
    let sent = 0;
    while (engine.gateway.stats().slowConsumers === 0 && sent < 200_000) {
      for (let i = 0; i < 500; i++) {
        sent += 1;
        engine.gateway.send({
          kind: 'flatten',
          commandId: `c${String(sent)}`,
          account: 'Sim101',
          symbol: NQ,
          reason,
        });
      }
      await nextTurn();
    }
    expect(engine.gateway.stats().slowConsumers).toBe(1);
    peer.socket.resume();
    await peer.closed();
    expect(peer.closeCode).toBe(4004);

    const resumed = await RawPeer.hello(engine.streamUrl, { session_id: welcome.session_id, last_seq: 0 });
    await resumed.peer.next('flatten', (m) => m.seq === sent);
    expect(resumed.peer.messages.filter((m) => m.type === 'flatten')).toHaveLength(sent);
    resumed.peer.close();
  });

  it('terminates a peer that stops answering pings', async () => {
    engine = await startTestEngine({ heartbeatMs: 20 });
    const peer = await RawPeer.open(engine.streamUrl, { autoPong: false });
    peer.send({
      type: 'hello',
      seq: 0,
      ts: 1,
      protocol: 1,
      client: { name: 't', version: '1' },
      accounts: [],
      last_seq: 0,
    });
    await peer.next('welcome');
    await peer.closed();
    expect(peer.closeCode).toBe(1006);
    expect(engine.gateway.stats().heartbeatTimeouts).toBe(1);
  });

  it('keeps a peer that answers pings', async () => {
    engine = await startTestEngine({ heartbeatMs: 100 });
    const { peer } = await RawPeer.hello(engine.streamUrl);
    let pings = 0;
    peer.socket.on('ping', () => (pings += 1));
    while (pings < 3) await new Promise((resolve) => setTimeout(resolve, 20));
    peer.send(tick(1));
    await peer.acked(1);
    expect(peer.closeCode).toBeUndefined();
    peer.close();
  });

  it('closes a flooding client with 4003 after too many refused messages', async () => {
    engine = await startTestEngine({ maxRejectsPerSecond: 100 });
    const { peer } = await RawPeer.hello(engine.streamUrl);
    peer.send(Array.from({ length: 150 }, (_, i) => tick(i + 1, { size: -1 })));
    await peer.closed();
    expect(peer.closeCode).toBe(4003);
    expect(peer.closeReason).toBe('GATEWAY_FLOOD');
    expect(engine.gateway.stats().floods).toBe(1);
    expect(engine.published(TOPICS.deadLetters)).toHaveLength(101);
  });

  it('throttles a client above its rate limit without refusing anything', async () => {
    engine = await startTestEngine({ maxMessagesPerSecond: 200 });
    const { peer } = await RawPeer.hello(engine.streamUrl);
    for (let batch = 0; batch < 6; batch++) {
      peer.send(Array.from({ length: 100 }, (_, i) => tick(batch * 100 + i + 1)));
    }
    await peer.acked(600);
    expect(engine.published(TOPICS.ticks)).toHaveLength(600);
    expect(engine.gateway.stats().throttled).toBeGreaterThan(0);
    expect(engine.gateway.stats().rejected).toBe(0);
    peer.close();
  });

  it('stops reading while too many accepted messages wait for the store, and loses none', async () => {
    temp = tempDir('enigma-flow-');
    // The real store and its commit loop (every 5 ms): reading pauses past 10 unstored messages.
    const stored = await startStoredEngine(
      temp.file('flow.duckdb'),
      { maxUnstored: 10 },
      { flushIntervalMs: 5 },
    );
    engine = stored;
    const { peer, welcome } = await RawPeer.hello(engine.streamUrl);
    for (let seq = 1; seq <= 200; seq++) peer.send(tick(seq));
    await peer.acked(200);
    expect(engine.published(TOPICS.ticks)).toHaveLength(200);
    expect(engine.gateway.stats().backpressurePauses).toBeGreaterThan(0);
    const rows = await queryStore(
      stored.store,
      `SELECT count(*), count(DISTINCT source_seq), max(source_seq) FROM received WHERE source = 'gateway:${welcome.session_id}'`,
    );
    expect(rows[0]?.map(Number)).toEqual([200, 200, 200]);
    peer.close();
  });

  it('stops reading while the pipelines are full and resumes when told', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl);
    const [socket] = engine.serverSockets;
    peer.send(tick(1));
    await peer.acked(1);
    engine.gateway.pauseReading();
    expect(engine.gateway.stats().backpressurePauses).toBe(1);
    // Paused means the engine's end of the connection is not read: what is sent waits in TCP.
    expect(socket?.isPaused()).toBe(true);
    const pong = peer.sync([tick(2)]);
    expect(engine.published(TOPICS.ticks)).toHaveLength(1);
    engine.gateway.resumeReading();
    expect(socket?.isPaused()).toBe(false);
    await pong;
    await peer.acked(2);
    expect(engine.published(TOPICS.ticks)).toHaveLength(2);
    peer.close();
  });

  it('stops reading while a downstream queue reports backpressure and resumes when it drains', async () => {
    let storeFull = false;
    engine = await startTestEngine({ isBackpressured: () => storeFull });
    const { peer } = await RawPeer.hello(engine.streamUrl);
    const [socket] = engine.serverSockets;
    storeFull = true;
    peer.send(tick(1));
    await peer.acked(1);
    expect(engine.gateway.stats().backpressurePauses).toBe(1);
    expect(socket?.isPaused()).toBe(true);
    const pong = peer.sync([tick(2)]);
    expect(engine.published(TOPICS.ticks)).toHaveLength(1);
    storeFull = false;
    // The gateway polls the queue while it is full: reading resumes once it reports room.
    await pong;
    expect(socket?.isPaused()).toBe(false);
    await peer.acked(2);
    expect(engine.published(TOPICS.ticks)).toHaveLength(2);
    peer.close();
  });

  it('closes every connection with 1001 when the engine shuts down', async () => {
    engine = await startTestEngine();
    const { peer } = await RawPeer.hello(engine.streamUrl);
    await engine.gateway.close();
    await peer.closed();
    expect(peer.closeCode).toBe(1001);
    expect(peer.closeReason).toBe('GATEWAY_SHUTTING_DOWN');
  });

  it('keeps at most maxRetainedSessions disconnected sessions, forgetting the oldest with nothing to resend', async () => {
    engine = await startTestEngine({ maxRetainedSessions: 2 });
    const disconnect = async (peer: RawPeer): Promise<void> => {
      const sessions = engine.gateway.stats().sessions;
      peer.close();
      await peer.closed();
      // The engine sees the close a moment after the client: wait until it has counted it.
      while (engine.gateway.stats().connections > 0) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(engine.gateway.stats().sessions).toBeLessThanOrEqual(sessions);
    };
    // The first session has an order command waiting to be resent; the others have nothing.
    const holder = await RawPeer.hello(engine.streamUrl, { accounts: ['Sim101'] });
    expect(
      engine.gateway.send({ kind: 'flatten', commandId: 'c1', account: 'Sim101', symbol: NQ, reason: 'r' }),
    ).toBe(true);
    await holder.peer.next('flatten');
    await disconnect(holder.peer);
    const idle: string[] = [];
    for (let i = 0; i < 3; i++) {
      const { peer, welcome } = await RawPeer.hello(engine.streamUrl, { accounts: [] });
      idle.push(welcome.session_id);
      await disconnect(peer);
    }
    expect(engine.gateway.stats().sessions).toBe(2);

    const resumedHolder = await RawPeer.hello(engine.streamUrl, { session_id: holder.welcome.session_id });
    expect(resumedHolder.welcome.resumed).toBe(true);
    await resumedHolder.peer.next('flatten', (m) => m.command_id === 'c1');
    await disconnect(resumedHolder.peer);
    const newest = await RawPeer.hello(engine.streamUrl, { session_id: idle[2], accounts: [] });
    expect(newest.welcome.resumed).toBe(true);
    newest.peer.close();
    const oldest = await RawPeer.hello(engine.streamUrl, { session_id: idle[0], accounts: [] });
    expect(oldest.welcome.resumed).toBe(false);
    oldest.peer.close();
  });

  it('forgets a disconnected session after its time to live', async () => {
    engine = await startTestEngine({ heartbeatMs: 10, sessionTtlMs: 1 });
    const first = await RawPeer.hello(engine.streamUrl);
    first.peer.close();
    await first.peer.closed();
    while (engine.gateway.stats().sessions > 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await RawPeer.hello(engine.streamUrl, { session_id: first.welcome.session_id });
    expect(second.welcome.resumed).toBe(false);
    second.peer.close();
  });
});
