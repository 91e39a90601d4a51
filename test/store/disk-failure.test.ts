import { join } from 'node:path';
import { filter, firstValueFrom } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type StoreHealth } from '../../src/bus/topics.js';
import type { Alert } from '../../src/core/events.js';
import { Batch } from '../../src/store/batch.js';
import { DatabaseWriter } from '../../src/store/database-writer.js';
import { DEFAULT_DUCKDB_SETTINGS, Store } from '../../src/store/store.js';
import { brokenDisk, settle, until, type BrokenDisk } from './broken-disk.js';
import { BASE_TS, queryFile, tickAt } from './helpers.js';

function health(bus: MessageBus, ok: boolean): Promise<StoreHealth> {
  return firstValueFrom(bus.observe(TOPICS.storeHealth).pipe(filter((h) => h.ok === ok)));
}

/** Publishes ticks `from..to`, each with its edge envelope (source `feed`, seq = i). */
function feed(bus: MessageBus, from: number, to: number): void {
  for (let i = from; i <= to; i++) {
    const tick = tickAt(i);
    bus.publish(TOPICS.ticks, tick);
    bus.publish(TOPICS.received, { source: 'feed', seq: i, type: 'tick', message: tick });
  }
}

const OPTIONS = { commitRetryMs: 20, commitRetryMaxMs: 100, idleCheckpointMs: 10, unavailableGraceMs: 500 };

describe('the store on a disk that fills up (or is taken away) and comes back', () => {
  let disk: BrokenDisk | undefined;
  afterEach(() => {
    disk?.repair();
    disk?.dispose();
    disk = undefined;
  });

  it('keeps retrying what it accepted, acknowledges nothing meanwhile, and stores all of it once, when space returns', async () => {
    disk = brokenDisk();
    const path = join(disk.dir, 'enigma.duckdb');
    const bus = new MessageBus();
    const alerts: Alert[] = [];
    bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
    const store = await Store.open(path, OPTIONS);
    store.attach(bus);
    feed(bus, 1, 100);
    await settle(store);
    expect(store.watermark('feed')).toBe(100);

    disk.break();
    const failing = health(bus, false);
    feed(bus, 101, 3000);
    const down = await failing;
    expect(down).toMatchObject({ ok: false, code: 'STORE_UNAVAILABLE' });
    expect(down.reason).toMatch(disk.cause);
    expect(alerts).toContainEqual(
      expect.objectContaining({ severity: 'critical', code: 'STORE_UNAVAILABLE' }),
    );
    // The writer thread keeps trying; nothing past the last real commit is acknowledged.
    await until(() => store.stats.commitErrors >= 3, 'three failed commit attempts');
    expect(store.watermark('feed')).toBe(100);
    expect(store.health).toMatchObject({ ok: false, code: 'STORE_UNAVAILABLE' });
    await expect(store.flush()).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE' });

    const back = health(bus, true);
    disk.repair();
    await back;
    feed(bus, 3001, 3100);
    await store.flush();
    expect(store.watermark('feed')).toBe(3100);
    expect(store.health.ok).toBe(true);
    expect(alerts).toContainEqual(expect.objectContaining({ severity: 'info', code: 'STORE_UNAVAILABLE' }));
    await store.close();

    const [received] = await queryFile(
      path,
      "SELECT count(*), count(DISTINCT source_seq), min(source_seq), max(source_seq) FROM received WHERE source = 'feed'",
    );
    expect(received?.map(Number)).toEqual([3100, 3100, 1, 3100]);
    const [ticks] = await queryFile(path, 'SELECT count(*), count(DISTINCT seq) FROM ticks');
    expect(ticks?.map(Number)).toEqual([3100, 3100]);
  });

  it('ends a shutdown while the disk stays broken, with STORE_UNAVAILABLE naming the rows it could not store', async () => {
    disk = brokenDisk();
    const path = join(disk.dir, 'enigma.duckdb');
    const bus = new MessageBus();
    const store = await Store.open(path, OPTIONS);
    store.attach(bus);
    feed(bus, 1, 50);
    await settle(store);
    disk.break();
    const failing = health(bus, false);
    feed(bus, 51, 80);
    await failing;
    const error = await store.close().then(
      () => undefined,
      (cause: unknown) => cause,
    );
    expect(error).toMatchObject({ code: 'STORE_UNAVAILABLE' });
    expect(String((error as Error).message)).toMatch(/shut down with \d+ rows not stored/);
    expect(String((error as Error).message)).toMatch(disk.cause);

    disk.repair();
    const reopened = await Store.open(path, OPTIONS);
    expect(reopened.watermark('feed')).toBe(50);
    await reopened.close();
  });

  it('reopens a database DuckDB invalidated after a checkpoint found the disk full, and never appends a committed group twice', async (context) => {
    disk = brokenDisk();
    if (disk.kind !== 'full') context.skip(); // a checkpoint only fails on a full disk (needs root for the tmpfs)
    const path = join(disk.dir, 'writer.duckdb');
    const { writer } = await DatabaseWriter.open(path, DEFAULT_DUCKDB_SETTINGS, BASE_TS);
    const alertRows = (from: number, to: number) => {
      const batch = new Batch();
      for (let seq = from; seq <= to; seq++)
        batch.buffer('alerts').push([seq, BASE_TS + seq, 'info', 'TEST', `alert ${String(seq)}`, null, null]);
      batch.newSymbols.push([from, `SYMBOL ${String(from)}`]);
      return batch.seal().batch;
    };
    const first = alertRows(1, 1000);
    await writer.commit([first]);
    disk.break();
    await expect(writer.checkpoint()).rejects.toThrow(/FATAL|No space left/);
    const second = alertRows(1001, 2000);
    await expect(writer.commit([second])).rejects.toThrow();
    disk.repair();
    // The first group is there, the second is not: a retry appends it once.
    expect(await writer.committed([first])).toBe(true);
    expect(await writer.committed([second])).toBe(false);
    await writer.commit([second]);
    expect(await writer.committed([second])).toBe(true);
    await writer.close();
    const [counts] = await queryFile(path, 'SELECT count(*), count(DISTINCT seq) FROM alerts');
    expect(counts?.map(Number)).toEqual([2000, 2000]);
    const [symbols] = await queryFile(path, 'SELECT count(*) FROM symbols');
    expect(symbols?.map(Number)).toEqual([2]);
  });
});
