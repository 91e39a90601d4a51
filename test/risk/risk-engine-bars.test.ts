import { describe, expect, it } from 'vitest';
import { TOPICS } from '../../src/bus/topics.js';
import { microsFromIso } from '../../src/core/time.js';
import { riskEngineRig } from './risk-engine-rig.js';
import { positionAt } from './scenario-helpers.js';

/** Apex's flat-by time on Tuesday 24 November 2026 (4:58:30 PM in New York). */
const FLAT_BY = microsFromIso('2026-11-24T21:58:30Z');
const MINUTE = 60_000_000;

describe('bars on the bus move the risk engine’s time as ticks do', () => {
  it('a bar ending at the flat-by time flattens an open position, with no tick', () => {
    const r = riskEngineRig({ at: FLAT_BY - 2 * MINUTE });
    r.engine.process({ kind: 'position', position: positionAt(FLAT_BY - 2 * MINUTE, 1) });
    const bar = (end: number) => ({
      symbol: 'ES 12-26',
      ts: end - MINUTE,
      end,
      open: 6000,
      high: 6001,
      low: 5999,
      close: 6000.5,
      volume: 10,
      buyVolume: 5,
      sellVolume: 5,
      trades: 4,
    });
    r.bus.publish(TOPICS.bars, bar(FLAT_BY - MINUTE));
    expect(r.commands.filter((command) => command.type === 'flatten')).toEqual([]);
    r.bus.publish(TOPICS.bars, bar(FLAT_BY));
    expect(r.commands.filter((command) => command.type === 'flatten')).toHaveLength(1);
    expect(r.engine.compliance('SIM-50K')?.session).toBe('flat-window');
  });
});
