import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { queryStore, tempDir } from '../store/helpers.js';
import { RawPeer, startStoredEngine, tick, type StoredTestEngine } from './harness.js';

/** Client seqs of one session in the store's `received` table, in order. */
async function storedSeqs(engine: StoredTestEngine, sessionId: string): Promise<number[]> {
  const rows = await queryStore(
    engine.store,
    `SELECT source_seq FROM received WHERE source = 'gateway:${sessionId}' ORDER BY source_seq`,
  );
  return rows.map((row) => Number(row[0]));
}

describe('gateway sessions over a real store', () => {
  let temp: ReturnType<typeof tempDir>;
  const engines: StoredTestEngine[] = [];
  beforeEach(() => {
    temp = tempDir('enigma-stored-sessions-');
  });
  afterEach(async () => {
    for (const engine of engines.splice(0)) await engine.close();
    temp.remove();
  });

  async function start(...args: Parameters<typeof startStoredEngine>): Promise<StoredTestEngine> {
    const engine = await startStoredEngine(...args);
    engines.push(engine);
    return engine;
  }

  it('welcomes a client after an engine restart with the last seq the store committed, and continues after it', async () => {
    const path = temp.file('restart.duckdb');
    const first = await start(path);
    const before = await RawPeer.hello(first.streamUrl);
    const sessionId = before.welcome.session_id;
    await before.peer.sync([tick(1), tick(2), tick(3)]);
    await first.store.flush();
    await before.peer.acked(3);
    // Accepted, not yet acknowledged when the engine stops: its store commits them on close.
    await before.peer.sync([tick(4), tick(5)]);
    expect(before.peer.acks()).toEqual([3]);
    await first.close();
    engines.splice(0);
    await before.peer.closed();

    const second = await start(path);
    const after = await RawPeer.hello(second.streamUrl, { session_id: sessionId, last_seq: 0 });
    expect(after.welcome).toMatchObject({ resumed: true, session_id: sessionId, last_seq: 5 });
    await after.peer.sync([tick(6)]);
    await second.store.flush();
    await after.peer.acked(6);
    expect(after.peer.acks()).toEqual([6]);
    expect(await storedSeqs(second, sessionId)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('stops reading a session exactly when its unstored backlog reaches the limit, and resumes once stored', async () => {
    const engine = await start(temp.file('backlog.duckdb'), { maxUnstored: 3 });
    const { peer } = await RawPeer.hello(engine.streamUrl);
    await peer.sync([tick(1), tick(2)]);
    expect(engine.gateway.stats().backpressurePauses).toBe(0);
    await peer.sync([tick(3)]);
    expect(engine.gateway.stats().backpressurePauses).toBe(1);
    const [socket] = engine.serverSockets;
    expect(socket?.isPaused()).toBe(true);
    // Read again only once the store committed the backlog (down to half the limit).
    peer.send(tick(4));
    await engine.store.flush();
    expect(socket?.isPaused()).toBe(false);
    await peer.sync();
    await engine.store.flush();
    await peer.acked(4);
    expect(engine.published(TOPICS.ticks)).toHaveLength(4);
    expect(engine.gateway.stats().backpressurePauses).toBe(1);
  });

  it('keeps a live client whose session waits for the store, however many heartbeats the wait takes', async () => {
    const engine = await start(temp.file('heartbeat.duckdb'), { maxUnstored: 2, heartbeatMs: 50 });
    const { peer } = await RawPeer.hello(engine.streamUrl);
    await peer.sync([tick(1), tick(2)]);
    expect(engine.serverSockets[0]?.isPaused()).toBe(true);
    // The client answers every ping, but its pongs wait unread behind the paused socket.
    let pings = 0;
    await new Promise<void>((resolve) => {
      peer.socket.on('ping', () => {
        pings += 1;
        if (pings === 4) resolve();
      });
      void peer.closed().then(resolve);
    });
    expect(peer.closeCode).toBeUndefined();
    expect(engine.gateway.stats().heartbeatTimeouts).toBe(0);
    await engine.store.flush();
    await peer.acked(2);
  });

  it('restores a session forgotten while its last messages wait in the store: acked once committed, a resend never stored twice', async () => {
    // The session is forgotten (its time to live passed) while its last messages still wait in
    // the store's open batch: it is restored as far as the store took it in (5), acked as far as
    // the store committed (3).
    const engine = await start(temp.file('restored.duckdb'), { sessionTtlMs: 1, heartbeatMs: 100 });
    const first = await RawPeer.hello(engine.streamUrl);
    const sessionId = first.welcome.session_id;
    await first.peer.sync([tick(1), tick(2), tick(3)]);
    await engine.store.flush();
    await first.peer.acked(3);
    const four = tick(4);
    const five = tick(5);
    await first.peer.sync([four, five]);
    first.peer.close();
    await first.peer.closed();
    await vi.waitFor(() => expect(engine.gateway.stats().sessions).toBe(0), { timeout: 5000, interval: 5 });

    const second = await RawPeer.hello(engine.streamUrl, { session_id: sessionId, last_seq: 0 });
    expect(second.welcome).toMatchObject({ resumed: true, session_id: sessionId, last_seq: 3 });
    await engine.store.flush(); // seqs 4 and 5 commit now: the ack follows
    await second.peer.acked(5);
    // The client resends what was not acknowledged when it reconnected: duplicates, dropped.
    await second.peer.sync([four, five, tick(6)]);
    await engine.store.flush();
    await second.peer.acked(6);
    expect(second.peer.acks()).toEqual([5, 6]);
    expect(second.peer.messages.filter((m) => m.type === 'error')).toEqual([]);
    expect(await storedSeqs(engine, sessionId)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(await queryStore(engine.store, 'SELECT count(*), count(DISTINCT ts) FROM ticks')).toEqual([
      [6n, 6n],
    ]);
    expect(engine.store.stats.rejects).toBe(0);
  });
});
