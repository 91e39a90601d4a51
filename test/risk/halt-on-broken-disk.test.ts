import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { Alert } from '../../src/core/events.js';
import { startTrading } from '../../src/trading.js';
import { esTick, intent, T0 } from '../execution/execution-helpers.js';
import { brokenDisk } from '../store/broken-disk.js';

describe('the kill switch on a data directory that cannot be written', () => {
  it('still flattens and halts, and says with critical alerts that the halt and the flat are not on disk', async () => {
    const disk = brokenDisk();
    const bus = new MessageBus();
    const alerts: Alert[] = [];
    bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
    const trading = startTrading(bus, new ReplayClock(T0), { dataDir: disk.dir });
    try {
      bus.publish(TOPICS.ticks, esTick(T0, 6000));
      bus.publish(TOPICS.orderIntents, intent({ quantity: 2 }));
      expect(trading.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(2);

      disk.break();
      bus.publish(TOPICS.riskCommands, { type: 'kill', account: 'SIM-50K', reason: 'news', by: 'test' });
      expect(trading.riskState('SIM-50K')?.state).toBe('HALTED');
      expect(trading.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(0);
      const notSaved = alerts.find((alert) => alert.code === 'RISK_STATE_NOT_SAVED');
      expect(notSaved).toMatchObject({ severity: 'critical' });
      expect(notSaved?.message).toMatch(/halt file cannot be written/);
      expect(alerts).toContainEqual(
        expect.objectContaining({
          code: 'RISK_STATE_NOT_SAVED',
          message: expect.stringMatching(/flat status file/),
        }),
      );
    } finally {
      disk.repair();
      await trading.close();
      disk.dispose();
    }
  });

  it('keeps trading in confirm mode when the pending proposals cannot be written, and says so', async () => {
    const disk = brokenDisk();
    const bus = new MessageBus();
    const alerts: Alert[] = [];
    bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));
    const trading = startTrading(bus, new ReplayClock(T0), {
      dataDir: disk.dir,
      accounts: [{ id: 'SIM-50K', profile: 'apex-50k-evaluation', mode: 'confirm' }],
    });
    try {
      bus.publish(TOPICS.ticks, esTick(T0, 6000));
      disk.break();
      const proposed = intent({ quantity: 1 });
      // Before: the write threw inside the bus subscriber and ended the process.
      bus.publish(TOPICS.orderIntents, proposed);
      expect(alerts).toContainEqual(
        expect.objectContaining({
          severity: 'critical',
          code: 'RISK_STATE_NOT_SAVED',
          message: expect.stringMatching(/pending proposals cannot be written/) as string,
        }),
      );
      // The proposal stands in the engine and can still be confirmed through it.
      expect(trading.execute({ type: 'confirm', proposalId: proposed.id, by: 'test' })).toMatchObject({
        ok: true,
      });
      expect(trading.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(1);
    } finally {
      disk.repair();
      await trading.close();
      disk.dispose();
    }
  });
});
