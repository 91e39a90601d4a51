import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../src/alerts/webhook-signature.js';
import { TOPICS } from '../../src/bus/topics.js';
import { parseEngineConfig } from '../../src/config/index.js';
import { Engine, preparePipeline } from '../../src/engine.js';
import { queryFile, tempDir } from '../store/helpers.js';
import { Receiver } from './receiver.js';

let temp: ReturnType<typeof tempDir>;
beforeEach(() => {
  temp = tempDir('enigma-engine-slo-');
});
afterEach(() => temp.remove());

const MODULE = new URL('../fixtures/modules/slow-operators.ts', import.meta.url).pathname;
const SECRET = 'slo-test-signing-secret';

interface Hook {
  readonly rule: string;
  readonly code: string;
  readonly severity: string;
  readonly message: string;
}

describe('an engine with an slo alert rule', () => {
  it('alerts when a slow step’s p99 stays above the threshold, delivers it signed and stores it, and clears when the load stops', async () => {
    const hook = await Receiver.start();
    process.env['ENIGMA_TEST_SLO_SECRET'] = SECRET;
    let load: NodeJS.Timeout | undefined;
    try {
      const config = parseEngineConfig(
        `accounts:
  - { id: PAPER-A, profile: apex-50k-evaluation }
alerts:
  channels:
    - { name: ops, type: webhook, url: "${hook.url}/hook", secretEnv: ENIGMA_TEST_SLO_SECRET }
  rules:
    - { name: slow-step, on: slo, metric: step-p99, pipeline: slow, step: crunch, above: 1ms, for: 1s, window: 2s }
`,
        'enigma.yaml',
        temp.dir,
      );
      const file = temp.file('slow.yaml');
      writeFileSync(
        file,
        `id: slow
modules: [${MODULE}]
steps:
  - { id: ticks, op: subscribe, params: { topic: ticks } }
  - { id: crunch, op: busyWait, from: ticks, params: { micros: 3000 } }
`,
      );
      const { compiled } = await preparePipeline(file);
      const path = temp.file('history.duckdb');
      const engine = await Engine.create({
        mode: 'live',
        dataDir: temp.dir,
        wasm: false,
        accounts: config.accounts,
        storePath: path,
        ...(config.alerts && { alerts: config.alerts }),
      });
      engine.add(compiled);
      engine.start();
      // The load: 50 ticks a second, each holding the step at least 3 ms (more on a busy machine).
      let price = 5000;
      load = setInterval(() => {
        price += 0.25;
        engine.bus.publish(TOPICS.ticks, {
          symbol: 'ES 12-26',
          ts: engine.clock.now(),
          price,
          size: 1,
          bid: price - 0.25,
          ask: price,
          side: 'buy',
        });
      }, 20);
      await hook.received(1);
      clearInterval(load);
      // Without samples in the 2 s window the p99 is no longer above 1 ms: one cleared notice.
      await hook.received(2);
      await engine.stop();

      const [breach, cleared] = hook.requests;
      expect(hook.requests).toHaveLength(2);
      for (const request of [breach, cleared]) {
        const headers = {
          timestamp: String(request?.headers['x-enigma-timestamp']),
          signature: String(request?.headers['x-enigma-signature']),
        };
        expect(verifyWebhook(SECRET, headers, request?.body ?? '')).toBe(true);
      }
      const [first, second] = hook.bodies() as Hook[];
      expect(first).toMatchObject({ rule: 'slow-step', code: 'ALERT_SLO_BREACH', severity: 'warning' });
      expect(first?.message).toMatch(
        /^slow\.crunch: p99 step latency \d+\.\d\d ms over the last 2s is above 1\.00 ms for \ds$/,
      );
      expect(second).toMatchObject({
        rule: 'slow-step',
        code: 'ALERT_SLO_CLEARED',
        severity: 'info',
        message: 'slow.crunch: cleared, p99 step latency back: nothing measured in the window',
      });
      expect(
        await queryFile(path, "SELECT code, severity FROM alerts WHERE code LIKE 'ALERT_SLO%' ORDER BY seq"),
      ).toEqual([
        ['ALERT_SLO_BREACH', 'warning'],
        ['ALERT_SLO_CLEARED', 'info'],
      ]);
      expect(
        await queryFile(
          path,
          'SELECT code, rule_name, channel, attempt, status, http_status FROM alert_deliveries ORDER BY seq',
        ),
      ).toEqual([
        ['ALERT_SLO_BREACH', 'slow-step', 'ops', 1, 'delivered', 200],
        ['ALERT_SLO_CLEARED', 'slow-step', 'ops', 1, 'delivered', 200],
      ]);
    } finally {
      clearInterval(load);
      delete process.env['ENIGMA_TEST_SLO_SECRET'];
      await hook.close();
    }
  }, 30_000);

  it('engine-silent: alerts when a market source stops, not for a source that is not market data, and clears when ticks come back', async () => {
    const hook = await Receiver.start();
    process.env['ENIGMA_TEST_SLO_SECRET'] = SECRET;
    try {
      const config = parseEngineConfig(
        `accounts:
  - { id: PAPER-A, profile: apex-50k-evaluation }
alerts:
  channels:
    - { name: ops, type: webhook, url: "${hook.url}/hook", secretEnv: ENIGMA_TEST_SLO_SECRET }
  rules:
    - { name: feed, on: engine-silent, for: 2s }
`,
        'enigma.yaml',
        temp.dir,
      );
      const file = temp.file('feed.yaml');
      writeFileSync(
        file,
        `id: feed
steps:
  - { id: ticks, op: subscribe, params: { topic: ticks } }
  - { id: fills, op: subscribe, params: { topic: fills } }
  - { id: out, op: jsonl, from: [ticks, fills], params: { path: out.jsonl } }
`,
      );
      const { compiled } = await preparePipeline(file);
      const engine = await Engine.create({
        mode: 'live',
        dataDir: temp.dir,
        wasm: false,
        accounts: config.accounts,
        ...(config.alerts && { alerts: config.alerts }),
      });
      engine.add(compiled);
      engine.start();
      const tick = (): void =>
        engine.bus.publish(TOPICS.ticks, {
          symbol: 'ES 12-26',
          ts: engine.clock.now(),
          price: 5000,
          size: 1,
          bid: 4999.75,
          ask: 5000,
          side: 'buy',
        });
      tick();
      await hook.received(1);
      tick();
      await hook.received(2);
      await engine.stop();

      // The fills source never emitted: it is not market data, so only the ticks alert.
      expect(
        (hook.bodies() as Hook[]).map((body) => [body.code, body.message.replace(/\d+s/g, 'Ns')]),
      ).toEqual([
        ['ALERT_ENGINE_SILENT', 'feed.ticks: no market data for Ns'],
        ['ALERT_ENGINE_SILENT_CLEARED', 'feed.ticks: cleared, data again after Ns without'],
      ]);
    } finally {
      delete process.env['ENIGMA_TEST_SLO_SECRET'];
      await hook.close();
    }
  }, 30_000);
});
