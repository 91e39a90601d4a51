import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { ReplayClock, SessionClock, type Clock } from '../../src/core/clock.js';
import type { Tick } from '../../src/core/events.js';
import { microsFromIso } from '../../src/core/time.js';
import { simulatedMarket, simulatedSessionClock } from '../../src/operators/simulated-market.js';
import type { RunContext } from '../../src/pipeline/operator.js';

const PARAMS = {
  seed: 42,
  instruments: ['ES 12-26', 'NQ 12-26'],
  ticksPerSecond: 50,
  speed: 20,
  backfill: '10m',
};
/** Tuesday 2026-12-08 10:00 New York. */
const TUESDAY = microsFromIso('2026-12-08T15:00:00Z');

function liveContext(clock: Clock): RunContext {
  return {
    pipelineId: 'p',
    stepId: 'market',
    baseDir: '.',
    inputs: [],
    functions: new Map(),
    clock,
    bus: new MessageBus(),
    mode: 'live',
    dataDir: 'data',
    deadLetter: () => undefined,
  };
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 2));
}

/** Runs the market on a session clock paced by a wall clock the test moves. */
function play(start: number) {
  const wall = new ReplayClock(1_000_000);
  const clock = new SessionClock({ start, speed: PARAMS.speed, wall });
  const ticks: Tick[] = [];
  const clockAtTick: number[] = [];
  const subscription = simulatedMarket.create(PARAMS, liveContext(clock)).subscribe((tick) => {
    ticks.push(tick as Tick);
    clockAtTick.push(clock.now());
  });
  return { wall, clock, ticks, clockAtTick, stop: () => subscription.unsubscribe() };
}

describe('simulated market on a session clock', () => {
  it('releases the backfill at full speed while the session clock waits at the session start', async () => {
    const run = play(TUESDAY);
    try {
      await until(() => run.clock.running);
      expect(run.ticks.length).toBeGreaterThan(1000);
      expect(run.ticks[0]?.ts).toBeGreaterThanOrEqual(TUESDAY - 10 * 60e6);
      expect(run.ticks.every((tick) => tick.ts <= TUESDAY)).toBe(true);
      expect(run.clockAtTick.every((now) => now === TUESDAY)).toBe(true);
      expect(run.clock.now()).toBe(TUESDAY);
    } finally {
      run.stop();
    }
  });

  it('then releases ticks as the session clock reaches them, and the clock follows the ticks', async () => {
    const run = play(TUESDAY);
    try {
      await until(() => run.clock.running);
      const backfilled = run.ticks.length;
      run.wall.advanceTo(2_000_000); // one wall second = 20 s of market at speed 20
      await until(() => (run.ticks.at(-1)?.ts ?? 0) > TUESDAY + 15e6);
      const live = run.ticks.slice(backfilled);
      expect(live.length).toBeGreaterThan(100);
      expect(live.every((tick) => tick.ts > TUESDAY && tick.ts <= TUESDAY + 20e6)).toBe(true);
      expect(run.clockAtTick.slice(backfilled)).toEqual(live.map((tick) => tick.ts));
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(run.ticks.at(-1)?.ts).toBeLessThanOrEqual(TUESDAY + 20e6);
    } finally {
      run.stop();
    }
  });

  it('gives the same ticks for the same seed and session start', async () => {
    const first = play(TUESDAY);
    const second = play(TUESDAY);
    try {
      await until(() => first.clock.running && second.clock.running);
      expect(first.ticks.length).toBeGreaterThan(0);
      expect(second.ticks).toEqual(first.ticks);
    } finally {
      first.stop();
      second.stop();
    }
  });

  it('plays the latest weekday session when asked to start on a Saturday', () => {
    const wall = new ReplayClock();
    const saturday = simulatedSessionClock(PARAMS, { start: microsFromIso('2026-12-05T15:00:00Z'), wall });
    expect(saturday.start).toBe(microsFromIso('2026-12-04T14:30:00Z'));
    expect(saturday.speed).toBe(20);
    const fromParam = simulatedSessionClock({ ...PARAMS, start: '2026-12-08T15:00:00Z' }, { wall });
    expect(fromParam.start).toBe(TUESDAY);
    wall.advanceTo(microsFromIso('2026-12-06T23:15:00Z'));
    expect(simulatedSessionClock(PARAMS, { wall }).start).toBe(microsFromIso('2026-12-04T14:30:00Z'));
  });
});
