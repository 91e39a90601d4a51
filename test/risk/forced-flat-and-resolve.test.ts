import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { ReplayClock } from '../../src/core/clock.js';
import type { ExecutionCommand } from '../../src/core/execution-commands.js';
import { microsFromIso } from '../../src/core/time.js';
import { resolveCommand } from '../../src/cli/commands/resolve.js';
import { HaltStore, haltFilePath } from '../../src/risk/halt-store.js';
import { loadRuleProfile } from '../../src/risk/load-rule-profile.js';
import { RiskEngine } from '../../src/risk/risk-engine.js';
import { startTrading } from '../../src/trading.js';

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('forced flat on the clock and enigma resolve', () => {
  it('flattens at the profile’s flat-by time on a timer, with no tick or bar arriving', async () => {
    // Apex: forced flat at 16:59 New York. The clock moves past it; no market data comes.
    const clock = new ReplayClock(microsFromIso('2026-11-24T21:58:00Z'));
    const bus = new MessageBus();
    const commands: ExecutionCommand[] = [];
    bus.observe(TOPICS.executionCommands).subscribe((command) => commands.push(command));
    const risk = new RiskEngine(bus, clock, {
      accounts: [{ id: 'SIM-50K', profile: loadRuleProfile('apex-50k-evaluation'), mode: 'auto' }],
      haltStore: new HaltStore(haltFilePath(mkdtempSync(join(tmpdir(), 'enigma-flat-')))),
      clockTimerMs: 5,
    }).start();
    risk.process({
      kind: 'position',
      position: {
        account: 'SIM-50K',
        symbol: 'ES 12-26',
        ts: clock.now(),
        quantity: 1,
        averagePrice: 6000,
        unrealizedPnl: 0,
        realizedPnl: 0,
      },
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(commands).toEqual([]);
    clock.advanceTo(microsFromIso('2026-11-24T21:59:30Z'));
    await until(() => commands.length > 0, 'the forced flat');
    expect(commands[0]).toMatchObject({ type: 'flatten', account: 'SIM-50K' });
    expect(risk.riskState('SIM-50K')?.state).toBe('REDUCING');
    risk.close();
  });

  it('`enigma resolve` lifts a reconciliation hold in a running engine', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'enigma-resolve-'));
    const bus = new MessageBus();
    const clock = new ReplayClock(microsFromIso('2026-11-24T15:00:00Z'));
    const trading = startTrading(bus, clock, {
      dataDir,
      accounts: [{ id: 'SIM-50K', profile: 'apex-50k-evaluation', mode: 'auto' }],
    });
    bus.publish(TOPICS.alerts, {
      ts: clock.now(),
      severity: 'warning',
      code: 'EXECUTION_RECONCILIATION_MISMATCH',
      message: 'ES 12-26 position 0 here, 2 at paper',
      account: 'SIM-50K',
    });
    expect(trading.riskState('SIM-50K')?.state).toBe('REDUCING');
    expect(await resolveCommand.run(['--account', 'SIM-50K', '--data-dir', dataDir, '--by', 'test'])).toBe(0);
    await until(() => trading.riskState('SIM-50K')?.state === 'ACTIVE', 'the resolution');
    expect(await resolveCommand.run(['--data-dir', dataDir])).toBe(2);
    await trading.close();
  });
});
