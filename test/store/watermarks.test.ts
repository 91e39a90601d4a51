import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS, type StoredWatermark } from '../../src/bus/topics.js';
import { Store } from '../../src/store/store.js';
import { WatermarkTracker } from '../../src/store/watermarks.js';
import { tempDir, tickAt } from './helpers.js';

/**
 * The store's promise to the gateway: a watermark (and so an ack) never covers a seq that is not
 * committed. Two things keep it, and each is tested here:
 *
 * 1. The writer thread commits in seal order and answers in that order (one connection, a FIFO
 *    queue, batches queued behind a running commit join one later transaction), and the worker's
 *    message port keeps that order; so the store's commit promises settle in seal order, and their
 *    reactions run in that order. The `await previous` in `Store.requestCommit` therefore changes
 *    nothing while the writer is this way: the mutant `void previous` is equivalent in practice
 *    (the test below seals a huge batch, then a tiny one, and sees them committed in that order).
 * 2. Even if commits did complete out of order, `WatermarkTracker.commit` only moves a watermark
 *    through seqs that are all committed (the property test below, over any interleaving).
 */
describe('store watermarks', () => {
  let temp: ReturnType<typeof tempDir>;
  beforeEach(() => {
    temp = tempDir('enigma-watermarks-');
  });
  afterEach(() => temp.remove());

  it('commits a tiny batch sealed behind a huge one after it, and moves watermarks in that order', async () => {
    const store = await Store.open(temp.file('order.duckdb'), {
      batchRows: 10_000_000,
      flushIntervalMs: 60_000,
      highWaterMark: 10_000_000,
    });
    const bus = new MessageBus();
    const moved: StoredWatermark[] = [];
    bus.observe(TOPICS.stored).subscribe((watermark) => moved.push(watermark));
    store.attach(bus);
    const settled: string[] = [];
    for (let i = 0; i < 200_000; i++) bus.publish(TOPICS.ticks, tickAt(i));
    bus.publish(TOPICS.received, { source: 'gateway:huge', seq: 1, type: 'tick', message: tickAt(0) });
    const huge = store.flush().then(() => settled.push('huge'));
    bus.publish(TOPICS.received, { source: 'gateway:tiny', seq: 1, type: 'tick', message: tickAt(1) });
    const tiny = store.flush().then(() => settled.push('tiny'));
    await Promise.all([huge, tiny]);
    expect(moved).toEqual([
      { source: 'gateway:huge', seq: 1 },
      { source: 'gateway:tiny', seq: 1 },
    ]);
    expect(settled).toEqual(['huge', 'tiny']);
    expect(store.stats.batchesCommitted).toBe(2);
    await store.close();
  });

  it('never moves a watermark over an uncommitted seq, whatever order the batches commit in', () => {
    // Per source, seqs 1..n cut into consecutive batches (the store seals them in seq order); some
    // batches never commit (their commit failed for good); the rest commit in any order.
    const source = fc.record({
      cuts: fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 12 }),
    });
    const plan = fc.array(source, { minLength: 1, maxLength: 3 }).chain((sources) => {
      const batches = sources.flatMap((s, index) => {
        let next = 1;
        return s.cuts.map((size) => {
          const seqs = Array.from({ length: size }, (_, i) => next + i);
          next += size;
          return { source: `gateway:${String(index)}`, seqs };
        });
      });
      return fc.record({
        batches: fc.constant(batches),
        // A shuffled subset of the batches: the missing ones failed; the order is the commit order.
        order: fc.shuffledSubarray(
          batches.map((_, i) => i),
          { minLength: 0, maxLength: batches.length },
        ),
      });
    });

    fc.assert(
      fc.property(plan, ({ batches, order }) => {
        const tracker = new WatermarkTracker();
        const committed = new Map<string, Set<number>>();
        const published = new Map<string, number>();
        for (const index of order) {
          const batch = batches[index] as (typeof batches)[number];
          const done = committed.get(batch.source) ?? new Set<number>();
          committed.set(batch.source, done);
          for (const seq of batch.seqs) done.add(seq);
          for (const watermark of tracker.commit(new Map([[batch.source, batch.seqs]]))) {
            // Every seq up to the watermark is committed, and watermarks only move forward.
            for (let seq = 1; seq <= watermark.seq; seq++) expect(done.has(seq)).toBe(true);
            expect(watermark.seq).toBeGreaterThan(published.get(watermark.source) ?? 0);
            published.set(watermark.source, watermark.seq);
          }
        }
        // And it goes as far as it may: up to the first seq not committed.
        for (const [name, done] of committed) {
          let contiguous = 0;
          while (done.has(contiguous + 1)) contiguous++;
          expect(tracker.get(name)).toBe(contiguous);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('watermark tracker', () => {
  it('takes a seq once: the same seq again is a duplicate', () => {
    const tracker = new WatermarkTracker();
    expect(tracker.accept('addon', 1)).toBe(true);
    expect(tracker.accept('addon', 1)).toBe(false);
    expect(tracker.accept('addon', 2)).toBe(true);
    expect(tracker.accepted('addon')).toBe(2);
  });

  it('after a restore, refuses every seq up to the restored watermark and takes the next', () => {
    const tracker = new WatermarkTracker();
    tracker.restore('addon', 5);
    expect(tracker.accepted('addon')).toBe(5);
    expect(tracker.accept('addon', 3)).toBe(false);
    expect(tracker.accept('addon', 5)).toBe(false);
    expect(tracker.accept('addon', 6)).toBe(true);
    expect(tracker.get('addon')).toBe(5);
  });
});
