import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Received, StoreRefusal } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import { GatewaySession, type SessionConnection } from '../../src/gateway/session.js';
import type { ClientMessage } from '../../src/gateway/protocol/schemas.js';

/** A connection that records what the session asked of it, in order. */
class RecordingConnection implements SessionConnection {
  readonly sent: string[] = [];
  readonly backlogCalls: boolean[] = [];
  readonly refusals: StoreRefusal[] = [];
  flushes = 0;
  enqueue(text: string): void {
    this.sent.push(text);
  }
  scheduleFlush(): void {
    this.flushes += 1;
  }
  setStoreBacklogged(backlogged: boolean): void {
    this.backlogCalls.push(backlogged);
  }
  refusedByStore(refusal: StoreRefusal): void {
    this.refusals.push(refusal);
  }
}

const heartbeat = (seq: number): ClientMessage =>
  ({ type: 'heartbeat', seq, ts: 1 }) as unknown as ClientMessage;

function session(
  ackPolicy: 'stored' | 'accepted',
  maxUnstored: number,
  start?: { handledSeq: number; ackableSeq?: number; outboundSeq: number },
) {
  const received: Received[] = [];
  const made = new GatewaySession(
    'nt-1',
    ackPolicy,
    maxUnstored,
    16,
    new ReplayClock(1_000),
    (message) => received.push(message),
    start,
  );
  return { session: made, received };
}

type Step = { handle: number } | { store: number };

describe('a gateway session', () => {
  it('starts with no declared account and acks nothing it has not handled', () => {
    const { session: fresh } = session('stored', 10);
    expect(fresh.accounts).toEqual([]);
    expect([fresh.handledSeq, fresh.ackableSeq, fresh.outboundSeq, fresh.unstoredCount]).toEqual([
      0, 0, 0, 0,
    ]);
  });

  it('restored after a restart, acks from the store watermark and numbers its commands after the previous engine', () => {
    const restored = session('stored', 10, { handledSeq: 40, ackableSeq: 38, outboundSeq: 7 }).session;
    expect([restored.handledSeq, restored.ackableSeq, restored.unstoredCount]).toEqual([40, 38, 2]);
    expect(restored.send({ type: 'snapshot_request', seq: 0, ts: 0, request_id: 'x', reason: 'r' })).toBe(8);
    const committedOnly = session('stored', 10, { handledSeq: 40, outboundSeq: 0 }).session;
    expect(committedOnly.ackableSeq).toBe(40);
  });

  it('declares each missing seq lost, once, with its reason', () => {
    const { session: gap, received } = session('stored', 100);
    gap.accept(heartbeat(1), { kind: 'heartbeat' });
    gap.declareLost(4);
    gap.declareLost(4);
    expect(received.map((r) => [r.seq, r.type])).toEqual([
      [1, 'heartbeat'],
      [2, 'lost'],
      [3, 'lost'],
      [4, 'lost'],
    ]);
    expect(received[1]).toEqual({
      source: gap.source,
      seq: 2,
      type: 'lost',
      message: { reason: 'never arrived' },
    });
    expect(gap.handledSeq).toBe(4);
  });

  it('acks on acceptance at once under the accepted policy, and only after the store under the stored policy', () => {
    const accepted = session('accepted', 2).session;
    accepted.refuse(1, 'BAD', 'why', '{}');
    accepted.accept(heartbeat(2), {});
    accepted.accept(heartbeat(3), {});
    expect([accepted.ackableSeq, accepted.unstoredCount]).toEqual([3, 0]);

    const stored = session('stored', 100).session;
    const connection = new RecordingConnection();
    stored.attach(connection);
    stored.accept(heartbeat(1), {});
    stored.accept(heartbeat(2), {});
    expect(stored.ackableSeq).toBe(0);
    stored.stored(1);
    expect([stored.ackableSeq, connection.flushes]).toEqual([1, 1]);
    // A watermark that does not move the ack asks for no frame.
    stored.stored(1);
    stored.stored(0);
    expect([stored.ackableSeq, connection.flushes]).toEqual([1, 1]);
    stored.stored(2);
    expect([stored.ackableSeq, connection.flushes]).toEqual([2, 2]);
  });

  it('reports a store backlog once at the limit and clears it once at half, for any order of accepts and commits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.array(
          fc.oneof(
            fc.integer({ min: 1, max: 4 }).map((n): Step => ({ handle: n })),
            fc.integer({ min: 0, max: 30 }).map((n): Step => ({ store: n })),
          ),
          { maxLength: 60 },
        ),
        (maxUnstored, steps) => {
          const { session: tested } = session('stored', maxUnstored);
          const connection = new RecordingConnection();
          tested.attach(connection);
          let handled = 0;
          let ackable = 0;
          let backlogged = false;
          const expectedCalls: boolean[] = [];
          let expectedFlushes = 0;
          for (const step of steps) {
            if ('handle' in step) {
              for (let i = 0; i < step.handle; i++) {
                handled += 1;
                tested.accept(heartbeat(handled), {});
                if (!backlogged && handled - ackable >= maxUnstored) {
                  backlogged = true;
                  expectedCalls.push(true);
                }
              }
            } else {
              // The store never commits past what was handled.
              const watermark = Math.min(step.store, handled);
              tested.stored(watermark);
              if (watermark > ackable) {
                ackable = watermark;
                expectedFlushes += 1;
                if (backlogged && handled - ackable <= maxUnstored / 2) {
                  backlogged = false;
                  expectedCalls.push(false);
                }
              }
            }
            expect(tested.ackableSeq).toBe(ackable);
            expect(tested.unstoredCount).toBe(handled - ackable);
          }
          expect(connection.backlogCalls).toEqual(expectedCalls);
          expect(connection.flushes).toBe(expectedFlushes);

          // A connection taking the session over is told the backlog state it inherits.
          const next = new RecordingConnection();
          tested.attach(next);
          expect(next.backlogCalls).toEqual(backlogged ? [true] : []);
        },
      ),
    );
  });

  it('clears the backlog exactly at half the limit, not before', () => {
    const { session: tested } = session('stored', 10);
    const connection = new RecordingConnection();
    tested.attach(connection);
    for (let seq = 1; seq <= 10; seq++) tested.accept(heartbeat(seq), {});
    expect(connection.backlogCalls).toEqual([true]);
    tested.stored(4); // 6 unstored: above half
    expect(connection.backlogCalls).toEqual([true]);
    tested.stored(5); // 5 unstored: exactly half
    expect(connection.backlogCalls).toEqual([true, false]);
  });

  it('numbers, stamps, keeps and sends each command, and names each snapshot request apart', () => {
    const { session: tested } = session('stored', 10);
    const connection = new RecordingConnection();
    tested.requestSnapshot('before any connection');
    tested.attach(connection);
    tested.requestSnapshot('gap');
    expect(tested.outboundSeq).toBe(2);
    expect(tested.window.size).toBe(2);
    expect(connection.sent.map((text) => JSON.parse(text) as unknown)).toEqual([
      { type: 'snapshot_request', seq: 2, ts: 1_000, request_id: 'snap-2', reason: 'gap' },
    ]);
    expect(
      tested.window.after(0).map((text) => (JSON.parse(text) as { request_id: string }).request_id),
    ).toEqual(['snap-1', 'snap-2']);
  });
});
