import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { AlertLog } from '../../src/cli/alert-log.js';
import type { Alert } from '../../src/core/events.js';

const alert = (overrides: Partial<Alert>): Alert => ({
  ts: 1,
  severity: 'critical',
  code: 'EXECUTION_BROKER_DISCONNECTED',
  message: 'the AddOn session disconnected',
  account: 'APEX-12345',
  ...overrides,
});

describe('the alert log of enigma run', () => {
  it('prints warning and critical alerts with code and account, holds repeats and counts them', () => {
    const bus = new MessageBus();
    const lines: string[] = [];
    let now = 0;
    new AlertLog(
      bus,
      (text) => lines.push(text),
      () => now,
      false,
    );
    bus.publish(TOPICS.alerts, alert({}));
    bus.publish(TOPICS.alerts, alert({ severity: 'info', code: 'EXECUTION_RECONCILED' }));
    now = 1_000;
    bus.publish(TOPICS.alerts, alert({}));
    bus.publish(TOPICS.alerts, alert({}));
    bus.publish(
      TOPICS.alerts,
      alert({
        severity: 'warning',
        code: 'GATEWAY_PRICE_BAND',
        account: undefined,
        symbol: 'CL 01-27',
        message: 'refused',
      }),
    );
    now = 10_000;
    bus.publish(TOPICS.alerts, alert({ message: 'again' }));
    expect(lines).toEqual([
      'alert CRITICAL EXECUTION_BROKER_DISCONNECTED APEX-12345: the AddOn session disconnected\n',
      'alert WARNING GATEWAY_PRICE_BAND CL 01-27: refused\n',
      'alert CRITICAL EXECUTION_BROKER_DISCONNECTED APEX-12345: again (2 more since the last one)\n',
    ]);
  });
});
