import { describe, expect, it } from 'vitest';
import { ReplayClock, SessionClock } from '../../src/core/clock.js';

const START = 1_764_858_600_000_000;

describe('session clock', () => {
  it('holds at the session start until the market runs it, whatever the wall clock does', () => {
    const wall = new ReplayClock(1_000_000);
    const clock = new SessionClock({ start: START, speed: 20, wall });
    wall.advanceTo(9_000_000);
    expect(clock.now()).toBe(START);
    expect(clock.due()).toBe(START);
    expect(clock.running).toBe(false);
    expect(clock.liveFrom).toBe(START);
  });

  it('once running, makes ticks due `speed` times faster than the wall clock', () => {
    const wall = new ReplayClock(1_000_000);
    const clock = new SessionClock({ start: START, speed: 20, wall });
    clock.run();
    wall.advanceTo(1_500_000);
    expect(clock.due()).toBe(START + 10_000_000);
    clock.run();
    expect(clock.due()).toBe(START + 10_000_000);
  });

  it('tells the time of the last tick released, never going backwards', () => {
    const clock = new SessionClock({ start: START, speed: 1, wall: new ReplayClock() });
    clock.advanceTo(START - 60_000_000);
    expect(clock.now()).toBe(START);
    clock.advanceTo(START + 5);
    clock.advanceTo(START + 3);
    expect(clock.now()).toBe(START + 5);
  });

  it('resolves `started` when the session runs', async () => {
    const clock = new SessionClock({ start: START, speed: 1, wall: new ReplayClock() });
    let started = false;
    void clock.started.then(() => (started = true));
    await Promise.resolve();
    expect(started).toBe(false);
    clock.run();
    await clock.started;
    expect(started).toBe(true);
  });
});
