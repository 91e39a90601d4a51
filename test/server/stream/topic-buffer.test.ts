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
});
