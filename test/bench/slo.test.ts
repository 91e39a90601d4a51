import { describe, expect, it } from 'vitest';
import { QUICK_TOLERANCE, checkSlos } from '../../bench/slo.js';

const status = (figures: Record<string, number>, quick: boolean, figure: string) =>
  checkSlos(figures, quick).rows.find((row) => row.figure === figure)?.status;

describe('the objectives check (bench/slo.json)', () => {
  it('misses any shortfall in a full run and only a 3× one in a quick run', () => {
    expect(QUICK_TOLERANCE).toBe(3);
    // store.commitP99Millis: max 50; pipeline.replayTicksPerSecond: min 1,000,000.
    expect(status({ 'store.commitP99Millis': 50 }, false, 'store.commitP99Millis')).toBe('met');
    expect(status({ 'store.commitP99Millis': 51 }, false, 'store.commitP99Millis')).toBe('missed');
    expect(status({ 'store.commitP99Millis': 149 }, true, 'store.commitP99Millis')).toBe('met');
    expect(status({ 'store.commitP99Millis': 151 }, true, 'store.commitP99Millis')).toBe('missed');
    expect(status({ 'pipeline.replayTicksPerSecond': 999_999 }, false, 'pipeline.replayTicksPerSecond')).toBe(
      'missed',
    );
    expect(status({ 'pipeline.replayTicksPerSecond': 340_000 }, true, 'pipeline.replayTicksPerSecond')).toBe(
      'met',
    );
    expect(status({ 'pipeline.replayTicksPerSecond': 330_000 }, true, 'pipeline.replayTicksPerSecond')).toBe(
      'missed',
    );
    expect(status({}, true, 'store.commitP99Millis')).toBe('not measured');
    // A zero target stays strict even in a quick run.
    expect(status({ 'e2e.lostDuplicatedReordered': 1 }, true, 'e2e.lostDuplicatedReordered')).toBe('missed');
  });

  it('judges a quick latency by the engine’s share over the bare floor of the same run, never a full one', () => {
    const figure = 'e2e.signalToOrderP99Micros'; // max 2,000 µs, floor e2e.floorSignalToOrderP99Micros
    const noisy = { [figure]: 8_900, 'e2e.floorSignalToOrderP99Micros': 3_000 };
    expect(status(noisy, true, figure)).toBe('met'); // 8,900 − 3,000 ≤ 3 × 2,000
    expect(status({ ...noisy, [figure]: 9_100 }, true, figure)).toBe('missed');
    expect(status(noisy, false, figure)).toBe('missed');
    // Without its floor in the run, the figure is judged whole.
    const { missed } = checkSlos({ [figure]: 6_500 }, true);
    expect(missed).toBe(1);
  });
});
