import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MessageBus } from '../../../src/bus/bus.js';
import { TOPICS } from '../../../src/bus/topics.js';
import { ReplayClock } from '../../../src/core/clock.js';
import type { Alert, OrderIntent, RiskState, Tick } from '../../../src/core/events.js';
import type { ExecutionCommand } from '../../../src/core/execution-commands.js';
import { microsFromIso, type Micros } from '../../../src/core/time.js';
import { HaltStore, haltFilePath } from '../../../src/risk/halt-store.js';
import type { OrderDenied } from '../../../src/risk/risk-events.js';
import { startTrading } from '../../../src/trading.js';

let counter = 0;

/**
 * The whole trading composition (risk engine, order manager, paper broker) for one account on a
 * bundled profile, in auto mode, with no slippage and no commission so the published examples'
 * numbers come out exactly. Everything the risk engine publishes is recorded.
 */
export function profileRig(profile: string, account: string, startIso: string) {
  const bus = new MessageBus();
  const clock = new ReplayClock(microsFromIso(startIso));
  const dataDir = mkdtempSync(join(tmpdir(), 'enigma-profile-'));
  const handle = startTrading(bus, clock, {
    dataDir,
    watchHaltFile: false,
    accounts: [{ id: account, profile, mode: 'auto' }],
    paper: { slippageTicks: 0, defaultCommission: 0, commissions: {} },
  });
  const commands: ExecutionCommand[] = [];
  const denied: OrderDenied[] = [];
  const approved: OrderIntent[] = [];
  const states: RiskState[] = [];
  const alerts: Alert[] = [];
  bus.observe(TOPICS.executionCommands).subscribe((command) => commands.push(command));
  bus.observe(TOPICS.orderDenials).subscribe((denial) => denied.push(denial));
  bus.observe(TOPICS.approvedIntents).subscribe((intent) => approved.push(intent));
  bus.observe(TOPICS.riskStates).subscribe((state) => states.push(state));
  bus.observe(TOPICS.alerts).subscribe((alert) => alerts.push(alert));

  /** A quote and trade at `price` (one tick either side) at `iso`; the clock moves there first. */
  const tick = (iso: string, price: number, symbol = 'ES 12-26', tickSize = 0.25): void => {
    const ts = microsFromIso(iso);
    clock.advanceTo(ts);
    const quote: Tick = {
      symbol,
      ts,
      price,
      size: 5,
      bid: price - tickSize,
      ask: price + tickSize,
      side: 'unknown',
    };
    bus.publish(TOPICS.ticks, quote);
  };
  /** An order intent at `iso` (the clock moves there first); returns its id. */
  const order = (iso: string, overrides: Partial<OrderIntent> = {}): string => {
    const ts: Micros = microsFromIso(iso);
    clock.advanceTo(ts);
    counter++;
    const intent: OrderIntent = {
      id: `profile-${counter}`,
      account,
      symbol: 'ES 12-26',
      ts,
      side: 'buy',
      quantity: 1,
      type: 'market',
      timeInForce: 'day',
      reason: 'published example',
      ...overrides,
    };
    bus.publish(TOPICS.orderIntents, intent);
    return intent.id;
  };
  const position = (symbol = 'ES 12-26'): number => handle.paper.position(account, symbol).quantity;
  const decision = (id: string): 'approved' | OrderDenied => {
    if (approved.some((intent) => intent.id === id)) return 'approved';
    const denial = denied.find((d) => d.intentId === id);
    if (!denial) throw new Error(`no decision for ${id}`);
    return denial;
  };
  /** The accounts persisted as halted (a breach is; a daily-loss lock is not). */
  const persistedHalts = (): string[] => {
    const loaded = new HaltStore(haltFilePath(dataDir)).load();
    return loaded.ok ? [...loaded.halts.keys()] : ['(halt file unreadable)'];
  };
  return {
    bus,
    clock,
    handle,
    commands,
    denied,
    approved,
    states,
    alerts,
    tick,
    order,
    position,
    decision,
    persistedHalts,
  };
}
