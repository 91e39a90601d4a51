import { describe, expect, it } from 'vitest';
import { TopicBuffer } from '../../../src/server/stream/topic-buffer.js';

describe('what waits for a slow client on one topic', () => {
  it('keeps only the latest item per key for a state topic, in the order of their last change', () => {
    const buffer = new TopicBuffer('latest', 100);
    buffer.add('order', 'a', { status: 'submitted' });
    buffer.add('order', 'b', { status: 'working' });
    buffer.add('order', 'a', { status: 'filled' });
    expect(buffer.take()).toEqual({
      items: [
        { kind: 'order', data: { status: 'working' } },
        { kind: 'order', data: { status: 'filled' } },
      ],
      dropped: 0,
    });
    expect(buffer.size).toBe(0);
  });

  it('keeps the newest items of an event topic up to its bound and counts the ones dropped', () => {
    const buffer = new TopicBuffer('queue', 3);
    for (let n = 1; n <= 5; n++) buffer.add('fill', undefined, n);
    expect(buffer.take()).toEqual({
      items: [3, 4, 5].map((data) => ({ kind: 'fill', data })),
      dropped: 2,
    });
    buffer.add('fill', undefined, 6);
    expect(buffer.take()).toEqual({ items: [{ kind: 'fill', data: 6 }], dropped: 0 });
  });

  it('bounds the keys of a state topic too, dropping the least recently changed', () => {
    const buffer = new TopicBuffer('latest', 2);
    buffer.add('order', 'a', 1);
    buffer.add('order', 'b', 2);
    buffer.add('order', 'c', 3);
    expect(buffer.take()).toEqual({
      items: [
        { kind: 'order', data: 2 },
        { kind: 'order', data: 3 },
      ],
      dropped: 1,
    });
  });

  it('gives at most a slice of what waits, oldest first, and keeps the rest in order for the next', () => {
    const queue = new TopicBuffer('queue', 4);
    for (let n = 1; n <= 6; n++) queue.add('fill', undefined, n);
    expect(queue.take(3)).toEqual({ items: [3, 4, 5].map((data) => ({ kind: 'fill', data })), dropped: 2 });
    queue.add('fill', undefined, 7);
    // The ring wraps past its end: order still holds, and nothing more was dropped.
    queue.add('fill', undefined, 8);
    queue.add('fill', undefined, 9);
    expect(queue.size).toBe(4);
    expect(queue.take(2)).toEqual({ items: [6, 7].map((data) => ({ kind: 'fill', data })), dropped: 0 });
    expect(queue.take(5)).toEqual({ items: [8, 9].map((data) => ({ kind: 'fill', data })), dropped: 0 });
    expect(queue.size).toBe(0);

    const state = new TopicBuffer('latest', 10);
    state.add('order', 'a', 1);
    state.add('order', 'b', 2);
    state.add('order', 'c', 3);
    expect(state.take(2).items.map((item) => item.data)).toEqual([1, 2]);
    // A key changed after the slice is newest again; the one left waits before it.
    state.add('order', 'a', 4);
    expect(state.take(5).items.map((item) => item.data)).toEqual([3, 4]);
  });
});
