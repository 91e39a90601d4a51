import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Pacer, RENDER_MS } from '../../src/dashboard/render-pace.js';

describe('the page draws stream changes paced', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('draws a burst of changes once, within RENDER_MS of the first', () => {
    const draws: number[] = [];
    const pacer = new Pacer(() => draws.push(Date.now()));
    const start = Date.now();
    for (let i = 0; i < 100; i++) pacer.request();
    vi.advanceTimersByTime(RENDER_MS - 1);
    expect(draws).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(draws).toEqual([start + RENDER_MS]);
    pacer.request();
    vi.advanceTimersByTime(RENDER_MS);
    expect(draws).toHaveLength(2);
  });

  it('draws at once when asked (the link dropping), and not again for the changes it already drew', () => {
    let draws = 0;
    const pacer = new Pacer(() => draws++);
    pacer.request();
    pacer.now();
    expect(draws).toBe(1);
    vi.advanceTimersByTime(RENDER_MS * 4);
    expect(draws).toBe(1);
  });

  it('draws nothing after it is cancelled (the view closed)', () => {
    let draws = 0;
    const pacer = new Pacer(() => draws++);
    pacer.request();
    pacer.cancel();
    vi.advanceTimersByTime(RENDER_MS * 4);
    expect(draws).toBe(0);
  });
});
