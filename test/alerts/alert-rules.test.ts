import { describe, expect, it } from 'vitest';
import { AlertRules, type RaisedAlert } from '../../src/alerts/alert-rules.js';
import type { AlertRuleConfig } from '../../src/alerts/alerts-config.js';
import { MessageBus } from '../../src/bus/bus.js';
import { TOPICS } from '../../src/bus/topics.js';
import type { AccountState, Alert, Order } from '../../src/core/events.js';
import type { RiskLimits } from '../../src/risk/risk-events.js';

const T0 = Date.UTC(2026, 11, 7, 15, 0) * 1000;
const SECOND = 1_000_000;

function watch(rules: AlertRuleConfig[], options: ConstructorParameters<typeof AlertRules>[2] = {}) {
  const bus = new MessageBus();
  const raised: RaisedAlert[] = [];
  new AlertRules(rules, (alert) => raised.push(alert), options).attach(bus);
  return { bus, raised, messages: () => raised.map((r) => r.alert.message) };
}

const limits = (account: string, ts: number, drawdownRoom: number, dailyLossRoom = Infinity): RiskLimits => ({
  account,
  ts,
  equity: 50_000,
  drawdownRoom,
  dailyLossRoom,
  contractLimit: 10,
  openMinis: 0,
  microsPerMini: 10,
});

