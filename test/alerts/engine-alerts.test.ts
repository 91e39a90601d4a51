import { afterEach, describe, expect, it } from 'vitest';
import { parseEngineConfig } from '../../src/config/index.js';
import { ReplayClock } from '../../src/core/clock.js';
import { microsFromIso } from '../../src/core/time.js';
import { Engine } from '../../src/engine.js';
import { queryFile, tempDir } from '../store/helpers.js';
import { Receiver } from './receiver.js';

const temp = tempDir('enigma-engine-alerts-');
afterEach(() => temp.remove());

describe('an engine with `alerts` in enigma.yaml', () => {
  it('pushes a halt to the phone channel and keeps the alert and its delivery in the history', async () => {
    const phone = await Receiver.start();
    process.env['ENIGMA_TEST_NTFY_TOPIC'] = 'enigma-engine-test';
    try {
      const config = parseEngineConfig(
        `accounts:
  - { id: PAPER-A, profile: apex-50k-evaluation, mode: auto }
alerts:
  channels:
    - { name: phone, type: ntfy, server: "${phone.url}", topicEnv: ENIGMA_TEST_NTFY_TOPIC }
  rules:
    - { name: halted, on: state-change, to: [HALTED], channels: [phone] }
`,
        'enigma.yaml',
        temp.dir,
      );
      const path = temp.file('history.duckdb');
      const engine = await Engine.create({
        mode: 'live',
        // Inside the trading session (Tuesday 10:00 New York), whatever the wall clock says: in
        // the daily break the account would start REDUCING, not ACTIVE.
        clock: new ReplayClock(microsFromIso('2026-12-08T15:00:00Z')),
        dataDir: temp.dir,
        wasm: false,
        accounts: config.accounts,
        trading: { watchHaltFile: false },
        storePath: path,
        ...(config.alerts && { alerts: config.alerts }),
      });
      // The emergency stop a person gives (CLI, API): the account goes HALTED.
      engine.trading?.execute({ type: 'kill', account: 'PAPER-A', reason: 'leaving the desk', by: 'test' });
      await phone.received(1);
      await engine.stop();

      const [push] = phone.bodies() as { topic: string; title: string; message: string; priority: number }[];
      expect(push).toMatchObject({
        topic: 'enigma-engine-test',
        priority: 5,
        title: 'Enigma-Apex critical: ALERT_STATE_CHANGE',
      });
      expect(push?.message).toMatch(/^PAPER-A went from ACTIVE to HALTED/);
      expect(
        await queryFile(path, "SELECT account, severity FROM alerts WHERE code = 'ALERT_STATE_CHANGE'"),
      ).toEqual([['PAPER-A', 'critical']]);
      expect(
        await queryFile(path, 'SELECT channel, attempt, status, http_status FROM alert_deliveries'),
      ).toEqual([['phone', 1, 'delivered', 200]]);
    } finally {
      delete process.env['ENIGMA_TEST_NTFY_TOPIC'];
      await phone.close();
    }
  });

  it('refuses to start when a channel’s secret is missing, naming the variable', async () => {
    const config = parseEngineConfig(
      `accounts:
  - { id: PAPER-A, profile: apex-50k-evaluation }
alerts:
  channels: [{ name: ops, type: webhook, url: "http://127.0.0.1:9/hook", secretEnv: ENIGMA_TEST_UNSET_SECRET }]
  rules: [{ name: fills, on: fill }]
`,
      'enigma.yaml',
      temp.dir,
    );
    await expect(
      Engine.create({
        mode: 'live',
        dataDir: temp.dir,
        wasm: false,
        ...(config.alerts && { alerts: config.alerts }),
      }),
    ).rejects.toMatchObject({
      code: 'ALERT_SECRET_MISSING',
      message: expect.stringMatching(/ENIGMA_TEST_UNSET_SECRET/) as unknown,
    });
  });
});
