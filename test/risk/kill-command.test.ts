import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import { confirmCommand, proposalsCommand, rejectCommand } from '../../src/cli/commands/confirm.js';
import { killCommand, resumeCommand } from '../../src/cli/commands/kill.js';
import { startTrading } from '../../src/trading.js';
import { esTick, intent, T0 } from '../execution/execution-helpers.js';

describe('enigma kill / enigma resume', () => {
  it('halts a running engine through the halt file: flat, no working orders, HALTED; resume lifts it', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-kill-'));
    const bus = new MessageBus();
    const clock = new ReplayClock(T0);
    const trading = startTrading(bus, clock, { dataDir });
    bus.publish(TOPICS.ticks, esTick(T0, 6000));
    bus.publish(TOPICS.orderIntents, intent({ quantity: 2 }));
    bus.publish(TOPICS.orderIntents, intent({ type: 'limit', limitPrice: 5950 }));
    expect(trading.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(2);

    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await killCommand.run(['--data-dir', dataDir, '--reason', 'news', '--by', 'test'])).toBe(0);
      await vi.waitFor(() => expect(trading.riskState('SIM-50K')?.state).toBe('HALTED'), { timeout: 10_000 });
      expect(trading.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(0);
      expect(trading.paper.workingOrders('SIM-50K')).toEqual([]);
      expect(await killCommand.run(['--data-dir', dataDir, '--list'])).toBe(0);
      expect(write.mock.calls.map((call) => String(call[0])).join('')).toContain(
        'every account: HALTED (manual) by test: news',
      );

      expect(await resumeCommand.run(['--data-dir', dataDir])).toBe(0);
      await vi.waitFor(() => expect(trading.riskState('SIM-50K')?.state).toBe('ACTIVE'), { timeout: 10_000 });
    } finally {
      write.mockRestore();
      await trading.close();
    }
  });

  it('refuses to resume one account while every account is halted', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-kill-'));
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    const writeError = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await killCommand.run(['--data-dir', dataDir]);
      expect(await resumeCommand.run(['--data-dir', dataDir, '--account', 'SIM-50K'])).toBe(1);
      expect(await killCommand.run(['--bogus'])).toBe(2);
    } finally {
      write.mockRestore();
      writeError.mockRestore();
    }
  });
});

describe('enigma proposals / confirm / reject', () => {
  it('confirms a proposal of a running engine in confirm mode through the data directory', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-confirm-'));
    const bus = new MessageBus();
    const trading = startTrading(bus, new ReplayClock(T0), {
      dataDir,
      accounts: [{ id: 'SIM-50K', profile: 'apex-50k-evaluation', mode: 'confirm' }],
    });
    bus.publish(TOPICS.ticks, esTick(T0, 6000));
    const first = intent({ quantity: 1 });
    const second = intent({ quantity: 1, side: 'sell', type: 'limit', limitPrice: 6010 });
    bus.publish(TOPICS.orderIntents, first);
    bus.publish(TOPICS.orderIntents, second);
    expect(trading.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(0);

    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      expect(await proposalsCommand.run(['--data-dir', dataDir])).toBe(0);
      expect(write.mock.calls.map((call) => String(call[0])).join('')).toContain(
        `${first.id}  SIM-50K  buy 1 ES 12-26 market`,
      );
      expect(await confirmCommand.run([first.id, '--data-dir', dataDir])).toBe(0);
      expect(await rejectCommand.run([second.id, '--data-dir', dataDir])).toBe(0);
      await vi.waitFor(() => expect(trading.paper.position('SIM-50K', 'ES 12-26').quantity).toBe(1), {
        timeout: 10_000,
      });
      await vi.waitFor(() => expect(trading.risk.pendingProposals()).toEqual([]), { timeout: 10_000 });
      expect(trading.paper.workingOrders('SIM-50K')).toEqual([]);
    } finally {
      write.mockRestore();
      await trading.close();
    }
  });
});