describe('alert rules', () => {
  it('state-change: alerts on a change (not the first state), with the reasons, filtered by `to` and accounts', () => {
    const { bus, raised } = watch([
      { name: 'any', on: 'state-change' },
      { name: 'halts', on: 'state-change', to: ['HALTED'], accounts: ['A'] },
    ]);
    const state = (
      account: string,
      ts: number,
      s: 'ACTIVE' | 'REDUCING' | 'HALTED',
      reasons: string[] = [],
    ) => bus.publish(TOPICS.riskStates, { account, ts, state: s, reasons, health: 50 });
    state('A', T0, 'ACTIVE');
    state('A', T0 + 1, 'ACTIVE');
    state('A', T0 + 2, 'REDUCING', ['within $200 of the drawdown threshold']);
    state('A', T0 + 3, 'HALTED', ['drawdown breached']);
    state('B', T0, 'HALTED');
    state('B', T0 + 1, 'ACTIVE');
    state('B', T0 + 2, 'HALTED');
    expect(raised.map((r) => [r.rule.name, r.alert.account, r.alert.severity, r.alert.message])).toEqual([
      ['any', 'A', 'warning', 'A went from ACTIVE to REDUCING: within $200 of the drawdown threshold'],
      ['any', 'A', 'critical', 'A went from REDUCING to HALTED: drawdown breached'],
      ['halts', 'A', 'critical', 'A went from REDUCING to HALTED: drawdown breached'],
      ['any', 'B', 'info', 'B went from HALTED to ACTIVE'],
      ['any', 'B', 'critical', 'B went from ACTIVE to HALTED'],
    ]);
  });

  it('drawdown-room: alerts once per crossing below dollars or a % of the profile limit, again after it recovers', () => {
    const { bus, raised, messages } = watch(
      [{ name: 'dd', on: 'drawdown-room', below: 500, belowPercent: 30, severity: 'critical' }],
      { limitOf: (account, kind) => (account === 'A' && kind === 'drawdown-room' ? 2_500 : undefined) },
    );
    bus.publish(TOPICS.riskLimits, limits('A', T0, 2_000));
    bus.publish(TOPICS.riskLimits, limits('A', T0 + 1, 740)); // below 30 % of 2,500 = 750
    bus.publish(TOPICS.riskLimits, limits('A', T0 + 2, 400)); // still below: no second alert
    bus.publish(TOPICS.riskLimits, limits('A', T0 + 3, 900)); // recovered
    bus.publish(TOPICS.riskLimits, limits('A', T0 + 4, 700)); // crosses again
    bus.publish(TOPICS.riskLimits, limits('B', T0, 600)); // no profile limit: only the $500 counts
    bus.publish(TOPICS.riskLimits, limits('B', T0 + 1, 499.5));
    bus.publish(TOPICS.riskLimits, limits('C', T0, Infinity)); // no trailing rule
    expect(messages()).toEqual([
      'A: drawdown room $740.00 (30 % of the $2,500.00 limit) is below $750.00',
      'A: drawdown room $700.00 (28 % of the $2,500.00 limit) is below $750.00',
      'B: drawdown room $499.50 is below $500.00',
    ]);
    expect(
      raised.every((r) => r.alert.code === 'ALERT_DRAWDOWN_ROOM' && r.alert.severity === 'critical'),
    ).toBe(true);
  });

  it('daily-loss: watches the daily loss room', () => {
    const { bus, raised } = watch([{ name: 'dl', on: 'daily-loss', below: 300 }]);
    bus.publish(TOPICS.riskLimits, limits('A', T0, 5_000, 800));
    bus.publish(TOPICS.riskLimits, limits('A', T0 + 1, 5_000, 250));
    expect(raised.map((r) => [r.alert.code, r.alert.message])).toEqual([
      ['ALERT_DAILY_LOSS', 'A: daily loss room $250.00 is below $300.00'],
    ]);
  });

  it('reject-burst: N denials or broker rejects of one account within the window, then counts afresh', () => {
    const { bus, messages } = watch([{ name: 'burst', on: 'reject-burst', count: 3, within: '10s' }]);
    const deny = (account: string, ts: number) =>
      bus.publish(TOPICS.orderDenials, {
        ts,
        intentId: `i${String(ts)}`,
        account,
        symbol: 'ES 12-26',
        code: 'CONTRACT_LIMIT',
        reason: 'over the contract limit',
        numbers: {},
      });
    const reject = (account: string, ts: number) =>
      bus.publish(TOPICS.orders, { account, ts, status: 'rejected', reason: 'margin' } as unknown as Order);
    deny('A', T0);
    deny('A', T0 + 11 * SECOND); // the first is out of the window now
    deny('B', T0 + 12 * SECOND);
    reject('A', T0 + 13 * SECOND);
    deny('A', T0 + 14 * SECOND);
    deny('A', T0 + 15 * SECOND);
    expect(messages()).toEqual([
      'A: 3 orders denied or rejected within 10s (last: CONTRACT_LIMIT over the contract limit)',
    ]);
  });

  it('pnl-milestone: each multiple of `every` once a day, up (info) and down (warning)', () => {
    const { bus, raised } = watch([{ name: 'pnl', on: 'pnl-milestone', every: 500 }]);
    const account = (ts: number, realizedPnlToday: number, unrealizedPnl = 0): AccountState => ({
      account: 'A',
      ts,
      currency: 'USD',
      balance: 50_000 + realizedPnlToday,
      equity: 50_000 + realizedPnlToday + unrealizedPnl,
      realizedPnlToday,
      unrealizedPnl,
    });
    for (const [ts, realized, open] of [
      [T0, 0, 0],
      [T0 + 1, 300, 250], // +550: passes +500
      [T0 + 2, 450, 0],
      [T0 + 3, 600, 0], // +500 again: already reached today
      [T0 + 4, 1_200, 0], // +1,000 (level 2)
      [T0 + 5, -510, 0], // −500
      [T0 + 24 * 3600 * SECOND, 520, 0], // the next day: +500 again
    ] as const)
      bus.publish(TOPICS.accounts, account(ts, realized, open));
    expect(raised.map((r) => [r.alert.severity, r.alert.message])).toEqual([
      ['info', 'A: P&L today $550.00 passed $500.00'],
      ['info', 'A: P&L today $1,200.00 passed $1,000.00'],
      ['warning', 'A: P&L today −$510.00 passed −$500.00'],
      ['info', 'A: P&L today $520.00 passed $500.00'],
    ]);
  });

  it('addon-disconnected and fill: one alert each, keyed by session and fill id', () => {
    const { bus, raised } = watch([
      { name: 'addon', on: 'addon-disconnected' },
      { name: 'fills', on: 'fill' },
    ]);
    bus.publish(TOPICS.ninjatraderSessions, { kind: 'connected', sessionId: 's1', accounts: ['A'], ts: T0 });
    bus.publish(TOPICS.ninjatraderSessions, {
      kind: 'disconnected',
      sessionId: 's1',
      accounts: ['A'],
      ts: T0 + 1,
    });
    bus.publish(TOPICS.fills, {
      fillId: 'F1',
      clientOrderId: 'O1',
      account: 'A',
      symbol: 'NQ 12-26',
      ts: T0 + 2,
      side: 'sell',
      quantity: 2,
      price: 21000.5,
      commission: 4,
    });
    expect(raised.map((r) => [r.key, r.alert.severity, r.alert.message])).toEqual([
      ['s1', 'critical', 'the NinjaTrader AddOn session s1 (A) disconnected'],
      ['F1', 'info', 'A: sell 2 NQ 12-26 at 21000.5'],
    ]);
  });

  it('engine-alert: the engine’s own alerts by code and severity, never the ones the notifier published', () => {
    const own = new WeakSet<Alert>();
    const { bus, raised } = watch(
      [
        {
          name: 'engine',
          on: 'engine-alert',
          codes: ['STORE_UNAVAILABLE', 'ALERT_FILL'],
          minSeverity: 'warning',
        },
      ],
      { isOwn: (alert) => own.has(alert) },
    );
    const mine: Alert = { ts: T0, severity: 'critical', code: 'ALERT_FILL', message: 'from a rule' };
    own.add(mine);
    bus.publish(TOPICS.alerts, mine);
    bus.publish(TOPICS.alerts, { ts: T0, severity: 'info', code: 'STORE_UNAVAILABLE', message: 'too mild' });
    bus.publish(TOPICS.alerts, {
      ts: T0,
      severity: 'critical',
      code: 'GATEWAY_FLOOD',
      message: 'not listed',
    });
    bus.publish(TOPICS.alerts, {
      ts: T0,
      severity: 'critical',
      code: 'STORE_UNAVAILABLE',
      message: 'disk full',
    });
    expect(raised.map((r) => r.alert.message)).toEqual(['disk full']);
  });
});
