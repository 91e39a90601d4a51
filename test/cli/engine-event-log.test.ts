import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import { EngineEventLog } from '../../src/cli/engine-event-log.js';
import type { Alert } from '../../src/core/events.js';
import { createEngineLogger } from '../../src/core/log/logger.js';

const alert = (overrides: Partial<Alert>): Alert => ({
  ts: 1,
  severity: 'critical',
  code: 'EXECUTION_BROKER_DISCONNECTED',
  message: 'the AddOn session disconnected',
  account: 'APEX-12345',
  ...overrides,
});

/** The event log over a real engine logger: terminal lines without their clock, and the file's entries. */
function setUp(): {
  bus: MessageBus;
  terminal: () => string[];
  file: () => Record<string, unknown>[];
  setNow: (ms: number) => void;
} {
  const path = join(mkdtempSync(join(tmpdir(), 'enigma-event-log-')), 'engine.log');
  const printed: string[] = [];
  const { logger } = createEngineLogger({ file: path, terminal: { write: (text) => printed.push(text) } });
  const bus = new MessageBus();
  let now = 0;
  new EngineEventLog(bus, logger, () => now);
  return {
    bus,
    terminal: () => printed.map((line) => line.replace(/^\d\d:\d\d:\d\d /, '')),
    file: () =>
      readFileSync(path, 'utf8')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    setNow: (ms) => (now = ms),
  };
}

describe('the event log of enigma run', () => {
  it('prints warning and critical alerts with code and account, holds repeats and counts them', () => {
    const { bus, terminal, file, setNow } = setUp();
    bus.publish(TOPICS.alerts, alert({}));
    bus.publish(TOPICS.alerts, alert({ severity: 'info', code: 'EXECUTION_RECONCILED', message: 'ok' }));
    setNow(1_000);
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
    setNow(10_000);
    bus.publish(TOPICS.alerts, alert({ message: 'again' }));
    expect(terminal()).toEqual([
      'ERROR alerts: EXECUTION_BROKER_DISCONNECTED APEX-12345: the AddOn session disconnected\n',
      'WARN  alerts: GATEWAY_PRICE_BAND CL 01-27: refused\n',
      'ERROR alerts: EXECUTION_BROKER_DISCONNECTED APEX-12345: again (2 more since the last one)\n',
    ]);
    // The file keeps the info alert too, with its fields.
    expect(file().map((entry) => [entry['level'], entry['code'], entry['held']])).toEqual([
      ['error', 'EXECUTION_BROKER_DISCONNECTED', undefined],
      ['info', 'EXECUTION_RECONCILED', undefined],
      ['warn', 'GATEWAY_PRICE_BAND', undefined],
      ['error', 'EXECUTION_BROKER_DISCONNECTED', 2],
    ]);
    expect(file()[2]).toMatchObject({ component: 'alerts', symbol: 'CL 01-27', severity: 'warning' });
  });

  it('records AddOn sessions and the store health in the file only', () => {
    const { bus, terminal, file } = setUp();
    bus.publish(TOPICS.ninjatraderSessions, {
      kind: 'connected',
      sessionId: 's-1',
      accounts: ['Sim101'],
      ts: 1,
      resumed: false,
    });
    bus.publish(TOPICS.ninjatraderSessions, { kind: 'disconnected', sessionId: 's-1', accounts: [], ts: 2 });
    bus.publish(TOPICS.storeHealth, { ts: 3, ok: false, code: 'STORE_UNAVAILABLE', reason: 'disk full' });
    bus.publish(TOPICS.storeHealth, { ts: 4, ok: true });
    expect(terminal()).toEqual([]);
    expect(file().map((entry) => [entry['component'], entry['msg']])).toEqual([
      ['gateway', 'AddOn session connected (Sim101)'],
      ['gateway', 'AddOn session disconnected'],
      ['store', 'the store cannot write: disk full'],
      ['store', 'the store writes again'],
    ]);
    expect(file()[0]).toMatchObject({ level: 'info', sessionId: 's-1', accounts: ['Sim101'] });
  });
});
