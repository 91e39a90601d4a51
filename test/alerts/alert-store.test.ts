import { afterEach, describe, expect, it } from 'vitest';
import { Notifier } from '../../src/alerts/notifier.js';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { Store } from '../../src/store/store.js';
import { queryFile, tempDir } from '../store/helpers.js';
import { Receiver } from './receiver.js';

const T0 = Date.UTC(2026, 11, 7, 15, 0) * 1000;

const temp = tempDir('enigma-alerts-');
afterEach(() => temp.remove());

describe('alert deliveries in the history', () => {
  it('keeps the rule’s alert in `alerts` and every attempt, failed, delivered, throttled and dead-lettered, in `alert_deliveries`', async () => {
    // The webhook answers 500 once, then 200; the ntfy server always 503.
    const receiver = await Receiver.start({
      judge: (request) => (request.path === '/' ? 503 : 200),
      statuses: [500],
    });
    const path = temp.file('history.duckdb');
    const store = await Store.open(path);
    const bus = new MessageBus();
    store.attach(bus);
    const notifier = new Notifier(
      {
        channels: [
          { name: 'hook', type: 'webhook', url: `${receiver.url}/hook`, secretEnv: 'S', firstRetry: '1ms' },
          {
            name: 'phone',
            type: 'ntfy',
            server: receiver.url,
            topic: 'enigma-test',
            attempts: 2,
            firstRetry: '1ms',
            maxPerMinute: 1,
          },
        ],
        rules: [{ name: 'halted', on: 'state-change', to: ['HALTED'], dedupe: '0s' }],
      },
      { env: { S: 'webhook-signing-secret' } },
    );
    notifier.attach(bus);
    const state = { account: 'APEX-1', ts: T0, state: 'ACTIVE' as const, reasons: [], health: 90 };
    bus.publish(TOPICS.riskStates, state);
    bus.publish(TOPICS.riskStates, { ...state, ts: T0 + 1, state: 'HALTED' });
    bus.publish(TOPICS.riskStates, { ...state, ts: T0 + 2, state: 'ACTIVE' });
    bus.publish(TOPICS.riskStates, { ...state, ts: T0 + 3, state: 'HALTED' });
    await notifier.idle();
    // Closing sends the throttle's summary of what it held back (the ntfy server refuses it too).
    await notifier.close();
    await store.close();
    await receiver.close();

    const alerts = await queryFile(
      path,
      "SELECT ts, severity, code FROM alerts WHERE code = 'ALERT_STATE_CHANGE' ORDER BY seq",
    );
    expect(alerts).toEqual([
      [BigInt(T0 + 1), 'critical', 'ALERT_STATE_CHANGE'],
      [BigInt(T0 + 3), 'critical', 'ALERT_STATE_CHANGE'],
    ]);
    const rows = await queryFile(
      path,
      'SELECT alert_ts, channel, attempt, status, http_status, rule_name, code FROM alert_deliveries ORDER BY channel, rule_name DESC, alert_ts, attempt',
    );
    expect(rows).toEqual([
      [BigInt(T0 + 1), 'hook', 1, 'failed', 500, 'halted', 'ALERT_STATE_CHANGE'],
      [BigInt(T0 + 1), 'hook', 2, 'delivered', 200, 'halted', 'ALERT_STATE_CHANGE'],
      [BigInt(T0 + 3), 'hook', 1, 'delivered', 200, 'halted', 'ALERT_STATE_CHANGE'],
      [expect.any(BigInt), 'phone', 1, 'failed', 503, 'throttle', 'ALERT_THROTTLED'],
      [expect.any(BigInt), 'phone', 2, 'dead-lettered', 503, 'throttle', 'ALERT_THROTTLED'],
      [BigInt(T0 + 1), 'phone', 1, 'failed', 503, 'halted', 'ALERT_STATE_CHANGE'],
      [BigInt(T0 + 1), 'phone', 2, 'dead-lettered', 503, 'halted', 'ALERT_STATE_CHANGE'],
      [BigInt(T0 + 3), 'phone', 0, 'throttled', null, 'halted', 'ALERT_STATE_CHANGE'],
    ]);
    // The dead letter is kept with the other refused messages, with its reason.
    const rejects = await queryFile(
      path,
      "SELECT origin, code FROM rejects WHERE code = 'ALERT_DELIVERY_FAILED'",
    );
    expect(rejects).toEqual([
      ['alerts:phone', 'ALERT_DELIVERY_FAILED'],
      ['alerts:phone', 'ALERT_DELIVERY_FAILED'],
    ]);
    // Every attempt of one alert on one channel shares its id.
    const ids = await queryFile(
      path,
      'SELECT count(DISTINCT alert_id) FROM alert_deliveries WHERE alert_ts = ' + String(T0 + 1),
    );
    expect(ids).toEqual([[1n]]);
  });
});
