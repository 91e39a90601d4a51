import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import type { EngineMessage } from '../../src/gateway/protocol/schemas.js';
import { Store } from '../../src/store/store.js';
import { brokenDisk, settle, until, type BrokenDisk } from '../store/broken-disk.js';
import { queryFile } from '../store/helpers.js';
import { NQ, RawPeer, startTestEngine, tick, type TestEngine } from './harness.js';

const storeErrors = (peer: RawPeer) =>
  peer.messages.filter(
    (m): m is Extract<EngineMessage, { type: 'error' }> =>
      m.type === 'error' && m.code === 'STORE_UNAVAILABLE',
  );

describe('a client while the store cannot write', () => {
  let disk: BrokenDisk | undefined;
  let engine: TestEngine | undefined;
  let store: Store | undefined;
  afterEach(async () => {
    disk?.repair();
    await engine?.close();
    await store?.close().catch(() => undefined);
    disk?.dispose();
    disk = engine = store = undefined;
  });

  it('is told once with STORE_UNAVAILABLE, gets no ack, stays connected while paused, and is acked once the store writes again', async () => {
    disk = brokenDisk();
    const path = join(disk.dir, 'enigma.duckdb');
    const opened = await Store.open(path, { commitRetryMs: 20, commitRetryMaxMs: 100, idleCheckpointMs: 10 });
    store = opened;
    // Reading pauses at 5 unstored messages, and the heartbeat is far shorter than the outage:
    // a connection paused that long must not be taken for dead.
    engine = await startTestEngine({
      ackOn: 'stored',
      heartbeatMs: 50,
      maxUnstored: 5,
      storedWatermark: (source) => opened.watermark(source),
    });
    opened.attach(engine.bus);
    const { peer, welcome } = await RawPeer.hello(engine.streamUrl);
    for (let seq = 1; seq <= 20; seq++) peer.send(tick(seq));
    await peer.acked(20);
    await settle(opened);

    disk.break();
    peer.send(tick(21));
    const told = await peer.next('error', (error) => error.code === 'STORE_UNAVAILABLE');
    expect(told.message).toMatch(disk.cause);
    expect(told.message).toMatch(/nothing is acknowledged until the store can write again/);
    for (let seq = 22; seq <= 40; seq++) peer.send(tick(seq));
    // A session that connects during the outage is told too.
    const late = await RawPeer.hello(engine.streamUrl);
    await late.peer.next('error', (error) => error.code === 'STORE_UNAVAILABLE');
    await until(() => opened.stats.commitErrors >= 4, 'four failed commit attempts');
    expect(
      peer.messages.filter((m) => m.type === 'ack').map((m) => (m as { last_seq: number }).last_seq),
    ).not.toContain(21);
    expect(Math.max(...peer.messages.flatMap((m) => (m.type === 'ack' ? [m.last_seq] : [])))).toBe(20);
    expect(peer.closeCode).toBeUndefined();
    expect(engine.gateway.stats().backpressurePauses).toBeGreaterThan(0);

    disk.repair();
    await peer.acked(40);
    late.peer.send(tick(1));
    await late.peer.acked(1);
    expect(storeErrors(peer)).toHaveLength(1);
    expect(storeErrors(late.peer)).toHaveLength(1);
    expect(engine.published(TOPICS.storeHealth).map((health) => health.ok)).toEqual([false, true]);
    peer.close();
    late.peer.close();
    await engine.close();
    engine = undefined;
    await opened.close();
    store = undefined;

    const [received] = await queryFile(
      path,
      `SELECT count(*), count(DISTINCT source_seq), max(source_seq) FROM received WHERE source = 'gateway:${welcome.session_id}'`,
    );
    expect(received?.map(Number)).toEqual([40, 40, 40]);
  });

  it('does not apply an execution whose fill id cannot be recorded: STORE_UNAVAILABLE, close 1013, and the resumed session applies it once', async (context) => {
    disk = brokenDisk();
    if (disk.kind !== 'full') context.skip(); // an open file keeps writing without permission: needs the tmpfs (root)
    const ledger = join(disk.dir, 'ninjatrader-fills.jsonl');
    engine = await startTestEngine({ ninjaTraderAccounts: ['APEX-1'], fillLedgerPath: ledger });
    const execution = (seq: number) => ({
      type: 'execution',
      seq,
      ts: 1_764_115_200_000_000 + seq,
      fill_id: `fill-${String(seq).padStart(4, '0')}-${'x'.repeat(110)}`,
      client_order_id: 'ea-1',
      account: 'APEX-1',
      symbol: NQ,
      side: 'buy',
      quantity: 1,
      price: 21000,
      commission: 2,
    });
    const first = await RawPeer.hello(engine.streamUrl, { accounts: ['APEX-1'] });
    first.peer.send(execution(1));
    await first.peer.acked(1);
    disk.break();
    // The ledger's last page has room for a few more lines; one of these finds the disk full.
    first.peer.send(Array.from({ length: 99 }, (_, i) => execution(i + 2)));
    const refused = await first.peer.next('error', (error) => error.code === 'STORE_UNAVAILABLE');
    await first.peer.closed();
    expect(first.peer.closeCode).toBe(1013);
    expect(refused.message).toMatch(/no space left on device/i);
    const notApplied = refused.ref_seq as number;
    expect(notApplied).toBeGreaterThan(1);
    expect(engine.published(TOPICS.fills)).toHaveLength(notApplied - 1);
    expect(engine.published(TOPICS.alerts)).toContainEqual(
      expect.objectContaining({ severity: 'critical', code: 'STORE_UNAVAILABLE' }),
    );

    disk.repair();
    const again = await RawPeer.hello(engine.streamUrl, {
      accounts: ['APEX-1'],
      session_id: first.welcome.session_id,
      last_seq: 0,
    });
    expect(again.welcome.last_seq).toBe(notApplied - 1);
    again.peer.send(Array.from({ length: 100 - notApplied + 1 }, (_, i) => execution(notApplied + i)));
    await again.peer.acked(100);
    const fills = engine.published(TOPICS.fills);
    expect(fills).toHaveLength(100);
    expect(new Set(fills.map((fill) => fill.fillId)).size).toBe(100);
    again.peer.close();
  });

  it('is documented with the protocol’s error codes', async () => {
    const doc = await readFile(new URL('../../docs/protocol.md', import.meta.url), 'utf8');
    const codes = doc.slice(doc.indexOf('## 5. Error codes'), doc.indexOf('## 6.'));
    expect(codes).toMatch(/^\| `STORE_UNAVAILABLE` \| /m);
  });
});
